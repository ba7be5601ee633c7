package org.tokenscope.figure;

import java.util.Map;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.figure.Painter.Anchor;

/**
 * Every head of every layer as a thumbnail of its attention (queries down, keys across), as bertviz's
 * model view: a row per layer, a column per head, the selected head (or, for the mean of heads, the
 * selected layer) outlined. Items are the thumbnails (kind "head", index {@code layer * heads + head}).
 */
public final class AttentionGridFigure extends DrawnFigure {

    private static final double MAX_THUMB = 72;
    private static final double GAP = 5;
    /** Weights below this are left white: they would not show, and skipping them keeps SVGs small. */
    private static final double FAINTEST = 0.02;

    private final double thumbnail;

    private AttentionGridFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                                double thumbnail) {
        super(width, height, title, sheet, metadata);
        this.thumbnail = thumbnail;
    }

    /**
     * @param layer the selected layer (-1 for none)
     * @param head  the selected head, or null for the mean of the layer's heads
     */
    public static AttentionGridFigure of(AttentionGrid grid, int layer, Integer head, FigureOptions options,
                                         ExportMetadata metadata) {
        double w = options.width();
        double m = Theme.MARGIN;
        double inner = w - 2 * m;
        Sheet sheet = new Sheet();
        String title = "All heads · " + grid.model() + " · " + grid.layers() + " layers × " + grid.heads() + " heads";
        String subtitle = "one head's attention over " + grid.positions() + " tokens a square (queries down, keys across; "
                + "the largest weight per block) · click to open";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        y += Legend.ramp(sheet, m, y, inner, "attention weight", AttentionTextFigure::shade, new Scale(0, 1), null) + 10;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "attention-grid", options, null);
        if (grid.layers() == 0 || grid.heads() == 0 || grid.positions() == 0) {
            y = Header.section(sheet, m, y, inner, "(no tokens)") + m;
            return new AttentionGridFigure(w, y, title, sheet, md, 0);
        }
        double labelWidth = TextMeasure.width("layer " + (grid.layers() - 1), Theme.TICK) + 8;
        double thumb = Math.max(4, Math.min(MAX_THUMB, (inner - labelWidth - GAP * (grid.heads() - 1)) / grid.heads()));
        double left = m + labelWidth;
        double ascent = TextMeasure.ascent(Theme.TICK);
        boolean every = thumb >= TextMeasure.width("00", Theme.TICK) + 2;
        for (int h = 0; h < grid.heads(); h++) {
            if (every || h % 5 == 0) {
                sheet.text(Integer.toString(h), left + h * (thumb + GAP) + thumb / 2, y + ascent, Theme.TICK,
                        Theme.MUTED, Anchor.MIDDLE);
            }
        }
        sheet.text("head", left - 8, y + ascent, Theme.TICK, Theme.MUTED, Anchor.END);
        y += TextMeasure.lineHeight(Theme.TICK) + 4;
        for (int l = 0; l < grid.layers(); l++) {
            double rowY = y + l * (thumb + GAP);
            sheet.text((l == 0 ? "layer " : "") + l, left - 8, rowY + thumb / 2 + ascent * 0.38, Theme.TICK,
                    l == layer ? Theme.SERIES_B : Theme.MUTED, Anchor.END);
            for (int h = 0; h < grid.heads(); h++) {
                AttentionGrid.Head cell = grid.cell(l, h);
                double x = left + h * (thumb + GAP);
                String tip = "layer " + l + " · head " + h + "\nto the previous token " + Glyphs.number(cell.toPrevious(), 2)
                        + " · to the first " + Glyphs.number(cell.toFirst(), 2) + " · to itself "
                        + Glyphs.number(cell.toSelf(), 2) + " (mean weights)";
                sheet.beginItem("head-" + l + "-" + h, tip);
                sheet.fillRect(x, rowY, thumb, thumb, Painter.Rgb.WHITE);
                float[][] t = cell.thumbnail();
                int s = t.length;
                double c = thumb / Math.max(1, s);
                for (int r = 0; r < s; r++) {
                    for (int k = 0; k <= r && k < t[r].length; k++) {
                        if (t[r][k] >= FAINTEST) {
                            sheet.fillRect(x + k * c, rowY + r * c, c, c, AttentionTextFigure.shade(t[r][k]));
                        }
                    }
                }
                sheet.strokeRect(x, rowY, thumb, thumb, Theme.AXIS, 0.5);
                sheet.endItem();
                sheet.item("head", l * grid.heads() + h, x, rowY, thumb, thumb, tip);
            }
        }
        if (layer >= 0 && layer < grid.layers()) {
            double rowY = y + layer * (thumb + GAP);
            if (head == null) {
                double span = grid.heads() * (thumb + GAP) - GAP;
                sheet.strokeRect(left - 2, rowY - 2, span + 4, thumb + 4, Theme.SERIES_B, 2);
            } else if (head >= 0 && head < grid.heads()) {
                sheet.strokeRect(left + head * (thumb + GAP) - 2, rowY - 2, thumb + 4, thumb + 4, Theme.SERIES_B, 2);
            }
        }
        y += grid.layers() * (thumb + GAP) - GAP + m;
        md.put("layer", Integer.toString(layer));
        md.put("head", head == null ? "mean" : head.toString());
        return new AttentionGridFigure(w, y, title, sheet, md, thumb);
    }

    /** The side of a thumbnail. */
    public double thumbnail() {
        return thumbnail;
    }
}
