package org.tokenscope.app;

import java.io.File;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.Duration;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.CompareHeatmapFigure;
import org.tokenscope.figure.DataExport;
import org.tokenscope.figure.HeatmapFigure;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.Palette;
import org.tokenscope.figure.Scale;
import org.tokenscope.figure.ScatterFigure;
import org.tokenscope.figure.StepsFigure;
import org.tokenscope.figure.TokenPlotFigure;
import org.tokenscope.figure.TokensFigure;
import org.tokenscope.figure.TopKFigure;

/** The window's nodes, bound to a {@link MainViewModel}. Holds no state of its own. */
public final class MainView extends BorderPane {

    static final String OPEN_FOLDER = "Open folder…";
    static final String ADD_SERVER = "Add a remote server…";
    /** Modena derives every control colour from these, which makes a dark theme in one line. */
    static final String DARK = "-fx-base: #2b2d31; -fx-background: #1e1f22; -fx-control-inner-background: #26282c;"
            + " -fx-accent: #5b8def; -fx-focus-color: #5b8def;";

    private final MainViewModel vm;
    final TextArea textArea = new TextArea();
    final ComboBox<String> modelA = new ComboBox<>();
    final ComboBox<String> modelB = new ComboBox<>();
    final CheckBox compare = new CheckBox("compare with B");
    final FigureView heatmap = new FigureView();
    final FigureView scatter = new FigureView();
    final FigureView tokenPlot = new FigureView();
    final FigureView topK = new FigureView();
    final FigureView tokens = new FigureView();
    final FigureView steps = new FigureView();
    final TextArea generated = new TextArea();
    final Label status = new Label();
    final Spinner<Integer> topKCount = new Spinner<>(5, MainViewModel.TOP_K, 10, 5);
    /** Rescales the top-k pane's distribution live: softmax(logits / T) over the alternatives kept. */
    final Slider temperature = new Slider(0.1, 3, 1);
    final TabPane tabs = new TabPane();
    final SplitPane split;
    final SplitPane compareSplit = new SplitPane();
    final InsideView inside;
    final WhyView why;

