package org.tokenscope.app;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.figure.Measure;

/**
 * The Detect tab: Binoculars and Fast-DetectGPT for the analysed text, and the text coloured by each
 * token's share of both (the heatmap's detection measures; click a token to select it everywhere),
 * exportable like every figure.
 */
public final class DetectView extends BorderPane implements TabView {

    private final DetectViewModel vm;
    final FigureView fastDetectGpt = new FigureView();
    final FigureView binoculars = new FigureView();

    public DetectView(DetectViewModel vm, MainViewModel main) {
        this.vm = vm;
        Label status = new Label();
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        status.setPadding(new Insets(6));
        setTop(status);
        fastDetectGpt.setId("detect-fast-detectgpt");
        binoculars.setId("detect-binoculars");
        for (FigureView v : new FigureView[] {fastDetectGpt, binoculars}) {
            Selection.bind(v, main);
        }
        vm.detectionProperty().addListener((o, a, d) -> show(d));
        main.whenFiguresChange(() -> show(vm.detectionProperty().get()));
        show(vm.detectionProperty().get());
        fastDetectGpt.setPlaceholder("Each token's share of Fast-DetectGPT's score shows here once the text is analysed.");
        binoculars.setPlaceholder("Binoculars needs a second model with the same tokenizer: tick “compare with B” "
                + "and pick model B.");
        VBox figures = new VBox(4, fastDetectGpt, binoculars); // the two heatmaps share the height
        VBox.setVgrow(fastDetectGpt, Priority.ALWAYS);
        VBox.setVgrow(binoculars, Priority.ALWAYS);
        setCenter(figures);
    }

    public DetectViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Detect";
    }

    @Override
    public javafx.scene.Node content() {
        return this;
    }

    @Override
    public void attach(javafx.beans.value.ObservableBooleanValue shown, Runnable show) {
        vm.activeProperty().bind(shown);
    }

    private void show(TextDetection d) {
        fastDetectGpt.factoryProperty().set(vm.heatmap(d, Measure.FAST_DETECTGPT));
        binoculars.factoryProperty().set(vm.heatmap(d, Measure.BINOCULARS));
    }
}
