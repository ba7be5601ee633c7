package org.tokenscope.figure;

import java.util.Map;
import org.tokenscope.analysis.PatchGrid;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;

/**
 * Activation patching as TransformerLens' demos draw it: blocks down, positions across (each labelled
 * with its clean token), each cell the fraction of the clean-vs-corrupted metric restored by
 * patching that block's output at that position, on RdBu centred on zero (blue restores, red works
 * against). Items are the cells (kind "cell", index layer × positions + position).
 */
public final class PatchFigure extends DrawnFigure {

    private static final double MAX_CELL = 28;
    private static final double MAX_LABEL = 96;

    private PatchFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    public static PatchFigure of(PatchGrid g, FigureOptions options, ExportMetadata metadata) {
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        int layers = g.layers();
        int n = g.positions();
        String metric = g.contrast() != null
                ? "logit(" + Glyphs.visible(g.target().text()) + ") " + Glyphs.MINUS + " logit(" + Glyphs.visible(g.contrast().text()) + ")"
                : "log p(" + Glyphs.visible(g.target().text()) + ")";
        String title = "Activation patching · residual stream after each block · " + g.model();
        String subtitle = "metric " + metric + " predicting token " + g.position() + ": clean " + Glyphs.number(g.clean(), 3)
                + ", corrupted " + Glyphs.number(g.corrupted(), 3) + " · cell: share of the difference restored";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        double limit = 1;
        for (double[] row : g.effect()) {
            for (double e : row) {
                if (Double.isFinite(e)) {
                    limit = Math.max(limit, Math.abs(e));
                }
            }
        }
        y += Legend.ramp(sheet, m, y, inner, "restored", t -> Palette.RDBU.color(t), new Scale(-limit, limit), null) + 8;
        Font probe = Theme.TICK;
        double rowLabel = TextMeasure.width("block " + (layers - 1), probe) + 8;
        double columnLabel = 0;
        for (TokenScore t : g.tokens()) {
            columnLabel = Math.max(columnLabel, TextMeasure.width(label(t), probe));
        }
        columnLabel = Math.min(MAX_LABEL, columnLabel) + 6;
        double cell = Math.max(2, Math.min(MAX_CELL, (inner - rowLabel) / Math.max(1, n)));
        Font font = probe.withSize(Math.max(6, Math.min(probe.size(), cell * 0.85)));
        boolean labels = cell >= 7;
        double left = m + rowLabel;
        double top = y + (labels ? columnLabel : 0) + 4;
        double half = TextMeasure.ascent(font) * 0.38;
        if (labels) {
            for (int p = 0; p < n; p++) {
                double cx = left + (p + 0.5) * cell;
                Font f = p == g.position() - 1 ? font.withBold(true) : font;
                sheet.textUp(TextMeasure.ellipsize(label(g.tokens().get(p)), f, columnLabel - 6), cx + half, top - 4, f,
                        Theme.INK, Anchor.START);
            }
        }
        double rowHeight = Math.max(cell, TextMeasure.lineHeight(font) + 2);
        for (int l = 0; l < layers; l++) {
            double rowY = top + l * rowHeight;
            sheet.text("block " + l, left - 5, rowY + rowHeight / 2 + half, font, Theme.INK, Anchor.END);
            for (int p = 0; p < n; p++) {
                double e = g.effect()[l][p];
                String tip = "block " + l + " · token " + p + " " + Tooltips.quoted(g.tokens().get(p).text())
                        + (g.corruptedTokens().get(p).id() != g.tokens().get(p).id()
                                ? " (corrupted: " + Tooltips.quoted(g.corruptedTokens().get(p).text()) + ")" : "")
                        + "\nrestored " + Glyphs.number(e, 4) + " (" + Glyphs.percent(e) + ")";
                double cx = left + p * cell;
                sheet.beginItem("cell-" + l + "-" + p, tip);
                sheet.fillRect(cx, rowY, cell, rowHeight, Palette.RDBU.color(0.5 + 0.5 * Math.max(-1, Math.min(1, e / limit))));
                sheet.endItem();
                sheet.item("cell", l * n + p, cx, rowY, cell, rowHeight, tip);
            }
        }
        sheet.strokeRect(left, top, n * cell, layers * rowHeight, Theme.AXIS, 0.75);
        y = top + layers * rowHeight + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "patching", options, null);
        md.put("position", Integer.toString(g.position()));
        md.put("target", Integer.toString(g.target().id()));
        if (g.contrast() != null) {
            md.put("contrast", Integer.toString(g.contrast().id()));
        }
        md.put("palette", Palette.RDBU.toString());
        return new PatchFigure(options.width(), y, title, sheet, md);
    }

    private static String label(TokenScore t) {
        return Glyphs.visible(t.text());
    }
}
