package org.tokenscope.app;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.figure.CorpusFigures;

/**
 * The Detect tab: Binoculars and Fast-DetectGPT for the analysed text, and each token's share of
 * both along the text (click a bar to select its token everywhere), exportable like every figure.
 */
public final class DetectView extends BorderPane {

    private final DetectViewModel vm;
    private final FigureView binoculars = new FigureView();
    private final FigureView fastDetectGpt = new FigureView();

    public DetectView(DetectViewModel vm, MainViewModel main) {
        this.vm = vm;
        Label status = new Label();
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        status.setPadding(new Insets(6));
        setTop(status);
        for (FigureView v : new FigureView[] {binoculars, fastDetectGpt}) {
            v.setMetadata(main::exportMetadata);
            v.setOnItemClicked(item -> main.selectedProperty().set(item.index()));
        }
        vm.detectionProperty().addListener((o, a, d) -> show(d, main));
        setCenter(new VBox(4, fastDetectGpt, binoculars));
    }

    public DetectViewModel viewModel() {
        return vm;
    }

    private void show(TextDetection d, MainViewModel main) {
        if (d == null) {
            binoculars.factoryProperty().set(null);
            fastDetectGpt.factoryProperty().set(null);
            return;
        }
        MainViewModel.Analysis an = main.analysisProperty().get();
        String[] tokens = new String[d.positions().length];
        for (int i = 0; i < tokens.length; i++) {
            int t = d.positions()[i];
            tokens[i] = an != null && t < an.a().tokens().size() ? an.a().tokens().get(t).text() : "#" + t;
        }
        fastDetectGpt.factoryProperty().set(w -> CorpusFigures.contributions(
                "Fast-DetectGPT per token", String.format(java.util.Locale.ROOT,
                        "(log s(x) − μ) / √Σσ² · they sum to %.4f · higher is more machine-like", d.fastDetectGpt()),
                d.positions(), tokens, d.fastDetectGptContributions(), w, main.exportMetadata()));
        double[] bino = d.binocularsContributions();
        binoculars.factoryProperty().set(bino == null ? null : w -> CorpusFigures.contributions(
                "Binoculars per token", String.format(java.util.Locale.ROOT,
                        "(−log q(x) − cross-entropy) / Σ cross-entropy · they sum to %.4f − 1 · lower is more machine-like",
                        d.binoculars()), d.positions(), tokens, bino, w, main.exportMetadata()));
    }
}
