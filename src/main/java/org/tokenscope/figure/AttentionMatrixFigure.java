package org.tokenscope.figure;

import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;

/**
 * One layer's attention as a matrix: a row per query, a column per key, each cell shaded by its weight
 * (white 0 to blue 1), the token texts on both axes. A text longer than {@link #MAX_TOKENS} shows a window
 * of that many tokens around the selected one, and says so. Items are the cells (kind "cell", index
 * {@code query * n + key} over the whole text) and the row labels (kind "token", the query).
 */
public final class AttentionMatrixFigure extends DrawnFigure {

    /** The most tokens a matrix shows; beyond, labels no longer read and cells are a pixel or two. */
    public static final int MAX_TOKENS = 64;

    private static final double MAX_CELL = 22;
    private static final double MAX_LABEL = 96;

    private final int from;
    private final int to;

    private AttentionMatrixFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                                  int from, int to) {
        super(width, height, title, sheet, metadata);
        this.from = from;
        this.to = to;
    }

    /**
     * @param query the selected token, whose row is outlined (-1 for none)
     */
    public static AttentionMatrixFigure of(AttentionMap map, int query, FigureOptions options, ExportMetadata metadata) {
        List<TokenScore> tokens = map.tokens();
        int n = tokens.size();
        int from = 0;
        int to = n;
        if (n > MAX_TOKENS) {
            int around = query < 0 ? n - 1 : Math.min(query, n - 1);
            from = Math.max(0, Math.min(n - MAX_TOKENS, around - MAX_TOKENS * 3 / 4));
            to = from + MAX_TOKENS;
        }
        int shown = to - from;
        double w = options.width();
        double m = Theme.MARGIN;
        double inner = w - 2 * m;
        Sheet sheet = new Sheet();
        String title = "Attention matrix · " + map.label() + " · " + map.model();
        String subtitle = "rows: the token that attends (query) · columns: the tokens it attends to (keys) · weight 0 to 1";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        y += Legend.ramp(sheet, m, y, inner, "attention weight", AttentionTextFigure::shade, new Scale(0, 1), null) + 6;
        if (n > MAX_TOKENS) {
            String note = "The text has " + n + " tokens; the matrix shows at most " + MAX_TOKENS + ": tokens " + from
                    + "–" + (to - 1) + ". A row's weights on tokens before " + from + " are not drawn.";
            sheet.text(TextMeasure.ellipsize(note, Theme.SUBTITLE, inner), m, y + TextMeasure.ascent(Theme.SUBTITLE),
                    Theme.SUBTITLE, Theme.SERIES_B, Anchor.START);
            y += TextMeasure.lineHeight(Theme.SUBTITLE) + 6;
        }
        if (n == 0) {
            y = Header.section(sheet, m, y + 4, inner, "(no tokens)") + m;
            return new AttentionMatrixFigure(w, y, title, sheet, metadata(metadata, options, map, query), 0, 0);
        }
        // cells as large as fit, labels sized to the cells
        Font probe = Theme.TICK;
        double labelWidth = 0;
        for (int i = from; i < to; i++) labelWidth = Math.max(labelWidth, TextMeasure.width(label(tokens.get(i)), probe));
        labelWidth = Math.min(MAX_LABEL, labelWidth) + 6;
        double cell = Math.max(1, Math.min(MAX_CELL, (inner - labelWidth) / shown));
        Font font = probe.withSize(Math.max(6, Math.min(probe.size(), cell * 0.85)));
        boolean labels = cell >= 7;
        double left = m + labelWidth;
        double top = y + (labels ? Math.min(MAX_LABEL, labelWidth) : 0) + 4;
        double half = TextMeasure.ascent(font) * 0.38;
        if (labels) {
            for (int k = from; k < to; k++) {
                double cx = left + (k - from + 0.5) * cell;
                String s = TextMeasure.ellipsize(label(tokens.get(k)), font, top - y - 4);
                sheet.textUp(s, cx + half, top - 4, font, Theme.INK, Anchor.START);
            }
        }
        Font bold = font.withBold(true);
        for (int q = from; q < to; q++) {
            double rowY = top + (q - from) * cell;
            if (labels) {
                String tip = Tooltips.quoted(tokens.get(q).text()) + " · token " + q + "\nclick to select it";
                sheet.beginItem("row-" + q, tip);
                Font f = q == query ? bold : font;
                sheet.text(TextMeasure.ellipsize(label(tokens.get(q)), f, labelWidth - 6), left - 5,
                        rowY + cell / 2 + half, f, q == query ? Theme.SERIES_B : Theme.INK, Anchor.END);
                sheet.endItem();
                sheet.item("token", q, m, rowY, labelWidth, cell, tip);
            }
            float[] row = map.weights()[q];
            for (int k = from; k <= q; k++) {
                double weight = row[k];
                String tip = Tooltips.quoted(tokens.get(q).text()) + " (token " + q + ") → "
                        + Tooltips.quoted(tokens.get(k).text()) + " (token " + k + ")\nweight " + Glyphs.number(weight, 4)
                        + " (" + Glyphs.percent(weight) + ")";
                double cx = left + (k - from) * cell;
                sheet.beginItem("cell-" + q + "-" + k, tip);
                sheet.fillRect(cx, rowY, cell, cell, AttentionTextFigure.shade(weight));
                sheet.endItem();
                sheet.item("cell", q * n + k, cx, rowY, cell, cell, tip);
            }
        }
        double size = shown * cell;
        sheet.strokeRect(left, top, size, size, Theme.AXIS, 0.75);
        if (query >= from && query < to) {
            sheet.strokeRect(left - 1, top + (query - from) * cell - 1, size + 2, cell + 2, Theme.SERIES_B, 2);
        }
        y = top + size + m;
        return new AttentionMatrixFigure(w, y, title, sheet, metadata(metadata, options, map, query), from, to);
    }

    /** The first token shown. */
    public int from() {
        return from;
    }

    /** Just past the last token shown. */
    public int to() {
        return to;
    }

    private static String label(TokenScore t) {
        return Glyphs.visible(t.text());
    }

    private static Map<String, String> metadata(ExportMetadata metadata, FigureOptions options, AttentionMap map,
                                                int query) {
        Map<String, String> md = HeatmapFigure.metadata(metadata, "attention-matrix", options, null);
        md.put("layer", Integer.toString(map.layer()));
        md.put("head", map.head() == null ? "mean" : map.head().toString());
        if (query >= 0) md.put("position", Integer.toString(query));
        return md;
    }
}
