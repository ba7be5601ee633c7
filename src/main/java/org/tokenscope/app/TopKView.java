package org.tokenscope.app;

import java.util.Locale;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.tokenscope.remote.RemoteBackend;
import org.tokenscope.service.Analyser;

/**
 * The Top-k tab: the alternatives as bars, with k and a temperature slider. Clicking one of model A's bars
 * at a token asks the Why tab why that token rather than the alternative clicked.
 */
public final class TopKView implements TabView {

    final FigureView figure = new FigureView();
    final Spinner<Integer> k = new Spinner<>(5, Analyser.TOP_K, 10, 5);
    final Slider temperature = new Slider(0.1, 3, 1);
    private final VBox box;
    private final TopKViewModel vm;

    public TopKView(TopKViewModel vm) {
        this.vm = vm;
        figure.setMetadata(vm.main()::exportMetadata);
        figure.selectedProperty().bind(vm.main().selectedProperty());
        figure.factoryProperty().bind(vm.figureProperty());
        figure.setPlaceholder(Hints.ANALYSE + "\nThen click a token to see what the model expected there.");
        figure.setOnItemClicked(item -> {
            if (item.kind().equals("bar")) { // model A's bars: "why the token rather than this one?"
                vm.whyNot(item.index());
            }
        });
        k.setPrefWidth(80);
        k.valueProperty().addListener((o, a, b) -> vm.kProperty().set(b));
        Button end = new Button("After the text");
        end.setOnAction(e -> vm.afterText());
        temperature.setId("temperature");
        temperature.setPrefWidth(220);
        temperature.setMajorTickUnit(0.5);
        temperature.setShowTickMarks(true);
        temperature.setTooltip(new Tooltip("Temperature: below 1 sharpens the distribution, above 1 flattens it "
                + "(renormalised over the most likely tokens kept: " + Analyser.TOP_K + ", from a remote server "
                + RemoteBackend.MAX_TOP_K + ")"));
        temperature.valueProperty().bindBidirectional(vm.temperatureProperty());
        Label shown = new Label();
        shown.setMinWidth(52);
        shown.textProperty().bind(temperature.valueProperty().map(v -> String.format(Locale.ROOT, "T = %.2f", v)));
        Button reset = new Button("T = 1");
        reset.setOnAction(e -> temperature.setValue(1));
        HBox bar = new HBox(6, new Label("k"), k, end, new Separator(Orientation.VERTICAL), new Label("temperature"),
                temperature, shown, reset);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 6, 0, 6));
        box = new VBox(4, bar, figure);
        VBox.setVgrow(figure, Priority.ALWAYS);
    }

    @Override
    public String title() {
        return "Top-k";
    }

    @Override
    public Node content() {
        return box;
    }

    /** A generation step picked in the Generate tab brings this tab to the front. */
    @Override
    public void attach(ObservableBooleanValue shown, Runnable show) {
        vm.main().stepProperty().addListener((o, a, step) -> {
            if (step != null) {
                show.run();
            }
        });
    }
}
