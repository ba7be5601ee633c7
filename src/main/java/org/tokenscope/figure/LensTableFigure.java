package org.tokenscope.figure;

import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;
import org.tokenscope.figure.Painter.Rgb;

/**
 * The logit lens at one position as a table: a row per layer (the embeddings first, the model's own
 * prediction last), its most probable next tokens across, each cell coloured by probability; the token
 * that actually came next outlined wherever it shows, and its rank at each layer in the last column.
 * Items are the cells (kind "cell", index {@code level * k + rank − 1}).
 */
public final class LensTableFigure extends DrawnFigure {

    private static final double ROW = 21;
    private static final double MIN_CELL = 46;
    private static final double MAX_CELL = 110;

    private final int position;
    private final int k;

    private LensTableFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                            int position, int k) {
        super(width, height, title, sheet, metadata);
        this.position = position;
        this.k = k;
    }

    /**
     * @param position the position whose predictions are shown (what comes after token {@code position})
     * @param k        how many predictions a row shows at most (fewer when the figure is narrow)
     */
    public static LensTableFigure of(LogitLens lens, int position, int k, FigureOptions options, ExportMetadata metadata) {
        int n = lens.positions();
        if (n > 0 && (position < 0 || position >= n)) {
            throw new IllegalArgumentException("Position " + position + " is not between 0 and " + (n - 1) + ".");
        }
        double w = options.width();
        double m = Theme.MARGIN;
        double inner = w - 2 * m;
        Sheet sheet = new Sheet();
        TokenScore at = n == 0 ? null : lens.tokens().get(position);
        TokenScore next = n == 0 ? null : lens.next(position);
        String title = at == null ? "Logit lens · " + lens.model()
                : "Logit lens after " + Tooltips.quoted(at.text()) + " (token " + position + ") · " + lens.model();
        String subtitle = (next == null ? "the end of the text: nothing came next" : "what came next: "
                + Tooltips.quoted(next.text())) + " · each layer's stream read through the final layer norm and unembedding";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        Palette palette = options.palette();
        y += Legend.bar(sheet, m, y, inner, "probability", palette, new Scale(0, 1), false) + 12;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "lens", options, null);
        if (n == 0 || lens.levels() == 0) {
            y = Header.section(sheet, m, y, inner, "(no tokens)") + m;
            return new LensTableFigure(w, y, title, sheet, md, -1, 0);
        }
        Font font = Theme.LABEL;
        Font head = font.withBold(true);
        double labelWidth = TextMeasure.width("layer 00 (output)", Theme.TICK) + 10;
        double nextWidth = next == null ? 0 : TextMeasure.width("rank 50,257 · <0.001%", Theme.TICK) + 30;
        int available = lens.top(0, position).size();
        int shown = (int) Math.max(1, Math.min(Math.min(k, available), Math.floor((inner - labelWidth - nextWidth) / MIN_CELL)));
        double cell = Math.max(10, Math.min(MAX_CELL, (inner - labelWidth - nextWidth) / shown));
        double left = m + labelWidth;
        double base = ROW / 2 + TextMeasure.ascent(font) * 0.38;
        // header: ranks
        for (int r = 0; r < shown; r++) {
            sheet.text(Integer.toString(r + 1), left + (r + 0.5) * cell, y + base, Theme.TICK, Theme.MUTED, Anchor.MIDDLE);
        }
        sheet.text("layer · rank", left - 8, y + base, Theme.TICK, Theme.MUTED, Anchor.END);
        if (next != null) {
            sheet.text("next token", left + shown * cell + 10, y + base, Theme.TICK, Theme.MUTED, Anchor.START);
        }
        y += ROW;
        int levels = lens.levels();
        for (int level = 0; level < levels; level++) {
            double rowY = y + level * ROW;
            String name = level == 0 ? "embeddings" : "layer " + (level - 1) + (level == levels - 1 ? " (output)" : "");
            sheet.text(name, left - 8, rowY + base, Theme.TICK, level == levels - 1 ? Theme.INK : Theme.MUTED, Anchor.END);
            List<Alternative> top = lens.top(level, position);
            for (int r = 0; r < Math.min(shown, top.size()); r++) {
                Alternative a = top.get(r);
                double p = Math.exp(a.logprob());
                boolean actual = next != null && next.id() == a.id();
                Rgb fill = palette.color(p);
                String tip = LogitLens.levelLabel(level) + " · rank " + (r + 1) + ": " + Tooltips.quoted(a.text()) + " · id "
                        + a.id() + "\np " + Glyphs.probability(p) + " · log p " + Glyphs.number(a.logprob(), 3)
                        + (actual ? "\nthe token that came next" : "");
                double cx = left + r * cell;
                sheet.beginItem("cell-" + level + "-" + r, tip);
                sheet.fillRect(cx + 0.5, rowY + 0.5, cell - 1, ROW - 1, fill);
                Font f = actual ? head : font;
                sheet.text(TextMeasure.ellipsize(Glyphs.visible(a.text()), f, cell - 8), cx + 4, rowY + base, f,
                        fill.contrasting(), Anchor.START);
                if (actual) sheet.strokeRect(cx + 1, rowY + 1, cell - 2, ROW - 2, Theme.SERIES_B, 2);
                sheet.endItem();
                sheet.item("cell", level * shown + r, cx, rowY, cell, ROW, tip);
            }
            if (next != null) {
                Integer rank = lens.nextRank(level, position);
                double lp = lens.logprob()[level][position];
                Rgb bucket = Coloring.bucketColor(palette, Measure.rankBucket(rank));
                double sx = left + shown * cell + 10;
                sheet.fillRect(sx, rowY + (ROW - 10) / 2, 10, 10, bucket);
                sheet.text("rank " + String.format(java.util.Locale.ROOT, "%,d", rank) + " · " + Glyphs.percent(Math.exp(lp)),
                        sx + 15, rowY + base, Theme.TICK, Theme.INK, Anchor.START);
            }
        }
        sheet.line(left, y + (levels - 1) * ROW, left + shown * cell, y + (levels - 1) * ROW, Theme.INK, 0.7);
        y += levels * ROW + m;
        md.put("position", Integer.toString(position));
        md.put("k", Integer.toString(shown));
        return new LensTableFigure(w, y, title, sheet, md, position, shown);
    }

    /** The position shown (-1 when there are no tokens). */
    public int position() {
        return position;
    }

    /** How many predictions each row shows. */
    public int k() {
        return k;
    }
}
