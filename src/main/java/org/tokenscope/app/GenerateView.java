package org.tokenscope.app;

import java.util.List;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Generate tab: the prompt, greedy / beam / sampling settings, the text as it streams in and the
 * table of steps (a click on a step shows its alternatives in the Top-k tab).
 */
public final class GenerateView implements TabView {

    final TextArea generated = new TextArea();
    final FigureView steps = new FigureView();
    private final VBox box;

    public GenerateView(GenerateViewModel vm) {
        TextField prompt = new TextField();
        prompt.setId("prompt");
        prompt.textProperty().bindBidirectional(vm.promptProperty());
        HBox.setHgrow(prompt, Priority.ALWAYS);
        ChoiceBox<String> strategy = new ChoiceBox<>(FXCollections.observableArrayList("greedy", "beam", "sample"));
        strategy.setValue("greedy");
        Spinner<Integer> newTokens = new Spinner<>(1, 512, 20);
        Spinner<Integer> beams = new Spinner<>(2, 16, 4);
        Spinner<Double> temperature = new Spinner<>(0.05, 5.0, 1.0, 0.05);
        Spinner<Integer> topK = new Spinner<>(0, 1000, 0);
        Spinner<Double> topP = new Spinner<>(0.05, 1.0, 1.0, 0.05);
        Spinner<Double> penalty = new Spinner<>(1.0, 3.0, 1.0, 0.05);
        Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 0);
        CheckBox chat = new CheckBox("as chat message");
        chat.setId("chat");
        chat.setTooltip(new Tooltip("Send the prompt as a user's message through the model's chat template "
                + "(tokenizer_config.json) and stop at its end of turn"));
        List<Spinner<?>> spinners = List.of(newTokens, beams, temperature, topK, topP, penalty, seed);
        Runnable sync = () -> vm.formProperty().set(new GenerationForm(strategy.getValue(), newTokens.getValue(),
                beams.getValue(), temperature.getValue(), topK.getValue(), topP.getValue(), penalty.getValue(),
                seed.getValue(), chat.isSelected()));
        for (Spinner<?> s : spinners) {
            s.setEditable(true);
            s.setPrefWidth(80);
            s.valueProperty().addListener((o, a, b) -> sync.run());
        }
        strategy.valueProperty().addListener((o, a, b) -> sync.run());
        chat.selectedProperty().addListener((o, a, b) -> sync.run());
        beams.disableProperty().bind(strategy.valueProperty().isNotEqualTo("beam"));
        for (Spinner<?> s : List.of(temperature, topK, topP, seed)) {
            s.disableProperty().bind(strategy.valueProperty().isNotEqualTo("sample"));
        }
        Button go = new Button("Generate");
        go.setId("generate");
        go.setOnAction(e -> vm.generate());
        go.disableProperty().bind(vm.generatingProperty());
        Button stop = new Button("Stop");
        stop.setOnAction(e -> vm.stop());
        stop.disableProperty().bind(vm.generatingProperty().not());
        Button useText = new Button("Use the text");
        useText.setTooltip(new Tooltip("Continue the text above"));
        useText.setOnAction(e -> vm.useText());
        HBox row1 = new HBox(6, new Label("Prompt"), prompt, chat, useText, go, stop);
        row1.setAlignment(Pos.CENTER_LEFT);
        HBox row2 = new HBox(6, strategy, new Label("new tokens"), newTokens, new Label("beams"), beams,
                new Label("temperature"), temperature, new Label("top-k"), topK, new Label("top-p"), topP,
                new Label("repetition penalty"), penalty, new Label("seed"), seed);
        row2.setAlignment(Pos.CENTER_LEFT);
        generated.setEditable(false);
        generated.setPromptText("The prompt and what the model writes after it appear here.");
        generated.setWrapText(true);
        generated.setPrefRowCount(3);
        generated.textProperty().bind(vm.generatedTextProperty());
        steps.factoryProperty().bind(vm.stepsProperty());
        steps.setPlaceholder(HINT);
        steps.setMetadata(vm.main()::exportMetadata);
        steps.setOnItemClicked(item -> {
            if ("step".equals(item.kind())) {
                vm.pick(item.index());
            }
        });
        BeamTreeView tree = new BeamTreeView(vm);
        SplitPane results = new SplitPane(steps);
        strategy.valueProperty().addListener((o, a, b) -> { // the beam tree beside the steps, for beam search only
            if (b.equals("beam") && !results.getItems().contains(tree)) {
                results.getItems().add(tree);
            } else if (!b.equals("beam")) {
                results.getItems().remove(tree);
            }
        });
        box = new VBox(6, row1, row2, generated, results);
        VBox.setVgrow(results, Priority.ALWAYS);
        box.setPadding(new Insets(6));
        box.addEventHandler(KeyEvent.KEY_PRESSED, e -> { // here Ctrl+Enter generates (elsewhere it analyses)
            if (e.isShortcutDown() && e.getCode() == KeyCode.ENTER) {
                if (!vm.generatingProperty().get()) {
                    vm.generate();
                }
                e.consume();
            }
        });
    }

    /** What the empty table of steps says. */
    static final String HINT = "Press Generate, or Ctrl+Enter: the steps, each with its log-probability, show here.";

    @Override
    public String title() {
        return "Generate";
    }

    @Override
    public Node content() {
        return box;
    }
}
