package org.tokenscope.app;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.StringConverter;
import javafx.stage.Window;
import org.tokenscope.figure.CompareHeatmapFigure;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.Palette;
import org.tokenscope.figure.Scale;
import org.tokenscope.model.WeightFormat;
import org.tokenscope.remote.Connection;
import org.tokenscope.remote.RemoteSpec;
import org.tokenscope.service.ModelRequest;

/**
 * The window's toolbar, two rows: the models (the two pickers, comparing or not, their weights, Analyse),
 * then how the figures are drawn (what the colours show, the palette, and toggles that look on when on).
 */
final class Toolbar extends VBox {

    static final String ADD_SERVER = "Add a remote server…";

    final ComboBox<String> modelA = new ComboBox<>();
    final ComboBox<String> modelB = new ComboBox<>();
    final CheckBox compare = new CheckBox("compare with B");
    final ToggleButton darkTheme;
    private final MainViewModel vm;

    /** @param dark called with whether the dark theme is on */
    Toolbar(MainViewModel vm, List<String> knownModels, Consumer<Boolean> dark) {
        this.vm = vm;
        for (ComboBox<String> box : List.of(modelA, modelB)) {
            box.setEditable(true);
            box.getItems().setAll(knownModels);
            box.getItems().addAll(MainViewModel.OPEN_FOLDER, ADD_SERVER);
            box.setPrefWidth(220);
            box.setTooltip(new Tooltip("A cached model, a Hub id to download (gpt2, gpt2-large, user/fine-tune) or a folder"));
        }
        vm.connections().addListener((ListChangeListener<Connection>) c -> listConnections());
        listConnections();
        modelA.setId("model-a");
        modelB.setId("model-b");
        modelA.setOnAction(e -> pick(modelA, vm.slotA()));
        modelB.setOnAction(e -> pick(modelB, vm.slotB()));
        vm.slotA().nameProperty().addListener((o, a, b) -> modelA.getEditor().setText(b));
        vm.slotB().nameProperty().addListener((o, a, b) -> modelB.getEditor().setText(b));
        compare.setId("compare");
        compare.selectedProperty().bindBidirectional(vm.compareProperty());
        compare.selectedProperty().addListener((o, a, b) -> vm.analyse());
        modelB.disableProperty().bind(compare.selectedProperty().not());

        FigureSettings settings = vm.figures();
        ChoiceBox<Measure> measure = new ChoiceBox<>(FXCollections.observableArrayList(Measure.tokenMeasures()));
        measure.setId("measure");
        measure.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Measure m) { // what it is called, the detectors' terms by their names
                return m == null ? "" : m.isDiscrete() ? m.label() + " (GLTR buckets)" : m.label();
            }

