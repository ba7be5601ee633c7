package org.tokenscope.app;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.util.StringConverter;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.service.Figures;

/**
 * "Why?": the selected token's attribution over the text before it, with the method picker, the
 * steps of integrated gradients and "why not" one of its top-k alternatives; the figure carries
 * its legend and exports like every other.
 */
public final class WhyView extends BorderPane implements TabView {

    private final WhyViewModel vm;
    private final MainViewModel main;
    final ChoiceBox<Attribution.Method> method = new ChoiceBox<>();
    final Spinner<Integer> steps = new Spinner<>(1, 512, org.tokenscope.service.Explanations.DEFAULT_STEPS, 8);
    final Button why = new Button("Why?");
    final MenuButton whyNot = new MenuButton("Why not…");
    final FigureView figure = new FigureView();
    final Label status = new Label();

    public WhyView(WhyViewModel vm, MainViewModel main) {
        this.vm = vm;
        this.main = main;
        method.setId("why-method");
        method.getItems().setAll(Attribution.Method.values());
        method.setConverter(new StringConverter<>() {
            @Override
            public String toString(Attribution.Method m) {
                return m == null ? "" : m.label();
            }

            @Override
            public Attribution.Method fromString(String s) {
                return null;
            }
        });
        method.valueProperty().bindBidirectional(vm.methodProperty());
        method.setTooltip(new Tooltip("Gradient × input and integrated gradients follow the model's gradients; "
                + "rollout follows attention; occlusion removes each token and scores again"));
        steps.setId("why-steps");
        steps.setPrefWidth(80);
        steps.disableProperty().bind(vm.methodProperty().isNotEqualTo(Attribution.Method.INTEGRATED_GRADIENTS));
        steps.valueProperty().addListener((o, a, b) -> vm.stepsProperty().set(b));
        why.setId("why-run");
        why.setOnAction(e -> vm.why());
        why.disableProperty().bind(vm.busyProperty());
        whyNot.setId("why-not");
        whyNot.setOnShowing(e -> {
            whyNot.getItems().clear();
            for (Alternative alt : vm.alternatives()) {
                MenuItem item = new MenuItem("rather than " + org.tokenscope.figure.Glyphs.visible(alt.text())
                        + String.format(java.util.Locale.ROOT, "  (p %.3f)", Math.exp(alt.logprob())));
                item.setOnAction(x -> vm.whyRatherThan(alt.id()));
                whyNot.getItems().add(item);
            }
            if (whyNot.getItems().isEmpty()) {
                MenuItem none = new MenuItem("select a scored token first");
                none.setDisable(true);
                whyNot.getItems().add(none);
            }
        });
        whyNot.disableProperty().bind(vm.busyProperty());
        status.setId("why-status");
        status.textProperty().bind(vm.statusProperty());
        HBox bar = new HBox(6, why, whyNot, new Label("method"), method, new Label("steps"), steps, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 6, 0, 6));
        setTop(bar);
        figure.setPlaceholder("Select a token in the heatmap, then press Why?: each earlier token's share in "
                + "the prediction shows here.");
        setCenter(figure);
        vm.resultProperty().addListener((o, a, b) -> {
            if (b != null) {
                figure.factoryProperty().set(w -> Figures.attribution(b, main.figureOptions(w), main.exportMetadata()));
                figure.refresh();
            }
        });
    }

    /** A "why not" asked from another tab (a Top-k bar) brings this tab to the front. */
    @Override
    public void attach(javafx.beans.value.ObservableBooleanValue shown, Runnable show) {
        main.whyAskedProperty().addListener((o, a, asked) -> {
            if (asked != null) {
                show.run();
            }
        });
    }

    public WhyViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Why";
    }

    @Override
    public javafx.scene.Node content() {
        return this;
    }
}
