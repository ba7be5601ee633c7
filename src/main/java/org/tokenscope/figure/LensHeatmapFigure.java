package org.tokenscope.figure;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;

/**
 * The logit lens over the whole text: a row per layer (the embeddings at the top, the model's output at
 * the bottom), a column per token, each cell coloured by GLTR's bucket of the rank that layer gives the
 * token that came next. A long text wraps into bands. Items are the cells (kind "cell", index
 * {@code level * n + position}).
 */
public final class LensHeatmapFigure extends DrawnFigure {

    private static final double MIN_CELL = 11;
    private static final double MAX_CELL = 30;
    private static final double MAX_LABEL = 64;
    /** About how tall all the bands together may grow, so that a long text stays one canvas on screen. */
    private static final double TARGET_HEIGHT = 3600;

    private final int bands;

    private LensHeatmapFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                              int bands) {
        super(width, height, title, sheet, metadata);
        this.bands = bands;
    }

    /** @param selected the selected position, whose column is outlined (-1 for none) */
    public static LensHeatmapFigure of(LogitLens lens, int selected, FigureOptions options, ExportMetadata metadata) {
        double w = options.width();
        double m = Theme.MARGIN;
        double inner = w - 2 * m;
        Sheet sheet = new Sheet();
        int n = lens.positions();
        int levels = lens.levels();
        String title = "Logit lens over the text · " + lens.model();
        String subtitle = "each layer's rank for the token that came next · rows: embeddings (emb) to output · "
                + "columns: the token before it";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        Palette palette = options.palette();
        y += Legend.ranks(sheet, m, y, inner, "rank of the next token", palette, "nothing came next") + 12;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "lens-heatmap", options, null);
        if (n == 0 || levels == 0) {
            y = Header.section(sheet, m, y, inner, "(no tokens)") + m;
            return new LensHeatmapFigure(w, y, title, sheet, md, 0);
        }
        double labelWidth = TextMeasure.width("emb", Theme.TICK) + 8;
        labelWidth = Math.max(labelWidth, TextMeasure.width(Integer.toString(levels - 2), Theme.TICK) + 8);
        double plot = inner - labelWidth;
        double cell = Math.max(MIN_CELL, Math.min(MAX_CELL, plot / n));
        int perBand = Math.max(1, (int) Math.floor(plot / cell));
        int bands = (n + perBand - 1) / perBand;
        Font font = Theme.TICK.withSize(Math.min(Theme.TICK.size(), cell * 0.9));
        double labelRoom = 0;
        for (TokenScore t : lens.tokens()) labelRoom = Math.max(labelRoom, TextMeasure.width(Glyphs.visible(t.text()), font));
        labelRoom = Math.min(MAX_LABEL, labelRoom) + 6;
        double rowHeight = Math.max(3, Math.min(18, Math.floor((TARGET_HEIGHT / bands - labelRoom - 14) / levels)));
        rowHeight = Math.min(rowHeight, Math.max(6, 300.0 / levels));
        int labelEvery = (int) Math.ceil((TextMeasure.lineHeight(Theme.TICK) + 1) / rowHeight);
        double half = TextMeasure.ascent(font) * 0.38;
        double left = m + labelWidth;
        for (int b = 0; b < bands; b++) {
            int from = b * perBand;
            int to = Math.min(n, from + perBand);
            for (int level = 0; level < levels; level++) {
                if (level == levels - 1 || (level % labelEvery == 0 && levels - 1 - level >= labelEvery)) {
                    sheet.text(LogitLens.levelName(level), left - 5,
                            y + level * rowHeight + rowHeight / 2 + TextMeasure.ascent(Theme.TICK) * 0.38, Theme.TICK,
                            Theme.MUTED, Anchor.END);
                }
                for (int t = from; t < to; t++) {
                    Integer rank = lens.nextRank(level, t);
                    double x = left + (t - from) * cell;
                    String tip = tooltip(lens, level, t, rank);
                    sheet.beginItem("cell-" + level + "-" + t, tip);
                    sheet.fillRect(x, y + level * rowHeight, cell, rowHeight,
                            rank == null ? Theme.UNSCORED : Coloring.bucketColor(palette, Measure.rankBucket(rank)));
                    sheet.endItem();
                    sheet.item("cell", level * n + t, x, y + level * rowHeight, cell, rowHeight, tip);
                }
            }
            double bottom = y + levels * rowHeight;
            for (int t = from; t < to; t++) {
                double cx = left + (t - from + 0.5) * cell;
                String s = TextMeasure.ellipsize(Glyphs.visible(lens.tokens().get(t).text()), font, labelRoom - 6);
                sheet.textUp(s, cx + half, bottom + 4, font, t == selected ? Theme.SERIES_B : Theme.INK, Anchor.END);
            }
            if (selected >= from && selected < to) {
                sheet.strokeRect(left + (selected - from) * cell - 1, y - 1, cell + 2, levels * rowHeight + 2,
                        Theme.SERIES_B, 2);
            }
            y = bottom + labelRoom + 14;
        }
        y += m - 14;
        md.put("position", Integer.toString(selected));
        return new LensHeatmapFigure(w, y, title, sheet, md, bands);
    }

    /** How many bands the text wrapped into. */
    public int bands() {
        return bands;
    }

    private static String tooltip(LogitLens lens, int level, int t, Integer rank) {
        TokenScore token = lens.tokens().get(t);
        TokenScore next = lens.next(t);
        String head = Tooltips.quoted(token.text()) + " (token " + t + ") · " + LogitLens.levelLabel(level);
        List<org.tokenscope.analysis.Alternative> top = lens.top(level, t);
        String best = top.isEmpty() ? "" : "\ntop prediction " + Tooltips.quoted(top.get(0).text()) + " · p "
                + Glyphs.probability(Math.exp(top.get(0).logprob()));
        if (next == null) return head + "\nthe end of the text: nothing came next" + best;
        return head + "\nnext " + Tooltips.quoted(next.text()) + ": rank " + String.format(Locale.ROOT, "%,d", rank)
                + " · p " + Glyphs.probability(Math.exp(lens.logprob()[level][t])) + best;
    }
}
