package org.tokenscope.figure;

import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;
import org.tokenscope.figure.Painter.Rgb;

/** Legends: a colour bar with its scale, or the swatches of discrete classes. */
public final class Legend {

    private static final double BAR_HEIGHT = 12;
    private static final double SWATCH = 12;
    private static final double TICK = 3;
    private static final int STEPS = 128;

    private Legend() {
    }

    /**
     * Draws the legend of a colouring at ({@code x}, {@code y}) (its top left), at most {@code maxWidth}
     * wide, and returns its height. With {@code unscored}, a grey swatch says what an unscored token looks like.
     */
    public static double draw(Painter p, double x, double y, double maxWidth, Coloring coloring, boolean unscored) {
        if (coloring.measure().isDiscrete()) {
            return ranks(p, x, y, maxWidth, coloring.palette(), unscored);
        }
        if (coloring.measure().isSigned()) { // red on the machine-like side, read off the colouring itself
            Scale s = coloring.scale();
            String label = coloring.measure().axisLabel() + " (red: machine-like)";
            return ramp(p, x, y, maxWidth, label, t -> coloring.color(s.min() + t * (s.max() - s.min())), s,
                    unscored ? "unscored" : null);
        }
        return bar(p, x, y, maxWidth, coloring.measure().axisLabel(), coloring.palette(), coloring.scale(), unscored);
    }

    /** A colour bar for {@code scale} on {@code palette}, its label on the left and ticks beneath; returns its height. */
    public static double bar(Painter p, double x, double y, double maxWidth, String label, Palette palette, Scale scale,
                             boolean unscored) {
        return ramp(p, x, y, maxWidth, label, palette::color, scale, unscored ? "unscored" : null);
    }

