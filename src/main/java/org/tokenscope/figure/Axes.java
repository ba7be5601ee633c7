package org.tokenscope.figure;

import java.util.function.DoubleFunction;
import org.tokenscope.figure.Painter.Anchor;

/**
 * A plot area with two linear axes: maps data to figure units and draws the grid, the axes, their
 * ticks and labels.
 *
 * @param left   x of the plot area's left edge
 * @param top    y of its top edge
 * @param width  its width
 * @param height its height
 * @param x      the data range along x
 * @param y      the data range along y (its min at the bottom)
 */
record Axes(double left, double top, double width, double height, Scale x, Scale y) {

    /** The room to leave left of the plot area for y tick labels and the y label. */
    static final double LEFT_ROOM = 62;
    /** The room to leave below it for x tick labels and the x label. */
    static final double BOTTOM_ROOM = 42;

    double px(double v) {
        return left + x.fraction(v) * width;
    }

    double py(double v) {
        return top + height - y.fraction(v) * height;
    }

    double right() {
        return left + width;
    }

    double bottom() {
        return top + height;
    }

    /**
     * Draws grid, axes, ticks and labels. {@code xTicks}/{@code yTicks} are the tick values;
     * {@code xFormat}/{@code yFormat} turn them into labels.
     */
    void draw(Painter p, double[] xTicks, DoubleFunction<String> xFormat, String xLabel,
              double[] yTicks, DoubleFunction<String> yFormat, String yLabel) {
        for (double t : yTicks) {
            p.line(left, py(t), right(), py(t), Theme.GRID, 1);
        }
        for (double t : xTicks) {
            p.line(px(t), top, px(t), bottom(), Theme.GRID, 1);
        }
        p.line(left, bottom(), right(), bottom(), Theme.AXIS, 1);
        p.line(left, top, left, bottom(), Theme.AXIS, 1);
        double tickAscent = TextMeasure.ascent(Theme.TICK);
        double yLabelRoom = 0;
        for (double t : yTicks) {
            p.line(left - 4, py(t), left, py(t), Theme.AXIS, 1);
            String s = yFormat.apply(t);
            yLabelRoom = Math.max(yLabelRoom, TextMeasure.width(s, Theme.TICK));
            p.text(s, left - 7, py(t) + tickAscent * 0.38, Theme.TICK, Theme.MUTED, Anchor.END);
        }
        for (double t : xTicks) {
            p.line(px(t), bottom(), px(t), bottom() + 4, Theme.AXIS, 1);
            p.text(xFormat.apply(t), px(t), bottom() + 6 + tickAscent, Theme.TICK, Theme.MUTED, Anchor.MIDDLE);
        }
        double labelAscent = TextMeasure.ascent(Theme.LABEL);
        p.text(xLabel, left + width / 2, bottom() + 6 + TextMeasure.lineHeight(Theme.TICK) + 4 + labelAscent,
                Theme.LABEL, Theme.INK, Anchor.MIDDLE);
        double yLabelX = left - 7 - yLabelRoom - 8 - TextMeasure.descent(Theme.LABEL);
        p.textUp(yLabel, yLabelX, top + height / 2, Theme.LABEL, Theme.INK, Anchor.MIDDLE);
    }

    /** Integer ticks over {@code scale} (a step of at least 1), about {@code target} of them. */
    static double[] integerTicks(Scale scale, int target) {
        double step = Math.max(1, Scale.niceStep(scale.max() - scale.min(), target));
        double first = Math.ceil(scale.min() / step) * step;
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (double v = first; v <= scale.max() + 1e-9; v += step) out.add(v);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
