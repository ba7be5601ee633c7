package org.tokenscope.app;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.tokenscope.figure.CompareHeatmapFigure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.Palette;
import org.tokenscope.figure.Scale;

/**
 * How every figure is drawn (the toolbar's choices), as properties the views bind to. The colours start
 * as GLTR's rank buckets (top 10, 100, 1000, the rest): a probability scale leaves an ordinary paragraph
 * one dark colour under a small model, while ranks show which words it saw coming.
 */
public final class FigureSettings {

    private final ObjectProperty<Measure> measure = new SimpleObjectProperty<>(Measure.RANK); // GLTR's buckets: structure shows on any text
    private final ObjectProperty<Palette> palette = new SimpleObjectProperty<>(Palette.VIRIDIS);
    private final ObjectProperty<Scale.Mode> range = new SimpleObjectProperty<>(Scale.Mode.FIXED);
    private final BooleanProperty boundaries = new SimpleBooleanProperty(false);
    private final BooleanProperty monospace = new SimpleBooleanProperty(false);
    private final ObjectProperty<CompareHeatmapFigure.Mode> compareMode =
            new SimpleObjectProperty<>(CompareHeatmapFigure.Mode.STACKED);

    public ObjectProperty<Measure> measureProperty() {
        return measure;
    }

    public ObjectProperty<Palette> paletteProperty() {
        return palette;
    }

    public ObjectProperty<Scale.Mode> rangeProperty() {
        return range;
    }

    public BooleanProperty boundariesProperty() {
        return boundaries;
    }

    public BooleanProperty monospaceProperty() {
        return monospace;
    }

    /** Two heatmaps stacked, or one of log p(B) − log p(A). */
    public ObjectProperty<CompareHeatmapFigure.Mode> compareModeProperty() {
        return compareMode;
    }

    /** The options every figure is drawn with, at a width. */
    public FigureOptions options(double width) {
        return FigureOptions.DEFAULT.withWidth(width).withMeasure(measure.get()).withPalette(palette.get())
                .withRange(range.get()).withBoundaries(boundaries.get()).withMonospace(monospace.get());
    }

    /** Every setting, for a listener that redraws when any changes. */
    public Observable[] all() {
        return new Observable[] {measure, palette, range, boundaries, monospace, compareMode};
    }
}
