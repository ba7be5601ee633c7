package org.tokenscope.figure;

import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;

/**
 * The most probable next tokens at one position as horizontal bars, best at the top, with their
 * probabilities; for two models, two panels side by side on one probability axis. The token that
 * actually came next, when known, is drawn in the second series colour. Items are the bars (kind "bar" in the
 * first panel, "bar-b" in the second), indexed by rank from 0.
 */
public final class TopKFigure extends DrawnFigure {

    /**
     * One model's alternatives.
     *
     * @param title        what the panel is (the model's name)
     * @param alternatives best first
     * @param actualId     the id of the token that came next, or null
     */
    public record Panel(String title, List<Alternative> alternatives, Integer actualId) {
        public Panel {
            alternatives = List.copyOf(alternatives);
        }
    }

    private static final double ROW = 22;
    private static final double BAR = 15;
    /** The tallest a row grows to fill a pane. */
    private static final double MAX_ROW = 40;
    private static final double GAP = 28;

    private TopKFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    /**
     * @param heading what the bars are of, e.g. "Next token after “…lazy dog.”" or "Token 7 (' fox')"
     */
    public static TopKFigure of(String heading, List<Panel> panels, FigureOptions options, ExportMetadata metadata) {
        if (panels.isEmpty() || panels.size() > 2) {
            throw new IllegalArgumentException("A top-k figure has one or two panels, not " + panels.size() + ".");
        }
        double w = options.width();
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        int k = panels.stream().mapToInt(p -> p.alternatives().size()).max().orElse(0);
        String subtitle = "the " + k + " most probable tokens · probability in %";
        double top = Header.draw(sheet, m, m, w - 2 * m, heading, subtitle) + 14;
        double pmax = 0;
        for (Panel p : panels) for (Alternative a : p.alternatives()) pmax = Math.max(pmax, Math.exp(a.logprob()));
        double panelWidth = (w - 2 * m - GAP * (panels.size() - 1)) / panels.size();
        // rows grow to fill a pane's height (up to MAX_ROW), bars with them
        double row = options.height() > 0 && k > 0
                ? Math.max(ROW, Math.min(MAX_ROW, (options.height() - top - 30 - m) / k)) : ROW;
        double bar = BAR * row / ROW;
        Font label = Theme.LABEL;
        Font bold = label.withBold(true);
        double rowsBottom = top;
        for (int pi = 0; pi < panels.size(); pi++) {
            Panel panel = panels.get(pi);
            double x0 = m + pi * (panelWidth + GAP);
            double y = Header.section(sheet, x0, top, panelWidth, panel.title()) + 8;
            if (panel.alternatives().isEmpty()) {
                sheet.text(TextMeasure.ellipsize("no alternatives", label, panelWidth), x0, y + TextMeasure.ascent(label), label, Theme.MUTED, Anchor.START);
                rowsBottom = Math.max(rowsBottom, y + row);
                continue;
            }
            double labelWidth = 0;
            double valueWidth = TextMeasure.width("100.0%", Theme.TICK);
            for (Alternative a : panel.alternatives()) {
                labelWidth = Math.max(labelWidth, TextMeasure.width(Glyphs.visible(a.text()), bold));
                valueWidth = Math.max(valueWidth, TextMeasure.width(Glyphs.percent(Math.exp(a.logprob())), Theme.TICK));
            }
            labelWidth = Math.min(labelWidth, panelWidth * 0.38);
            double barX = x0 + labelWidth + 8;
            double barMax = Math.max(10, panelWidth - labelWidth - 8 - valueWidth - 8);
            for (int r = 0; r < panel.alternatives().size(); r++) {
                Alternative a = panel.alternatives().get(r);
                double p = Math.exp(a.logprob());
                boolean actual = panel.actualId() != null && panel.actualId() == a.id();
                double rowY = y + r * row;
                double barW = pmax > 0 ? p / pmax * barMax : 0;
                String tip = Tooltips.quoted(a.text()) + " · id " + a.id() + " · rank " + (r + 1) + "\np "
                        + Glyphs.probability(p) + " · log p " + Glyphs.number(a.logprob(), 3)
                        + (actual ? "\nthe token that came next" : "");
                sheet.beginItem("bar-" + panel.title() + "-" + r, tip);
                String shown = TextMeasure.ellipsize(Glyphs.visible(a.text()), actual ? bold : label, labelWidth);
                double baseline = rowY + bar / 2 + TextMeasure.ascent(label) * 0.38;
                sheet.text(shown, barX - 8, baseline, actual ? bold : label, Theme.INK, Anchor.END);
                sheet.fillRect(barX, rowY, Math.max(1, barW), bar, actual ? Theme.SERIES_B : Theme.SERIES_A);
                sheet.text(Glyphs.percent(p), barX + Math.max(1, barW) + 5, baseline, Theme.TICK, Theme.MUTED, Anchor.START);
                sheet.endItem();
                sheet.item(pi == 0 ? "bar" : "bar-b", r, x0, rowY - (row - bar) / 2, panelWidth, row, tip);
            }
            sheet.line(barX, y - 3, barX, y + panel.alternatives().size() * row - (row - bar), Theme.AXIS, 1);
            rowsBottom = Math.max(rowsBottom, y + panel.alternatives().size() * row);
        }
        double h = rowsBottom + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "topk", options, null);
        md.put("k", Integer.toString(k));
        return new TopKFigure(w, h, heading, sheet, md);
    }
}
