package org.tokenscope.app;

import java.util.function.DoubleFunction;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.figure.Measure;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Figures;

/**
 * The Heatmap tab's state: A's heatmap, or both models' (stacked or as B − A) when comparing; with a
 * detection measure, A's tokens coloured by that term of the text's detection (computed when first
 * asked for; until it is there, the heatmap of log-probabilities).
 */
public final class HeatmapViewModel {

    private final MainViewModel main;
    private final ReadOnlyObjectWrapper<DoubleFunction<Figures.Drawn>> figure = new ReadOnlyObjectWrapper<>();

    public HeatmapViewModel(MainViewModel main) {
        this.main = main;
        main.whenFiguresChange(this::update);
        Detections detections = main.detections();
        detections.detectionProperty().addListener((o, a, b) -> update());
        BooleanBinding detecting = Bindings.createBooleanBinding(
                () -> main.figures().measureProperty().get().isDetection(), main.figures().measureProperty());
        detections.want(detecting);
        // a detection measure the models no longer allow goes back to probability
        detections.measuresProperty().addListener((o, a, allowed) -> {
            Measure m = main.figures().measureProperty().get();
            if (m.isDetection() && !allowed.contains(m)) {
                main.figures().measureProperty().set(Measure.PROB);
            }
        });
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
        Measure measure = main.figures().measureProperty().get();
        Detections detections = main.detections();
        TextDetection d = detections.of(an);
        if (measure.isDetection() && d != null && (!measure.needsPair() || d.pair() != null)) {
            String observer = detections.observer();
            String performer = detections.performer();
            figure.set(w -> Figures.detectionHeatmap(an, d, observer, performer, main.figureOptions(w), meta));
            return;
        }
        figure.set(an == null ? null : w -> Figures.heatmaps(an, mode, main.figureOptions(w), meta));
    }
}