            @Override
            public Measure fromString(String s) {
                return Arrays.stream(Measure.values()).filter(m -> toString(m).equals(s)).findFirst().orElse(null);
            }
        });
        // the detectors' terms at each token, as far as the loaded models allow them
        vm.detections().measuresProperty().addListener((o, was, allowed) -> {
            Measure picked = settings.measureProperty().get();
            List<Measure> items = new java.util.ArrayList<>(Measure.tokenMeasures());
            items.addAll(allowed);
            measure.valueProperty().unbindBidirectional(settings.measureProperty()); // no null while the items change
            measure.getItems().setAll(items);
            measure.setValue(picked);
            measure.valueProperty().bindBidirectional(settings.measureProperty());
        });
        measure.valueProperty().bindBidirectional(settings.measureProperty());
        measure.setTooltip(new Tooltip("What the colours show; with local models also the detectors' terms at each "
                + "token: the cross-entropy from A to B (Binoculars' term) and each token's share of Binoculars and of "
                + "Fast-DetectGPT (red: machine-like)"));
        ChoiceBox<Palette> palette = new ChoiceBox<>(FXCollections.observableArrayList(
                Arrays.stream(Palette.values()).filter(p -> !p.isDiverging()).toList()));
        palette.valueProperty().bindBidirectional(settings.paletteProperty());
        ToggleButton minMax = toggle("scale to this text", "Spread the colours over this text's range of values "
                + "(min–max) instead of the measure's fixed range");
        minMax.setId("min-max");
        minMax.selectedProperty().addListener((o, a, b) -> settings.rangeProperty().set(b ? Scale.Mode.MIN_MAX : Scale.Mode.FIXED));
        ToggleButton bounds = toggle("token boundaries", "Show token boundaries, visible whitespace (· ↵) and the parts of split characters");
        bounds.setId("boundaries");
        bounds.selectedProperty().bindBidirectional(settings.boundariesProperty());
        ToggleButton mono = toggle("monospace", "Set the heatmap's text in a monospace font");
        mono.setId("monospace");
        mono.selectedProperty().bindBidirectional(settings.monospaceProperty());
        ToggleButton difference = toggle("show B − A", "One heatmap of log p(B) − log p(A) instead of the two "
                + "models' heatmaps stacked");
        difference.setId("difference");
        difference.selectedProperty().addListener((o, a, b) -> settings.compareModeProperty().set(
                b ? CompareHeatmapFigure.Mode.DIFFERENCE : CompareHeatmapFigure.Mode.STACKED));
        difference.disableProperty().bind(compare.selectedProperty().not());
        darkTheme = toggle("dark theme", "Dark theme (figures keep their white paper)");
        darkTheme.setId("dark");
        darkTheme.selectedProperty().addListener((o, a, b) -> dark.accept(b));
        ChoiceBox<WeightFormat> weights = new ChoiceBox<>(FXCollections.observableArrayList(WeightFormat.values()));
        weights.setId("weights");
        weights.setValue(vm.weightsProperty().get());
        vm.weightsProperty().addListener((o, a, b) -> weights.setValue(b));
        weights.setOnAction(e -> vm.useWeights(weights.getValue()));
        weights.setTooltip(new Tooltip("How local models hold their weights: f32; bf16 (half the memory); "
                + "q8 (8-bit, a quarter of the memory; log-probabilities within a few hundredths of a nat)"));
        Button analyse = new Button("Analyse");
        analyse.setOnAction(e -> vm.analyse());
        analyse.setTooltip(new Tooltip("Ctrl+Enter"));
        measure.setId("measure");
        ToolBar models = new ToolBar(new Label("A"), modelA, new Separator(), compare, modelB, weights, new Separator(),
                analyse);
        ToolBar figures = new ToolBar(label("colour by"), measure, label("palette"), palette, new Separator(), minMax,
                bounds, mono, difference, new Separator(), darkTheme);
        getChildren().addAll(models, figures);
    }

    private static Label label(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("toolbar-row-label");
        return label;
    }

    private static ToggleButton toggle(String text, String tooltip) {
        ToggleButton button = new ToggleButton(text);
        button.setTooltip(new Tooltip(tooltip));
        return button;
    }

    private void pick(ComboBox<String> box, ModelSlot slot) {
        String value = box.getValue();
        if (value == null || value.isBlank() || value.equals(slot.nameProperty().get())) {
            return;
        }
        Window window = getScene() == null ? null : getScene().getWindow();
        if (value.equals(ADD_SERVER)) {
            box.getEditor().setText(slot.nameProperty().get());
            ConnectionDialog.ask(window).ifPresent(c -> {
                addConnection(c);
                vm.loadModel(slot, ModelRequest.named(c.spec()).withDownload(false));
            });
            return;
        }
        if (value.equals(MainViewModel.OPEN_FOLDER)) {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open a model folder (config.json, tokenizer.json, model.safetensors)");
            File dir = chooser.showDialog(window);
            box.getEditor().setText(slot.nameProperty().get());
            if (dir == null) {
                return;
            }
            value = dir.getPath();
        }
        vm.loadModel(slot, ModelRequest.named(value));
    }

    /** Saves a remote server (replacing one at the same address); the pickers list it. */
    void addConnection(Connection c) {
        vm.connections().removeIf(old -> old.spec().equals(c.spec()));
        vm.connections().add(c);
    }

    /** Lists the saved servers in both pickers, just above "Open folder…". */
    private void listConnections() {
        for (ComboBox<String> box : List.of(modelA, modelB)) {
            box.getItems().removeIf(RemoteSpec::isRemote);
            vm.connections().forEach(c -> box.getItems().add(box.getItems().indexOf(MainViewModel.OPEN_FOLDER), c.spec()));
        }
    }
}
