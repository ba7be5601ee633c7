package org.tokenscope.app;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.control.SplitPane;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.figure.CorpusFigures;
import org.tokenscope.figure.DataExport;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Figures;

/**
 * The Detect tab: Binoculars and Fast-DetectGPT for the analysed text, and each token's share of
 * both along the text (click a bar to select its token everywhere), exportable like every figure.
 */
public final class DetectView extends BorderPane implements TabView {

    private final DetectViewModel vm;
    final FigureView binoculars = new FigureView();
    final FigureView fastDetectGpt = new FigureView();

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
        fastDetectGpt.setPlaceholder("Fast-DetectGPT's score of the text, token by token, shows here once it is analysed.");
        binoculars.setPlaceholder("Binoculars needs a second model with the same tokenizer: tick “compare with B” "
                + "and pick model B.");
        setCenter(new SplitPane(fastDetectGpt, binoculars)); // side by side: each plot's axis stays in view
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

    /** The tokens' shares as a data table: token index, its text, its share. */
    private static DataExport.Table table(String name, int[] positions, String[] tokens, double[] shares) {
        java.util.List<java.util.List<Object>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < positions.length; i++) {
            rows.add(java.util.List.of(positions[i], tokens[i], shares[i]));
        }
        return new DataExport.Table(name, java.util.List.of("token", "text", "share"), rows);
    }

    private void show(TextDetection d, MainViewModel main) {
        if (d == null) {
            binoculars.factoryProperty().set(null);
            fastDetectGpt.factoryProperty().set(null);
            return;
        }
        Analysis an = main.analysisProperty().get();
        String[] tokens = new String[d.positions().length];
        for (int i = 0; i < tokens.length; i++) {
            int t = d.positions()[i];
            tokens[i] = an != null && t < an.a().tokens().size() ? an.a().tokens().get(t).text() : "#" + t;
        }
        double[] fdgShares = d.fastDetectGptContributions();
        fastDetectGpt.factoryProperty().set(w -> new Figures.Drawn(CorpusFigures.contributions(
                "Fast-DetectGPT per token", String.format(java.util.Locale.ROOT,
                        "(log s(x) − μ) / √Σσ² · they sum to %.4f · higher is more machine-like", d.fastDetectGpt()),
                d.positions(), tokens, fdgShares, w, main.exportMetadata()),
                table("fast_detectgpt_per_token", d.positions(), tokens, fdgShares)));
        double[] bino = d.binocularsContributions();
        binoculars.factoryProperty().set(bino == null ? null : w -> new Figures.Drawn(CorpusFigures.contributions(
                "Binoculars per token", String.format(java.util.Locale.ROOT,
                        "(−log q(x) − cross-entropy) / Σ cross-entropy · they sum to %.4f − 1 · lower is more machine-like",
                        d.binoculars()), d.positions(), tokens, bino, w, main.exportMetadata()),
                table("binoculars_per_token", d.positions(), tokens, bino)));
    }
}
