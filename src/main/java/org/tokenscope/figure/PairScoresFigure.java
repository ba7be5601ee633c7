package org.tokenscope.figure;

import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;

/**
 * A pair classifier's verdicts as horizontal bars, one per pair in the order given, on a fixed
 * 0–1 axis: the score of one label (HHEM's consistency score, or an NLI model's entailment
 * probability), with the pair's texts beside it. Items are the bars (kind "bar"), indexed by the
 * pair's position in {@link PairScores#pairs()}.
 */
public final class PairScoresFigure extends DrawnFigure {

    private static final double ROW = 22;
    private static final double BAR = 15;

    private PairScoresFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    /**
     * @param order the pairs to draw, top to bottom (the table's order on screen); each must be one of {@code scores}'
     * @param label whose score the bars show
     */
    public static PairScoresFigure of(PairScores scores, List<PairScore> order, String label, FigureOptions options,
                                      ExportMetadata metadata) {
        if (!scores.labels().contains(label)) {
            throw new IllegalArgumentException(scores.model() + " has no label '" + label + "'.");
        }
        double w = options.width();
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        String heading = scores.model() + ": " + label + " per pair";
        String subtitle = order.size() + (order.size() == 1 ? " pair" : " pairs") + " · "
                + (scores.labels().size() == 1 ? "sigmoid of the single output" : "softmax over " + String.join(", ", scores.labels()))
                + " · premise → hypothesis";
        double y = Header.draw(sheet, m, m, w - 2 * m, heading, subtitle) + 14;
        Font font = Theme.LABEL;
        double valueWidth = TextMeasure.width("0.0000", Theme.TICK) + 8;
        double labelWidth = Math.min(Math.max(120, (w - 2 * m) * 0.55), w - 2 * m - valueWidth - 60);
        double barX = m + labelWidth + 8;
        double barMax = Math.max(20, w - m - barX - valueWidth);
        for (int r = 0; r < order.size(); r++) {
            PairScore p = order.get(r);
            int index = scores.pairs().indexOf(p);
            double s = p.score(label);
            double rowY = y + r * ROW;
            double barW = Double.isFinite(s) ? Math.max(0, Math.min(1, s)) * barMax : 0;
            String text = (index + 1) + ". " + oneLine(p.pair().premise()) + " → " + oneLine(p.pair().hypothesis());
            StringBuilder tip = new StringBuilder("premise: ").append(p.pair().premise()).append("\nhypothesis: ")
                    .append(p.pair().hypothesis());
            p.scores().forEach((l, v) -> tip.append('\n').append(l).append(' ').append(Glyphs.number(v, 4)));
            tip.append("\n").append(p.tokens()).append(" tokens").append(p.truncated() ? " (cut to fit)" : "");
            sheet.beginItem("pair-" + index, tip.toString());
            double baseline = rowY + BAR / 2 + TextMeasure.ascent(font) * 0.38;
            sheet.text(TextMeasure.ellipsize(text, font, labelWidth), m, baseline, font, Theme.INK, Anchor.START);
            sheet.fillRect(barX, rowY, Math.max(1, barW), BAR, s >= 0.5 ? Theme.SERIES_A : Theme.SERIES_B);
            sheet.text(Glyphs.number(s, 4), barX + Math.max(1, barW) + 5, baseline, Theme.TICK, Theme.MUTED, Anchor.START);
            sheet.endItem();
            sheet.item("bar", index, m, rowY - (ROW - BAR) / 2, w - 2 * m, ROW, tip.toString());
        }
        double bottom = y + order.size() * ROW;
        sheet.line(barX, y - 3, barX, bottom - (ROW - BAR), Theme.AXIS, 1);
        sheet.line(barX + barMax / 2, y - 3, barX + barMax / 2, bottom - (ROW - BAR), Theme.GRID, 1);
        double ticks = bottom + TextMeasure.ascent(Theme.TICK);
        for (int i = 0; i <= 4; i++) {
            double x = barX + barMax * i / 4.0;
            sheet.text(Glyphs.number(i / 4.0, 2), x, ticks, Theme.TICK, Theme.MUTED, Anchor.MIDDLE);
        }
        double h = ticks + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "pairs", options, null);
        md.put("classifier", scores.model());
        md.put("label", label);
        return new PairScoresFigure(w, h, heading, sheet, md);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
