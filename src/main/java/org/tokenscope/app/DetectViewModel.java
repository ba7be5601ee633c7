package org.tokenscope.app;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import java.util.function.DoubleFunction;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.figure.Measure;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Figures;

/**
 * The Detect tab's state: Binoculars and Fast-DetectGPT for the analysed text (A observer and scorer,
 * B performer and reference; A alone gives Fast-DetectGPT with itself as reference), and the text
 * coloured by each token's share of both, the heatmap's detection measures. The pass is the one
 * {@link Detections} of the window, run when the tab is shown.
 */
public final class DetectViewModel {

    private final MainViewModel main;
    private final BooleanProperty active = new SimpleBooleanProperty(false);

    public DetectViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        main.detections().want(active);
    }

    /** Whether the tab is shown: passes run only then. */
    public BooleanProperty activeProperty() {
        return active;
    }

    public ReadOnlyObjectProperty<TextDetection> detectionProperty() {
        return main.detections().detectionProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return main.detections().statusProperty();
    }

    /** Scores the analysed text, unless its detection is there already. */
    public void refresh() {
        main.detections().request();
    }

    /**
     * The heatmap of the detection {@code d} by {@code measure} (the Binoculars or the Fast-DetectGPT
     * share) at a width, or null when there is none ({@code d} null, or Binoculars without B).
     */
    public DoubleFunction<Figures.Drawn> heatmap(TextDetection d, Measure measure) {
        Analysis an = main.analysisProperty().get();
        if (d == null || main.detections().of(an) != d || (measure.needsPair() && d.pair() == null)) {
            return null;
        }
        Detections detections = main.detections();
        return w -> Figures.detectionHeatmap(an, d, detections.observer(), detections.performer(),
                main.figureOptions(w).withMeasure(measure), main.exportMetadata());
    }
}
