package org.tokenscope.app;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.tokenscope.service.Figures;

/** Zero a head or an MLP of model A: block and head pickers, and the Δ log p text it draws. */
public final class InterventionsView extends BorderPane {

    private final InterventionsViewModel vm;
    final Spinner<Integer> layer = new Spinner<>(0, 1023, 0);
    final Spinner<Integer> head = new Spinner<>(InterventionsViewModel.MLP, 1023, 0);
    final Button ablate = new Button("Zero it");
    final FigureView figure = new FigureView();
    final Label status = new Label();

    public InterventionsView(InterventionsViewModel vm, MainViewModel main) {
        this.vm = vm;
        layer.setId("interventions-layer");
        head.setId("interventions-head");
        layer.setPrefWidth(80);
        head.setPrefWidth(80);
        head.setTooltip(new Tooltip("The head, from 0; −1 zeroes the block's MLP output instead"));
        layer.valueProperty().addListener((o, a, b) -> vm.layerProperty().set(b));
        head.valueProperty().addListener((o, a, b) -> vm.headProperty().set(b));
        ablate.setId("interventions-run");
        ablate.setOnAction(e -> vm.ablate());
        ablate.disableProperty().bind(vm.busyProperty());
        status.setId("interventions-status");
        status.textProperty().bind(vm.statusProperty());
        HBox bar = new HBox(6, new Label("block"), layer, new Label("head (−1: MLP)"), head, ablate, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 6, 0, 6));
        setTop(bar);
        setCenter(figure);
        vm.resultProperty().addListener((o, a, b) -> {
            if (b != null) {
                figure.factoryProperty().set(w -> Figures.ablation(b, main.figureOptions(w), main.exportMetadata()));
                figure.refresh();
            }
        });
    }

    public InterventionsViewModel viewModel() {
        return vm;
    }
}
