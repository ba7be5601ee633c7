package org.tokenscope.figure;

import java.util.Objects;

/**
 * How a figure is drawn; each figure uses the fields that concern it.
 *
 * @param width      the figure's width in figure units (CSS pixels at 1×); its height follows from its content
 * @param measure    what the colours or the y axis show
 * @param palette    the sequential palette for measures (differences always use {@link Palette#RDBU})
 * @param range      a fixed scale per measure, or min–max over the values shown
 * @param boundaries show token boundaries, make whitespace visible and mark the parts of split characters
 * @param monospace  set the text of the heatmap in the monospace family
 * @param fontSize   the size of the text of the heatmap and token chips
 * @param height     the height of the pane the figure is shown in, which a plot or a bar chart fills (within
 *                   its own bounds); 0, as in exports: each figure takes the height its width gives it
 */
public record FigureOptions(double width, Measure measure, Palette palette, Scale.Mode range, boolean boundaries,
                            boolean monospace, double fontSize, double height) {

    public static final FigureOptions DEFAULT = new FigureOptions(800, Measure.PROB, Palette.VIRIDIS,
            Scale.Mode.FIXED, false, false, 14, 0);

    /** The narrowest a figure lays out. */
    public static final double MIN_WIDTH = 200;

    public FigureOptions {
        Objects.requireNonNull(measure, "measure");
        Objects.requireNonNull(palette, "palette");
        Objects.requireNonNull(range, "range");
        if (!(width >= MIN_WIDTH) || !Double.isFinite(width)) {
            throw new IllegalArgumentException("A figure needs a width of at least " + (int) MIN_WIDTH + ", not " + width + ".");
        }
        if (!(fontSize >= 6 && fontSize <= 72)) {
            throw new IllegalArgumentException("The font size must be between 6 and 72, not " + fontSize + ".");
        }
        if (!(height >= 0) || !Double.isFinite(height)) {
            throw new IllegalArgumentException("A figure's height must be 0 (from its content) or more, not " + height + ".");
        }
    }

    public FigureOptions withWidth(double width) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }

    public FigureOptions withMeasure(Measure measure) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }

    public FigureOptions withPalette(Palette palette) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }

    public FigureOptions withRange(Scale.Mode range) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }

    public FigureOptions withBoundaries(boolean boundaries) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }

    public FigureOptions withMonospace(boolean monospace) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }

    /** The options for a pane {@code height} tall (0: the figure's own height). */
    public FigureOptions withHeight(double height) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }

    public FigureOptions withFontSize(double fontSize) {
        return new FigureOptions(width, measure, palette, range, boundaries, monospace, fontSize, height);
    }
}
