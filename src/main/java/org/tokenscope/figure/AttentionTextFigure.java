package org.tokenscope.figure;

import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Rgb;

/**
 * The text as it reads, with each token up to the selected one shaded by how much attention the
 * selected token gives it (white for none, blue for the most it gives any), the selected token outlined,
 * and the tokens after it, which it cannot see, in light grey. Items are the token boxes (kind "token").
 */
public final class AttentionTextFigure extends DrawnFigure {

    /** Tokens after the selected one: it cannot attend to them. */
    static final Rgb UNSEEN = Rgb.of(0xefefef);

    private final int query;
    private final double rowMax;

    private AttentionTextFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                                int query, double rowMax) {
        super(width, height, title, sheet, metadata);
        this.query = query;
        this.rowMax = rowMax;
    }

    /**
     * The attention {@code query} gives the tokens of {@code map}.
     *
     * @param query the selected token, from 0 (ignored when there are no tokens)
     */
    public static AttentionTextFigure of(AttentionMap map, int query, FigureOptions options, ExportMetadata metadata) {
        List<TokenScore> tokens = map.tokens();
        int n = tokens.size();
        if (n > 0 && (query < 0 || query >= n)) {
            throw new IllegalArgumentException("Token " + query + " is not between 0 and " + (n - 1) + ".");
        }
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        float[] row = n == 0 ? new float[0] : map.weights()[query];
        double max = 0;
        for (int k = 0; k <= query && k < row.length; k++) max = Math.max(max, row[k]);
        double top = max > 0 ? max : 1;
        String title = n == 0 ? "Attention · " + map.model()
                : "Attention from " + Tooltips.quoted(tokens.get(query).text()) + " (token " + query + ") · " + map.model();
        String subtitle = map.label() + " · shade: the weight it gives each token up to itself, from 0 to its largest ("
                + Glyphs.number(max, 3) + ")";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        y += Legend.ramp(sheet, m, y, inner, "attention weight", AttentionTextFigure::shade, new Scale(0, top),
                "after it (unseen)");
        y += 14;
        TextFlow flow = TextFlow.layout(TokenPieces.of(map.text(), tokens), HeatmapFigure.font(options), inner,
                options.boundaries());
        int q = query;
        flow.paint(sheet, m, y, k -> k > q ? UNSEEN : shade(row[k] / top), k -> tooltip(map, q, k), "token", "token-");
        for (TextFlow.Box box : flow.boxes()) {
            if (box.token() == query) {
                sheet.strokeRect(m + box.x() - 1, y + box.y() - 1, box.width() + 2, box.height() + 2, Theme.SERIES_B, 2);
            }
        }
        if (n == 0) {
            y = Header.section(sheet, m, y, inner, "(no tokens)");
        }
        y += flow.height() + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "attention", options, null);
        md.put("layer", Integer.toString(map.layer()));
        md.put("head", map.head() == null ? "mean" : map.head().toString());
        md.put("position", Integer.toString(query));
        return new AttentionTextFigure(options.width(), y, title, sheet, md, n == 0 ? -1 : query, max);
    }

    /** The selected token (-1 when there are none). */
    public int query() {
        return query;
    }

    /** The largest weight the selected token gives any token: the darkest shade. */
    public double rowMax() {
        return rowMax;
    }

    /** Attention weights' colour: white at 0, the series blue at 1 (clamped). */
    static Rgb shade(double t) {
        double f = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        Rgb to = Theme.SERIES_A;
        return Rgb.of((int) Math.round(255 + (to.r() - 255) * f), (int) Math.round(255 + (to.g() - 255) * f),
                (int) Math.round(255 + (to.b() - 255) * f));
    }

    private static String tooltip(AttentionMap map, int query, int key) {
        TokenScore t = map.tokens().get(key);
        String line = Tooltips.quoted(t.text()) + " · token " + key + " · id " + t.id();
        if (key > query) {
            return line + "\nafter the selected token: it cannot attend to it";
        }
        double w = map.weights()[query][key];
        return line + "\nattention from " + Tooltips.quoted(map.tokens().get(query).text()) + " (token " + query + "): "
                + Glyphs.number(w, 4) + " (" + Glyphs.percent(w) + ")";
    }
}