    /**
     * A colour bar for {@code scale}, coloured by {@code color} over [0, 1], its label on the left and ticks
     * beneath, with a grey swatch named {@code grey} after it (none when null); returns its height.
     */
    public static double ramp(Painter p, double x, double y, double maxWidth, String label,
                              java.util.function.DoubleFunction<Rgb> color, Scale scale, String grey) {
        Font font = Theme.TICK;
        double labelWidth = TextMeasure.width(label, Theme.LABEL);
        double unscoredWidth = grey != null ? swatchWidth(grey) + 16 : 0;
        double barX = x + labelWidth + 10;
        double barWidth = Math.min(280, maxWidth - labelWidth - 10 - unscoredWidth - 12);
        if (barWidth < 120 && !label.isEmpty()) { // too narrow for a label beside (and ticks): put it above
            p.text(label, x, y + TextMeasure.ascent(Theme.LABEL), Theme.LABEL, Theme.INK, Anchor.START);
            double h = TextMeasure.lineHeight(Theme.LABEL) + 4;
            return h + ramp(p, x, y + h, maxWidth, "", color, scale, grey);
        }
        barWidth = Math.max(30, barWidth);
        double mid = y + BAR_HEIGHT / 2;
        if (!label.isEmpty()) {
            p.text(label, x, mid + TextMeasure.ascent(Theme.LABEL) * 0.38, Theme.LABEL, Theme.INK, Anchor.START);
        } else {
            barX = x;
        }
        double step = barWidth / STEPS;
        for (int i = 0; i < STEPS; i++) {
            // each slice overlaps the next a little so that no seam shows when anti-aliased
            p.fillRect(barX + i * step, y, i == STEPS - 1 ? step : step + 0.6, BAR_HEIGHT, color.apply((i + 0.5) / STEPS));
        }
        p.strokeRect(barX, y, barWidth, BAR_HEIGHT, Theme.AXIS, 0.5);
        double labelY = y + BAR_HEIGHT + TICK + TextMeasure.ascent(font) + 1;
        for (int target = Math.max(2, Math.min(6, (int) (barWidth / 45))); ; target--) {
            // fewer ticks until their labels stand apart (a nice step can give more than asked for);
            // at the last, the scale's two ends
            double[] ticks = target > 1 ? scale.ticks(target) : new double[] {scale.min(), scale.max()};
            double tickStep = ticks.length > 1 ? ticks[1] - ticks[0] : scale.max() - scale.min();
            double[] xs = new double[ticks.length];
            String[] labels = new String[ticks.length];
            Anchor[] anchors = new Anchor[ticks.length];
            boolean apart = true;
            double previousEnd = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < ticks.length; i++) {
                xs[i] = barX + scale.fraction(ticks[i]) * barWidth;
                labels[i] = Glyphs.tick(ticks[i], tickStep);
                anchors[i] = ticks.length > 1 && i == 0 && xs[i] - barX < 8 ? Anchor.START
                        : ticks.length > 1 && i == ticks.length - 1 && barX + barWidth - xs[i] < 8 ? Anchor.END : Anchor.MIDDLE;
                double w = TextMeasure.width(labels[i], font);
                double start = anchors[i] == Anchor.START ? xs[i] : anchors[i] == Anchor.END ? xs[i] - w : xs[i] - w / 2;
                apart &= start >= previousEnd + 6;
                previousEnd = start + w;
            }
            if (!apart && target > 1) {
                continue;
            }
            for (int i = 0; i < ticks.length; i++) {
                p.line(xs[i], y + BAR_HEIGHT, xs[i], y + BAR_HEIGHT + TICK, Theme.AXIS, 1);
                p.text(labels[i], xs[i], labelY, font, Theme.MUTED, anchors[i]);
            }
            break;
        }
        if (grey != null) {
            swatch(p, barX + barWidth + 16, y, Theme.UNSCORED, grey);
        }
        return BAR_HEIGHT + TICK + TextMeasure.lineHeight(font) + 2;
    }

    /** GLTR's four rank buckets as swatches; returns the height. */
    public static double ranks(Painter p, double x, double y, double maxWidth, Palette palette, boolean unscored) {
        return ranks(p, x, y, maxWidth, Measure.RANK.label(), palette, unscored ? "unscored" : null);
    }

    /** GLTR's four rank buckets as swatches after {@code label}, then a grey one named {@code grey} (none when null). */
    public static double ranks(Painter p, double x, double y, double maxWidth, String label, Palette palette, String grey) {
        double cx = x;
        double cy = y;
        p.text(label, cx, cy + SWATCH / 2 + TextMeasure.ascent(Theme.LABEL) * 0.38, Theme.LABEL, Theme.INK, Anchor.START);
        cx += TextMeasure.width(label, Theme.LABEL) + 10;
        int n = Measure.RANK_BUCKETS.size() + (grey != null ? 1 : 0);
        for (int b = 0; b < n; b++) {
            boolean isUnscored = b == Measure.RANK_BUCKETS.size();
            String name = isUnscored ? grey : Measure.RANK_BUCKETS.get(b);
            double w = SWATCH + 5 + TextMeasure.width(name, Theme.TICK) + 14;
            if (cx + w > x + maxWidth && cx > x) {
                cx = x;
                cy += SWATCH + 6;
            }
            swatch(p, cx, cy, isUnscored ? Theme.UNSCORED : Coloring.bucketColor(palette, b), name);
            cx += w;
        }
        return cy - y + SWATCH + 2;
    }

    /** Series markers with their names ("● gpt2  ● gpt2-large"); returns the height. */
    public static double series(Painter p, double x, double y, java.util.List<String> names) {
        double cx = x;
        for (int i = 0; i < names.size(); i++) {
            p.fillCircle(cx + 5, y + SWATCH / 2, 4.5, Theme.series(i));
            p.text(names.get(i), cx + 14, y + SWATCH / 2 + TextMeasure.ascent(Theme.LABEL) * 0.38, Theme.LABEL,
                    Theme.INK, Anchor.START);
            cx += 14 + TextMeasure.width(names.get(i), Theme.LABEL) + 18;
        }
        return SWATCH + 2;
    }

    private static double swatchWidth(String name) {
        return SWATCH + 5 + TextMeasure.width(name, Theme.TICK);
    }

    private static void swatch(Painter p, double x, double y, Rgb color, String name) {
        p.fillRect(x, y, SWATCH, SWATCH, color);
        p.strokeRect(x, y, SWATCH, SWATCH, Theme.AXIS, 0.5);
        p.text(name, x + SWATCH + 5, y + SWATCH / 2 + TextMeasure.ascent(Theme.TICK) * 0.38, Theme.TICK, Theme.INK,
                Anchor.START);
    }
}
