package org.tokenscope.app;

import java.util.function.DoubleFunction;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Figures;

/** The Heatmap tab's state: A's heatmap, or both models' (stacked or as B − A) when comparing. */
public final class HeatmapViewModel {

    private final MainViewModel main;
    private final ReadOnlyObjectWrapper<DoubleFunction<Figures.Drawn>> figure = new ReadOnlyObjectWrapper<>();

    public HeatmapViewModel(MainViewModel main) {
        this.main = main;
        main.whenFiguresChange(this::update);
        update();
    }

    /** The heatmap at a width, or null before an analysis. */
    public ReadOnlyObjectProperty<DoubleFunction<Figures.Drawn>> figureProperty() {
        return figure.getReadOnlyProperty();
    }

    public MainViewModel main() {
        return main;
    }

    private void update() {
        Analysis an = main.analysisProperty().get();
        var meta = main.exportMetadata();
        var mode = main.figures().compareModeProperty().get();
        figure.set(an == null ? null : w -> Figures.heatmaps(an, mode, main.figureOptions(w), meta));
    }
}
