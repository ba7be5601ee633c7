package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.Comparison;
import org.tokenscope.analysis.Correlation;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.SpanAlignment;
import org.tokenscope.figure.Painter.Anchor;

/**
 * Each token's log-probability under model A (x) against model B (y), with the identity line, and
 * Pearson's r and Spearman's ρ in the corner. Items are the points (kind "point"), indexed by token of A.
 */
public final class ScatterFigure extends DrawnFigure {

    private final Comparison comparison;
    private final Scale range;
    private final Scale rangeY;

    private final double[] plot; // left, top, side of the plot area

    private ScatterFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                          Comparison comparison, Scale range, Scale rangeY, double[] plot) {
        super(width, height, title, sheet, metadata);
        this.comparison = comparison;
        this.range = range;
        this.rangeY = rangeY;
        this.plot = plot;
    }

    public static ScatterFigure of(ScoredText a, ScoredText b, FigureOptions options, ExportMetadata metadata) {
        return of(a, b, options, metadata, null, null);
    }

    /**
     * One point per paired segment of the two tokenizations' {@link SpanAlignment}: where both models
     * cut the text the same way a segment is one token; where they differ, each coordinate is that
     * model's log-probabilities summed over the segment's tokens, and the subtitle says so. Points are
     * items of kind "point" with the index of the segment's first token of A, so selecting a token
     * rings the point it belongs to; the statistics are of exactly these points.
     */
    /**
     * As above, showing only {@code viewX} by {@code viewY} (zoomed or panned; null: every point), the
     * points outside left out; the statistics stay those of all points.
     */
    public static ScatterFigure of(ScoredText a, ScoredText b, FigureOptions options, ExportMetadata metadata,
                                   Scale viewX, Scale viewY) {
        SpanAlignment alignment = SpanAlignment.of(a.tokens(), b.tokens());
        Comparison comparison = Comparison.of(alignment);
        List<SpanAlignment.Segment> points = alignment.segments().stream().filter(SpanAlignment.Segment::paired).toList();
        List<Double> values = new ArrayList<>();
        int summed = 0;
        for (SpanAlignment.Segment segment : points) {
            values.add(segment.aLogprob());
            values.add(segment.bLogprob());
            if (segment.a().length > 1 || segment.b().length > 1) summed++;
        }
        Scale range = options.range() == Scale.Mode.FIXED && values.stream().allMatch(v -> v >= -15)
                ? Scale.fixed(Measure.LOGPROB)
                : Scale.minMax(values, Scale.fixed(Measure.LOGPROB)).nice(5);
        if (options.range() == Scale.Mode.FIXED) range = new Scale(Math.min(range.min(), -15), Math.max(range.max(), 0));
        Scale rangeY = viewY != null ? viewY : range;
        if (viewX != null) range = viewX;

        double w = options.width();
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        String title = "log-probability per token · " + a.model().name() + " vs " + b.model().name();
        String subtitle = (alignment.identical()
                ? points.size() + (points.size() == 1 ? " token" : " tokens") + " scored by both"
                : points.size() + " aligned spans · log p summed over each span's tokens where the tokenizers differ ("
                        + summed + ")")
                + " · perplexity " + Glyphs.perplexity(a.perplexity()) + " vs " + Glyphs.perplexity(b.perplexity());
        double top = Header.draw(sheet, m, m, w - 2 * m, title, subtitle) + 14;
        double side = Math.min(w - 2 * m - Axes.LEFT_ROOM - 4, 640);
        Axes axes = new Axes(m + Axes.LEFT_ROOM, top, side, side, range, rangeY);
        int tickCount = Math.max(2, Math.min(6, (int) (side / 55)));
        double[] ticks = range.ticks(tickCount);
        double[] ticksY = rangeY.ticks(tickCount);
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        double stepY = ticksY.length > 1 ? ticksY[1] - ticksY[0] : 1;
        axes.draw(sheet, ticks, v -> Glyphs.tick(v, step), "log p under A: " + a.model().name() + " (nats)", ticksY,
                v -> Glyphs.tick(v, stepY), "log p under B: " + b.model().name() + " (nats)");
        double from = Math.max(range.min(), rangeY.min()); // the identity line, where it crosses the view
        double to = Math.min(range.max(), rangeY.max());
        if (from < to) {
            sheet.line(axes.px(from), axes.py(from), axes.px(to), axes.py(to), Theme.AXIS, 1);
        }

        double radius = points.size() > 400 ? 2.2 : 3.2;
        for (SpanAlignment.Segment segment : points) {
            if (!range.contains(segment.aLogprob()) || !rangeY.contains(segment.bLogprob())) continue; // out of view
            int i = segment.a()[0];
            double px = axes.px(segment.aLogprob());
            double py = axes.py(segment.bLogprob());
            String tip = segment.a().length == 1 && segment.b().length == 1
                    ? Tooltips.tokenLine(a.tokens().get(i)) + "\nA " + a.model().name() + ": log p "
                            + Glyphs.number(segment.aLogprob(), 3) + "\nB " + b.model().name() + ": log p "
                            + Glyphs.number(segment.bLogprob(), 3)
                    : Tooltips.quoted(a.text().substring(segment.start(), segment.end())) + " · characters "
                            + segment.start() + "–" + segment.end() + "\nA " + a.model().name() + ": "
                            + segment.a().length + " tokens, log p " + Glyphs.number(segment.aLogprob(), 3)
                            + " (summed)\nB " + b.model().name() + ": " + segment.b().length + " tokens, log p "
                            + Glyphs.number(segment.bLogprob(), 3) + " (summed)";
            sheet.beginItem("point-" + i, tip);
            sheet.fillCircle(px, py, radius, Theme.SERIES_A.withAlpha(0.6));
            sheet.endItem();
            sheet.item("point", i, px - radius - 1, py - radius - 1, 2 * radius + 2, 2 * radius + 2, tip);
        }
        // the statistics in the top-left corner, on a white card so points never hide them
        String[] lines = {"Pearson r = " + stat(comparison.pearson()), "Spearman ρ = " + stat(comparison.spearman()),
                "n = " + comparison.n()};
        double lh = TextMeasure.lineHeight(Theme.LABEL) + 2;
        double cardW = 0;
        for (int i = 0; i < lines.length; i++) {
            lines[i] = TextMeasure.ellipsize(lines[i], Theme.LABEL, side - 28);
            cardW = Math.max(cardW, TextMeasure.width(lines[i], Theme.LABEL));
        }
        double cx = axes.left() + 8;
        double cy = axes.top() + 8;
        sheet.fillRect(cx, cy, cardW + 12, lh * lines.length + 8, Painter.Rgb.WHITE.withAlpha(0.9));
        sheet.strokeRect(cx, cy, cardW + 12, lh * lines.length + 8, Theme.GRID, 1);
        for (int i = 0; i < lines.length; i++) {
            sheet.text(lines[i], cx + 6, cy + 4 + i * lh + TextMeasure.ascent(Theme.LABEL), Theme.LABEL, Theme.INK,
                    Anchor.START);
        }
        double h = axes.bottom() + Axes.BOTTOM_ROOM + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "scatter", options, null);
        md.put("measure", Measure.LOGPROB.toString());
        md.put("scale", options.range() + " [" + Glyphs.plain(range.min()) + ", " + Glyphs.plain(range.max()) + "]");
        md.put("pearson", Double.isNaN(comparison.pearson().value()) ? "NaN" : Glyphs.plain(comparison.pearson().value()));
        md.put("spearman", Double.isNaN(comparison.spearman().value()) ? "NaN" : Glyphs.plain(comparison.spearman().value()));
        return new ScatterFigure(w, h, title, sheet, md, comparison, range, rangeY,
                new double[] {axes.left(), axes.top(), side});
    }

    /** The data value (nats) at figure x, on the horizontal axis. */
    public double valueAtX(double x) {
        return range.min() + (x - plot[0]) / plot[2] * (range.max() - range.min());
    }

    /** The data value (nats) at figure y, on the vertical axis. */
    public double valueAtY(double y) {
        return rangeY.min() + (plot[1] + plot[2] - y) / plot[2] * (rangeY.max() - rangeY.min());
    }

    /** The side of the square plot area, in figure units. */
    public double plotSide() {
        return plot[2];
    }

    public Comparison comparison() {
        return comparison;
    }

    /** The range of the horizontal axis (both, unless zoomed or panned), in nats. */
    public Scale range() {
        return range;
    }

    /** The range of the vertical axis, in nats. */
    public Scale rangeY() {
        return rangeY;
    }

    private static String stat(Correlation c) {
        return c.isDefined() ? Glyphs.number(c.value(), 3) : "n/a";
    }
}