    public MainView(MainViewModel vm, List<String> knownModels) {
        this.vm = vm;
        setTop(toolbar(knownModels));
        textArea.setWrapText(true);
        textArea.textProperty().bindBidirectional(vm.textProperty());
        textArea.setPromptText("Paste or type a text…");
        textArea.setStyle("-fx-font-family: 'DejaVu Sans'; -fx-font-size: 14px;");
        textArea.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(javafx.scene.input.TransferMode.COPY);
            }
            e.consume();
        });
        textArea.setOnDragDropped(e -> {
            boolean ok = false;
            if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
                ok = vm.openFile(e.getDragboard().getFiles().get(0).toPath());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
        vm.textProperty().addListener((o, a, b) -> vm.scheduleAnalyse());

        inside = new InsideView(new InsideViewModel(vm, vm.runner()), vm);
        why = new WhyView(new WhyViewModel(vm, vm.runner()), vm);
        Tab insideTab = tab("Inside", inside);
        tabs.getTabs().addAll(
                tab("Heatmap", heatmap),
                tab("Compare", compareTab()),
                tab("Top-k", topKTab()),
                tab("Tokens", tokens),
                insideTab,
                tab("Generate", generateTab()),
                tab("Why", why));
        inside.viewModel().activeProperty().bind(insideTab.selectedProperty());
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        split = new SplitPane(textArea, tabs);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.25);
        setCenter(split);
        setBottom(statusBar());
        wireFigures();
        setOnKeyPressed(e -> {
            if (e.isShortcutDown() && e.getCode() == javafx.scene.input.KeyCode.ENTER) {
                vm.analyse();
            } else if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
                vm.cancel();
            }
        });
    }

    /** Puts back the layout of the last session: dividers, the open tab, measure and palette. */
    public void restore(Settings settings) {
        split.setDividerPositions(clamp(settings.getDouble("layout.text", 0.25)));
        compareSplit.setDividerPositions(clamp(settings.getDouble("layout.compare", 0.5)));
        int tab = (int) settings.getDouble("layout.tab", 0);
        if (tab >= 0 && tab < tabs.getTabs().size()) {
            tabs.getSelectionModel().select(tab);
        }
        try {
            vm.measureProperty().set(Measure.valueOf(settings.get("figure.measure", vm.measureProperty().get().name())));
            vm.paletteProperty().set(Palette.valueOf(settings.get("figure.palette", vm.paletteProperty().get().name())));
        } catch (IllegalArgumentException e) {
            // a name from another version: keep the defaults
        }
    }

    /** Notes the layout for the next session (see {@link #restore}). */
    public void remember(Settings settings) {
        settings.put("layout.text", split.getDividerPositions()[0]);
        settings.put("layout.compare", compareSplit.getDividerPositions()[0]);
        settings.put("layout.tab", tabs.getSelectionModel().getSelectedIndex());
        settings.put("figure.measure", vm.measureProperty().get().name());
        settings.put("figure.palette", vm.paletteProperty().get().name());
    }

    private static double clamp(double divider) {
        return Math.max(0.05, Math.min(0.95, divider));
    }

    private static Tab tab(String title, javafx.scene.Node node) {
        Tab t = new Tab(title, node);
        t.setId("tab-" + title.toLowerCase().replace("-", ""));
        return t;
    }

    private ToolBar toolbar(List<String> knownModels) {
        for (ComboBox<String> box : List.of(modelA, modelB)) {
            box.setEditable(true);
            box.getItems().setAll(knownModels);
            box.getItems().addAll(OPEN_FOLDER, ADD_SERVER);
            box.setPrefWidth(220);
            box.setTooltip(new Tooltip("A cached model, a Hub id to download (gpt2, gpt2-large, user/fine-tune) or a folder"));
        }
        vm.connections().addListener((javafx.collections.ListChangeListener<org.tokenscope.remote.Connection>) c -> listConnections());
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

        ChoiceBox<Measure> measure = new ChoiceBox<>(FXCollections.observableArrayList(Measure.values()));
        measure.valueProperty().bindBidirectional(vm.measureProperty());
        measure.setTooltip(new Tooltip("What the colours show"));
        ChoiceBox<Palette> palette = new ChoiceBox<>(FXCollections.observableArrayList(
                java.util.Arrays.stream(Palette.values()).filter(p -> !p.isDiverging()).toList()));
        palette.valueProperty().bindBidirectional(vm.paletteProperty());
        ToggleButton minMax = new ToggleButton("min–max");
        minMax.setTooltip(new Tooltip("Scale colours to this text's range instead of a fixed one"));
        minMax.selectedProperty().addListener((o, a, b) -> vm.rangeProperty().set(b ? Scale.Mode.MIN_MAX : Scale.Mode.FIXED));
        ToggleButton bounds = new ToggleButton("boundaries");
        bounds.setId("boundaries");
        bounds.setTooltip(new Tooltip("Show token boundaries, visible whitespace (· ↵) and the parts of split characters"));
        bounds.selectedProperty().bindBidirectional(vm.boundariesProperty());
        ToggleButton mono = new ToggleButton("mono");
        mono.setTooltip(new Tooltip("Set the heatmap's text in a monospace font"));
        mono.selectedProperty().bindBidirectional(vm.monospaceProperty());
        ToggleButton difference = new ToggleButton("B − A");
        difference.setTooltip(new Tooltip("One heatmap of log p(B) − log p(A)"));
        difference.selectedProperty().addListener((o, a, b) -> vm.compareModeProperty().set(
                b ? CompareHeatmapFigure.Mode.values()[1] : CompareHeatmapFigure.Mode.STACKED));
        difference.disableProperty().bind(compare.selectedProperty().not());
        ToggleButton dark = new ToggleButton("dark");
        dark.setId("dark");
        dark.setTooltip(new Tooltip("Dark theme (figures keep their white paper)"));
        dark.selectedProperty().addListener((o, a, b) -> setStyle(b ? DARK : ""));
        Button analyse = new Button("Analyse");
        analyse.setOnAction(e -> vm.analyse());
        analyse.setTooltip(new Tooltip("Ctrl+Enter"));
        return new ToolBar(new Label("A"), modelA, new Separator(), compare, modelB, new Separator(),
                measure, palette, minMax, bounds, mono, difference, new Separator(), analyse, dark);
    }

    private void pick(ComboBox<String> box, ModelSlot slot) {
        String value = box.getValue();
        if (value == null || value.isBlank() || value.equals(slot.nameProperty().get())) {
            return;
        }
        if (value.equals(ADD_SERVER)) {
            box.getEditor().setText(slot.nameProperty().get());
            ConnectionDialog.ask(getScene() == null ? null : getScene().getWindow()).ifPresent(c -> {
                addConnection(c);
                vm.loadModel(slot, c.spec(), false, null);
            });
            return;
        }
        if (value.equals(OPEN_FOLDER)) {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open a model folder (config.json, tokenizer.json, model.safetensors)");
            File dir = chooser.showDialog(getScene() == null ? null : getScene().getWindow());
            box.getEditor().setText(slot.nameProperty().get());
            if (dir == null) {
                return;
            }
            value = dir.getPath();
        }
        vm.loadModel(slot, value, true, null);
    }

    /** Saves a remote server (replacing one at the same address); the pickers list it. */
    void addConnection(org.tokenscope.remote.Connection c) {
        vm.connections().removeIf(old -> old.spec().equals(c.spec()));
        vm.connections().add(c);
    }

    /** Lists the saved servers in both pickers, just above "Open folder…". */
    private void listConnections() {
        for (ComboBox<String> box : List.of(modelA, modelB)) {
            box.getItems().removeIf(item -> org.tokenscope.remote.RemoteSpec.isRemote(item));
            vm.connections().forEach(c -> box.getItems().add(box.getItems().indexOf(OPEN_FOLDER), c.spec()));
        }
    }

    private javafx.scene.Node topKTab() {
        topKCount.setPrefWidth(80);
        topKCount.valueProperty().addListener((o, a, b) -> updateTopK());
        Button end = new Button("After the text");
        end.setOnAction(e -> vm.selectedProperty().set(-1));
        temperature.setId("temperature");
        temperature.setPrefWidth(220);
        temperature.setMajorTickUnit(0.5);
        temperature.setShowTickMarks(true);
        temperature.setTooltip(new Tooltip("Temperature: below 1 sharpens the distribution, above 1 flattens it "
                + "(renormalised over the most likely tokens kept: " + MainViewModel.TOP_K + ", from a remote server "
                + MainViewModel.REMOTE_TOP_K + ")"));
        Label shown = new Label();
        shown.setMinWidth(52);
        shown.textProperty().bind(temperature.valueProperty().map(v -> String.format(java.util.Locale.ROOT, "T = %.2f", v)));
        Button reset = new Button("T = 1");
        reset.setOnAction(e -> temperature.setValue(1));
        temperature.valueProperty().addListener((o, a, b) -> updateTopK());
        Button whyButton = new Button("Why?");
        whyButton.setTooltip(new Tooltip("Why the selected token: click a bar first for \"why it rather than that one\""));
        whyButton.setOnAction(e -> askWhy(-1));
        topK.setOnItemClicked(item -> { // a bar: "why the token rather than this alternative?"
            TokenScore t = why.viewModel().selectedToken();
            if ("bar".equals(item.kind()) && t != null && item.index() < t.top().size()) {
                askWhy(t.top().get(item.index()).id() == t.id() ? -1 : t.top().get(item.index()).id());
            }
        });
        HBox bar = new HBox(6, new Label("k"), topKCount, end, new Separator(Orientation.VERTICAL), new Label("temperature"),
                temperature, shown, reset, new Separator(Orientation.VERTICAL), whyButton);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 6, 0, 6));
        VBox box = new VBox(4, bar, topK);
        VBox.setVgrow(topK, Priority.ALWAYS);
        return box;
    }

    /** Opens the Why tab on the selected token, rather than {@code contrast} when ≥ 0. */
    private void askWhy(int contrast) {
        tabs.getTabs().stream().filter(t -> "tab-why".equals(t.getId())).findFirst()
                .ifPresent(t -> tabs.getSelectionModel().select(t));
        why.viewModel().whyRatherThan(contrast);
    }

    /** Shows a generation step's alternatives in the top-k pane. */
    private void showStep(org.tokenscope.generate.Step step) {
        int k = topKCount.getValue();
        List<TopKFigure.Panel> panels = List.of(new TopKFigure.Panel(vm.slotA().nameProperty().get(),
                step.top().subList(0, Math.min(k, step.top().size())), step.id()));
        String heading = "Generation step " + (step.index() + 1) + ": the alternatives to '" + step.text() + "'";
        topK.factoryProperty().set(w -> TopKFigure.of(heading, panels, vm.figureOptions(w), vm.exportMetadata()));
        topK.setData(() -> DataExport.topK(panels.get(0).alternatives(), step.id()));
        topK.refresh();
        tabs.getTabs().stream().filter(t -> "tab-topk".equals(t.getId())).findFirst()
                .ifPresent(t -> tabs.getSelectionModel().select(t));
    }

    private javafx.scene.Node compareTab() {
        compareSplit.getItems().setAll(scatter, tokenPlot);
        compareSplit.setOrientation(Orientation.HORIZONTAL);
        return compareSplit;
    }

    private javafx.scene.Node generateTab() {
        TextField prompt = new TextField();
        prompt.setId("prompt");
        prompt.textProperty().bindBidirectional(vm.promptProperty());
        HBox.setHgrow(prompt, Priority.ALWAYS);
        ChoiceBox<String> strategy = new ChoiceBox<>(FXCollections.observableArrayList("greedy", "beam", "sample"));
        strategy.setValue("greedy");
        Spinner<Integer> newTokens = new Spinner<>(1, 512, 20);
        Spinner<Integer> beams = new Spinner<>(2, 16, 4);
        Spinner<Double> temperature = new Spinner<>(0.05, 5.0, 1.0, 0.05);
        Spinner<Integer> topKs = new Spinner<>(0, 1000, 0);
        Spinner<Double> topP = new Spinner<>(0.05, 1.0, 1.0, 0.05);
        Spinner<Double> penalty = new Spinner<>(1.0, 3.0, 1.0, 0.05);
        Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 0);
        for (Spinner<?> s : List.of(newTokens, beams, temperature, topKs, topP, penalty, seed)) {
            s.setEditable(true);
            s.setPrefWidth(80);
        }
        Runnable sync = () -> vm.generationProperty().set(new GenerationForm(strategy.getValue(), newTokens.getValue(),
                beams.getValue(), temperature.getValue(), topKs.getValue(), topP.getValue(), penalty.getValue(),
                seed.getValue()));
        for (Spinner<?> s : List.of(newTokens, beams, temperature, topKs, topP, penalty, seed)) {
            s.valueProperty().addListener((o, a, b) -> sync.run());
        }
        strategy.valueProperty().addListener((o, a, b) -> sync.run());
        beams.disableProperty().bind(strategy.valueProperty().isNotEqualTo("beam"));
        for (Spinner<?> s : List.of(temperature, topKs, topP, seed)) {
            s.disableProperty().bind(strategy.valueProperty().isNotEqualTo("sample"));
        }
        Button go = new Button("Generate");
        go.setId("generate");
        go.setDefaultButton(false);
        go.setOnAction(e -> vm.generate());
        go.disableProperty().bind(vm.generatingProperty());
        Button stop = new Button("Stop");
        stop.setOnAction(e -> vm.cancel());
        stop.disableProperty().bind(vm.generatingProperty().not());
        Button useText = new Button("Use the text");
        useText.setTooltip(new Tooltip("Continue the text above"));
        useText.setOnAction(e -> vm.promptProperty().set(vm.textProperty().get()));
        HBox row1 = new HBox(6, new Label("Prompt"), prompt, useText, go, stop);
        row1.setAlignment(Pos.CENTER_LEFT);
        HBox row2 = new HBox(6, strategy, new Label("new tokens"), newTokens, new Label("beams"), beams,
                new Label("temperature"), temperature, new Label("top-k"), topKs, new Label("top-p"), topP,
                new Label("repetition penalty"), penalty, new Label("seed"), seed);
        row2.setAlignment(Pos.CENTER_LEFT);
        generated.setEditable(false);
        generated.setWrapText(true);
        generated.setPrefRowCount(3);
        generated.textProperty().bind(vm.generatedTextProperty());
        VBox box = new VBox(6, row1, row2, generated, steps);
        VBox.setVgrow(steps, Priority.ALWAYS);
        box.setPadding(new Insets(6));
        return box;
    }

    private javafx.scene.Node statusBar() {
        status.textProperty().bind(vm.statusProperty());
        status.setId("status");
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(Bindings.when(vm.progressProperty().lessThan(0))
                .then(ProgressBar.INDETERMINATE_PROGRESS).otherwise(vm.progressProperty()));
        bar.visibleProperty().bind(vm.busyProperty());
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.visibleProperty().bind(vm.busyProperty());
        Label models = new Label();
        models.textProperty().bind(Bindings.concat("A: ", vm.slotA().stateProperty(),
                Bindings.when(vm.compareProperty()).then(Bindings.concat("\nB: ", vm.slotB().stateProperty())).otherwise("")));
        // both notes wrap instead of being cut: on a narrow window the bar grows a line, never hides the end
        for (Label label : List.of(status, models)) {
            label.setWrapText(true);
            label.setMinWidth(0);
            label.setMinHeight(Region.USE_PREF_SIZE);
            Tooltip tip = new Tooltip();
            tip.textProperty().bind(label.textProperty());
            tip.setWrapText(true);
            tip.setMaxWidth(600);
            label.setTooltip(tip);
        }
        status.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(status, Priority.ALWAYS);
        models.maxWidthProperty().bind(widthProperty().multiply(0.45));
        models.setStyle("-fx-text-fill: #555;");
        HBox bar2 = new HBox(12, status, models, bar, cancel);
        bar2.setAlignment(Pos.CENTER_LEFT);
        bar2.setPadding(new Insets(3, 8, 3, 8));
        bar2.setStyle("-fx-border-color: #ccc transparent transparent transparent;");
        return bar2;
    }

    /** The scatter's view when zoomed or panned (null: all points). */
    Scale scatterX;
    Scale scatterY;

    /**
     * The scatter zooms with the mouse wheel around the pointer, pans by dragging, and shows every
     * point again on a double click.
     */
    private void zoomAndPan(FigureView view) {
        double[] drag = new double[2];
        view.addEventFilter(javafx.scene.input.ScrollEvent.SCROLL, e -> {
            if (!(view.getFigure() instanceof ScatterFigure f) || e.getDeltaY() == 0) {
                return;
            }
            var at = view.figurePoint(e.getSceneX(), e.getSceneY());
            double factor = Math.pow(0.85, Math.signum(e.getDeltaY())); // wheel up: closer
            scatterX = f.range().zoomed(f.valueAtX(at.getX()), factor);
            scatterY = f.rangeY().zoomed(f.valueAtY(at.getY()), factor);
            view.refresh();
            e.consume();
        });
        view.addEventFilter(javafx.scene.input.MouseEvent.MOUSE_PRESSED, e -> {
            drag[0] = e.getSceneX();
            drag[1] = e.getSceneY();
        });
        view.addEventFilter(javafx.scene.input.MouseEvent.MOUSE_DRAGGED, e -> {
            if (!(view.getFigure() instanceof ScatterFigure f) || !e.isPrimaryButtonDown()) {
                return;
            }
            double unitsX = (f.range().max() - f.range().min()) / f.plotSide();
            double unitsY = (f.rangeY().max() - f.rangeY().min()) / f.plotSide();
            scatterX = f.range().shifted(-(e.getSceneX() - drag[0]) * unitsX);
            scatterY = f.rangeY().shifted((e.getSceneY() - drag[1]) * unitsY);
            drag[0] = e.getSceneX();
            drag[1] = e.getSceneY();
            view.refresh();
            e.consume();
        });
        view.addEventHandler(javafx.scene.input.MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getClickCount() == 2 && view.getFigure() instanceof ScatterFigure) {
                scatterX = null;
                scatterY = null;
                view.refresh();
            }
        });
    }

    private void wireFigures() {
        Runnable redraw = () -> {
            MainViewModel.Analysis an = vm.analysisProperty().get();
            if (an == null) {
                for (FigureView v : List.of(heatmap, scatter, tokenPlot, topK, tokens)) {
                    v.factoryProperty().set(null);
                }
                return;
            }
            ScoredText a = an.a();
            ScoredText b = an.b();
            var meta = vm.exportMetadata();
            heatmap.factoryProperty().set(b == null
                    ? w -> HeatmapFigure.of(a, vm.figureOptions(w), meta)
                    : w -> CompareHeatmapFigure.of(a, b, vm.compareModeProperty().get(), vm.figureOptions(w), meta));
            heatmap.setData(() -> DataExport.tokenScores(a, b));
            scatter.factoryProperty().set(b == null ? null
                    : w -> ScatterFigure.of(a, b, vm.figureOptions(w), meta, scatterX, scatterY));
            scatter.setData(() -> DataExport.tokenScores(a, b));
            tokenPlot.factoryProperty().set(w -> TokenPlotFigure.of(b == null ? List.of(a) : List.of(a, b),
                    vm.figureOptions(w), meta));
            tokenPlot.setData(() -> DataExport.tokenScores(a, b));
            tokens.factoryProperty().set(w -> TokensFigure.of(a.text(), a.tokens(), an.bytesA(), a.model().name(),
                    vm.figureOptions(w), meta));
            tokens.setData(() -> DataExport.tokens(a.tokens(), an.bytesA()));
            updateTopK();
            for (FigureView v : List.of(heatmap, scatter, tokenPlot, tokens)) {
                v.setMetadata(vm::exportMetadata);
                v.refresh();
            }
        };
        vm.analysisProperty().addListener((o, x, y) -> {
            scatterX = null; // a new analysis starts with every point in view
            scatterY = null;
            redraw.run();
        });
        zoomAndPan(scatter);
        vm.measureProperty().addListener((o, x, y) -> redraw.run());
        vm.paletteProperty().addListener((o, x, y) -> redraw.run());
        vm.rangeProperty().addListener((o, x, y) -> redraw.run());
        vm.boundariesProperty().addListener((o, x, y) -> redraw.run());
        vm.monospaceProperty().addListener((o, x, y) -> redraw.run());
        vm.compareModeProperty().addListener((o, x, y) -> redraw.run());
        vm.selectedProperty().addListener((o, x, y) -> updateTopK());
        for (FigureView v : List.of(heatmap, tokens, tokenPlot, scatter)) {
            v.setOnItemClicked(item -> {
                if (FigureView.isToken(item)) {
                    vm.selectedProperty().set(item.index());
                }
            });
            v.selectedProperty().bind(vm.selectedProperty());
        }
        vm.generationResultProperty().addListener((o, x, result) -> {
            steps.factoryProperty().set(result == null ? null : w -> StepsFigure.of(vm.promptProperty().get(),
                    vm.slotA().nameProperty().get(), result, vm.figureOptions(w), vm.exportMetadata()));
            steps.setData(() -> result == null ? null : DataExport.steps(result.best()));
            steps.setMetadata(vm::exportMetadata);
        });
        steps.setOnItemClicked(item -> {
            var result = vm.generationResultProperty().get();
            if (result != null && "step".equals(item.kind()) && item.index() < result.best().steps().size()) {
                showStep(result.best().steps().get(item.index()));
            }
        });
    }

    private void updateTopK() {
        MainViewModel.Analysis an = vm.analysisProperty().get();
        if (an == null) {
            topK.factoryProperty().set(null);
            return;
        }
        int i = vm.selectedProperty().get();
        int k = topKCount.getValue();
        double t = Math.round(temperature.getValue() * 100) / 100.0;
        java.util.function.Function<List<org.tokenscope.analysis.Alternative>, List<org.tokenscope.analysis.Alternative>> shown =
                kept -> {
                    List<org.tokenscope.analysis.Alternative> rescaled = org.tokenscope.analysis.Alternative.atTemperature(kept, t);
                    return rescaled.subList(0, Math.min(k, rescaled.size()));
                };
        List<TopKFigure.Panel> panels = new java.util.ArrayList<>();
        String heading;
        if (i >= 0 && i < an.a().tokens().size()) {
            TokenScore ta = an.a().tokens().get(i);
            heading = "What came before token " + i + " predicted (it was '" + ta.text() + "')";
            panels.add(new TopKFigure.Panel(an.a().model().name(), shown.apply(ta.top()), ta.id()));
            if (an.b() != null && i < an.b().tokens().size()) {
                TokenScore tb = an.b().tokens().get(i);
                panels.add(new TopKFigure.Panel(an.b().model().name(), shown.apply(tb.top()), tb.id()));
            }
        } else {
            heading = "Next tokens after the text (click a token in the heatmap for what was expected there)";
            panels.add(new TopKFigure.Panel(an.a().model().name(), shown.apply(an.nextA()), null));
            if (an.b() != null) {
                panels.add(new TopKFigure.Panel(an.b().model().name(), shown.apply(an.nextB()), null));
            }
        }
        if (t != 1) {
            int kept = i >= 0 && i < an.a().tokens().size() ? an.a().tokens().get(i).top().size() : an.nextA().size();
            heading += String.format(java.util.Locale.ROOT, " · temperature %.2f, renormalised over the %d most likely",
                    t, kept);
        }
        String h = heading;
        topK.factoryProperty().set(w -> TopKFigure.of(h, panels, vm.figureOptions(w), vm.exportMetadata()));
        Integer actual = panels.get(0).actualId();
        topK.setData(() -> DataExport.topK(panels.get(0).alternatives(), actual));
        topK.setMetadata(vm::exportMetadata);
        topK.refresh();
    }
}
