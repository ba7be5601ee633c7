package org.tokenscope.app;

import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.BranchTree;
import org.tokenscope.service.Figures;

/**
 * The "What if" tab: the fork point and its alternatives (or a token typed), the tree of branches
 * beside the comparison of paths A and B. Click a node to fork there next and to choose its path as A
 * (the A before becomes B); click a path under the tree to choose it. Right-click either figure to
 * export it (SVG, PNG) or its data (JSON, CSV, LaTeX).
 */
public final class WhatIfView extends BorderPane implements TabView {

    final FigureView tree = new FigureView();
    final FigureView paths = new FigureView();
    final ComboBox<String> token = new ComboBox<>();
    final Label at = new Label();
    final Button fork = new Button("Fork");
    private final WhatIfViewModel vm;

    public WhatIfView(WhatIfViewModel vm, MainViewModel main) {
        this.vm = vm;
        token.setEditable(true);
        token.setId("whatif-token");
        token.setPrefWidth(200);
        token.setPromptText("an alternative, or type a token");
        fork.setId("whatif-fork");
        Spinner<Integer> newTokens = new Spinner<>(0, 256, vm.settingsProperty().get().newTokens());
        Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 0);
        ChoiceBox<String> strategy = new ChoiceBox<>(javafx.collections.FXCollections.observableArrayList("greedy", "sample"));
        strategy.setValue("greedy");
        for (Spinner<?> s : List.of(newTokens, seed)) {
            s.setEditable(true);
            s.setPrefWidth(80);
        }
        seed.disableProperty().bind(strategy.valueProperty().isNotEqualTo("sample"));
        Runnable sync = () -> vm.settingsProperty().set(new WhatIfViewModel.Settings("sample".equals(strategy.getValue()),
                newTokens.getValue(), 1.0, seed.getValue()));
        newTokens.valueProperty().addListener((o, a, b) -> sync.run());
        seed.valueProperty().addListener((o, a, b) -> sync.run());
        strategy.valueProperty().addListener((o, a, b) -> sync.run());

        vm.alternatives().addListener((javafx.collections.ListChangeListener<Alternative>) c -> showAlternatives());
        vm.forkPointProperty().addListener((o, a, b) -> at.setText(b == null ? "no token chosen"
                : (b.node() >= 0 ? "tree node " + b.node() : "token " + b.textToken()) + ": '" + b.token() + "'"));
        at.setText("no token chosen");
        fork.setOnAction(e -> vm.fork(chosenToken()));
        fork.disableProperty().bind(vm.busyProperty().or(vm.forkPointProperty().isNull()));
        Button clear = new Button("Clear");
        clear.setOnAction(e -> vm.clear());
        Button loadA = new Button("Load A into the text");
        loadA.setId("whatif-load");
        loadA.setOnAction(e -> vm.load(vm.firstProperty().get()));
        loadA.disableProperty().bind(vm.firstProperty().lessThan(0));
        Button loadB = new Button("Load B");
        loadB.setOnAction(e -> vm.load(vm.secondProperty().get()));
        loadB.disableProperty().bind(vm.secondProperty().lessThan(0));

        HBox controls = new HBox(6, new Label("Replace"), at, new Label("with"), token, strategy, new Label("new tokens"),
                newTokens, new Label("seed"), seed, fork, clear);
        controls.setAlignment(Pos.CENTER_LEFT);
        Label status = new Label();
        status.setId("whatif-status");
        status.textProperty().bind(vm.statusProperty());
        HBox bottom = new HBox(6, loadA, loadB, status);
        bottom.setAlignment(Pos.CENTER_LEFT);
        tree.setPlaceholder("Click a token in the heatmap, pick what else could have come there, and Fork: "
                + "the branches grow here as a tree.");
        paths.setPlaceholder("Two branches side by side show here after a fork.");
        SplitPane split = new SplitPane(tree, paths);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.62);
        VBox top = new VBox(6, controls);
        top.setPadding(new Insets(6));
        bottom.setPadding(new Insets(6));
        setTop(top);
        setCenter(split);
        setBottom(bottom);

        tree.setOnItemClicked(item -> {
            if ("node".equals(item.kind())) {
                vm.chooseNode(item.index());
                vm.choosePath(item.index());
            } else if ("path".equals(item.kind())) {
                vm.choosePath(item.index());
            }
        });
        Runnable redraw = () -> {
            BranchTree t = vm.treeProperty().get();
            int a = vm.firstProperty().get();
            int b = vm.secondProperty().get();
            tree.factoryProperty().set(t == null ? null
                    : w -> Figures.branches(t, vm.modelName(), a, b, main.figureOptions(w), main.exportMetadata()));
            tree.setMetadata(main::exportMetadata);
            paths.factoryProperty().set(t == null ? null
                    : w -> Figures.paths(t, a, b, main.figureOptions(w), main.exportMetadata()));
            paths.setMetadata(main::exportMetadata);
            tree.refresh();
            paths.refresh();
        };
        vm.treeProperty().addListener((o, a, b) -> redraw.run());
        vm.firstProperty().addListener((o, a, b) -> redraw.run());
        vm.secondProperty().addListener((o, a, b) -> redraw.run());
    }

    public WhatIfViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "What if";
    }

    @Override
    public javafx.scene.Node content() {
        return this;
    }

    /** The alternatives as "text  p%", most likely first. */
    private void showAlternatives() {
        token.getItems().setAll(vm.alternatives().stream()
                .map(a -> a.text() + "  " + String.format(Locale.ROOT, "%.1f%%", 100 * Math.exp(a.logprob()))).toList());
        if (!token.getItems().isEmpty()) token.getSelectionModel().select(0);
    }

    /** What to fork with: a listed alternative (its text), or what was typed. */
    private String chosenToken() {
        String typed = token.getEditor().getText();
        int i = token.getItems().indexOf(typed);
        if (i >= 0 && i < vm.alternatives().size()) return vm.alternatives().get(i).text();
        return typed;
    }
}
