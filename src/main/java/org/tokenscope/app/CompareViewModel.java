package org.tokenscope.app;

import java.util.function.DoubleFunction;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.tokenscope.figure.Scale;
import org.tokenscope.figure.ScatterFigure;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Figures;

/**
 * The Compare tab's state: the scatter of the two models' log-probabilities (zoomed and panned, or every
 * point) and both models' measure along the text.
 */
public final class CompareViewModel {

    private final MainViewModel main;
    private final ReadOnlyObjectWrapper<DoubleFunction<Figures.Drawn>> scatter = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<DoubleFunction<Figures.Drawn>> plot = new ReadOnlyObjectWrapper<>();
    /** The scatter's view when zoomed or panned (null: every point). */
    private Scale x;
    private Scale y;

    public CompareViewModel(MainViewModel main) {
        this.main = main;
        main.analysisProperty().addListener((o, a, b) -> {
            x = null; // a new analysis starts with every point in view
            y = null;
        });
        main.whenFiguresChange(this::update);
        update();
    }

    /** The scatter at a width; null without a second model. */
    public ReadOnlyObjectProperty<DoubleFunction<Figures.Drawn>> scatterProperty() {
        return scatter.getReadOnlyProperty();
    }

    /** Both models' measure along the text at a width. */
    public ReadOnlyObjectProperty<DoubleFunction<Figures.Drawn>> plotProperty() {
        return plot.getReadOnlyProperty();
    }

    public MainViewModel main() {
        return main;
    }

    /** Zooms the scatter by {@code factor} (below 1: closer) around a point of the figure {@code shown}. */
    public void zoom(ScatterFigure shown, double atX, double atY, double factor) {
        x = shown.range().zoomed(shown.valueAtX(atX), factor);
        y = shown.rangeY().zoomed(shown.valueAtY(atY), factor);
        update();
    }

    /** Moves the scatter's view by a drag of {@code dx} × {@code dy} figure units. */
    public void pan(ScatterFigure shown, double dx, double dy) {
        x = shown.range().shifted(-dx * (shown.range().max() - shown.range().min()) / shown.plotSide());
        y = shown.rangeY().shifted(dy * (shown.rangeY().max() - shown.rangeY().min()) / shown.plotSide());
        update();
    }

    /** Every point in view again. */
    public void showAll() {
        x = null;
        y = null;
        update();
    }

    private void update() {
        Analysis an = main.analysisProperty().get();
        var meta = main.exportMetadata();
        Scale sx = x;
        Scale sy = y;
        scatter.set(an == null || an.b() == null ? null
                : w -> Figures.scatter(an, sx, sy, main.figureOptions(w), meta));
        plot.set(an == null ? null : (FillingFigure) (w, h) -> Figures.plot(an, main.figureOptions(w, h), meta));
    }
}
