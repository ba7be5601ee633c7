package org.tokenscope.app;

import java.util.function.DoubleFunction;
import org.tokenscope.service.Figures;

/**
 * A figure that fills its pane's height as well as its width (a plot, bars): a {@link FigureView} hands it
 * both; anywhere else it is laid out as the figure of its width alone.
 */
@FunctionalInterface
interface FillingFigure extends DoubleFunction<Figures.Drawn> {

    /** The figure for a pane {@code width} × {@code height} (0: the figure's own height). */
    Figures.Drawn at(double width, double height);

    @Override
    default Figures.Drawn apply(double width) {
        return at(width, 0);
    }
}
