package org.tokenscope.app;

import java.util.List;
import java.util.function.DoubleFunction;
import java.util.stream.IntStream;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.StringConverter;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Figure;
import org.tokenscope.service.Figures;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;

/**
 * The "Inside" tab: a layer and head picker over the attention of the selected token (as shading on the
 * text, and as a matrix), every head at a glance, and the logit lens (a table and a chart at the
 * selected position, a heatmap over the text). Bound to an {@link InsideViewModel}; holds no state.
 */
public final class InsideView extends BorderPane implements TabView {

    private final InsideViewModel vm;
    private final MainViewModel main;
    final ChoiceBox<Integer> layer = new ChoiceBox<>();
    final ChoiceBox<Integer> head = new ChoiceBox<>();
    final FigureView attentionText = new FigureView();
    final FigureView matrix = new FigureView();
    final FigureView grid = new FigureView();
    final FigureView lensTable = new FigureView();
    final FigureView lensRank = new FigureView();
    final FigureView lensHeatmap = new FigureView();
    final TabPane views = new TabPane();
    final Tab attentionTab;
    final Tab gridTab;
    final Label status = new Label();

    public InsideView(InsideViewModel vm, MainViewModel main) {
        this.vm = vm;
        this.main = main;
        attentionTab = tab("Attention", attentionText);
        gridTab = tab("All heads", grid);
        SplitPane lens = new SplitPane(lensTable, lensRank);
        lens.setOrientation(Orientation.HORIZONTAL);
        lens.setDividerPositions(0.55);
        views.getTabs().addAll(attentionTab, tab("Matrix", matrix), gridTab, tab("Logit lens", lens),
                tab("Lens heatmap", lensHeatmap),
                tab("Interventions", new InterventionsView(new InterventionsViewModel(main, main.runner()), main)));
        views.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        vm.gridWantedProperty().bind(views.getSelectionModel().selectedItemProperty().isEqualTo(gridTab));
        setTop(toolbar());
        setCenter(views);
        wireFigures();
        matrix.setFitHeight(true); // squares: they fit the pane rather than scroll
        lensRank.setFitHeight(true);
        figureViews().forEach(view -> view.setPlaceholder(Hints.ANALYSE));
    }

    @Override
    public String title() {
        return "Inside";
    }

    @Override
    public Node content() {
        return this;
    }

    /** Passes run only while the tab is shown. */
    @Override
    public void attach(ObservableBooleanValue shown, Runnable show) {
        vm.activeProperty().bind(shown);
    }

    public InsideViewModel viewModel() {
        return vm;
    }

    private static Tab tab(String title, Node node) {
        Tab t = new Tab(title, node);
        t.setId("inside-" + title.toLowerCase().replace(' ', '-'));
        return t;
    }

    private HBox toolbar() {
        layer.setId("inside-layer");
        head.setId("inside-head");
        layer.setTooltip(new Tooltip("The layer (block) whose attention is shown"));
        head.setTooltip(new Tooltip("One head, or the mean of the layer's heads"));
        head.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer h) {
                return h == null ? "" : h == InsideViewModel.MEAN ? "mean of heads" : "head " + h;
            }

            @Override
            public Integer fromString(String s) {
                return null;
            }
        });
        layer.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer l) {
                return l == null ? "" : "layer " + l;
            }

            @Override
            public Integer fromString(String s) {
                return null;
            }
        });
        Runnable fill = () -> {
            layer.getItems().setAll(IntStream.range(0, vm.layersProperty().get()).boxed().toList());
            head.getItems().setAll(IntStream.range(InsideViewModel.MEAN, vm.headsProperty().get()).boxed().toList());
            layer.setValue(vm.layerProperty().get());
            head.setValue(vm.headProperty().get());
        };
        vm.layersProperty().addListener((o, a, b) -> fill.run());
        vm.headsProperty().addListener((o, a, b) -> fill.run());
        fill.run();
        layer.valueProperty().addListener((o, a, b) -> {
            if (b != null) vm.layerProperty().set(b);
        });
        head.valueProperty().addListener((o, a, b) -> {
            if (b != null) vm.headProperty().set(b);
        });
        vm.layerProperty().addListener((o, a, b) -> layer.setValue(b.intValue()));
        vm.headProperty().addListener((o, a, b) -> head.setValue(b.intValue()));

        status.setId("inside-status");
        status.textProperty().bind(vm.statusProperty());
        ProgressBar bar = new ProgressBar();
        bar.setPrefWidth(120);
        bar.progressProperty().bind(Bindings.when(vm.progressProperty().lessThan(0))
                .then(ProgressBar.INDETERMINATE_PROGRESS).otherwise(vm.progressProperty()));
        bar.visibleProperty().bind(vm.busyProperty());
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.visibleProperty().bind(vm.busyProperty());
        Label model = new Label();
        model.textProperty().bind(Bindings.concat("model A: ", main.slotA().nameProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox box = new HBox(8, model, layer, head, status, spacer, bar, cancel);
        box.setAlignment(Pos.CENTER_LEFT);
        box.setPadding(new Insets(4, 6, 4, 6));
        return box;
    }

    private void wireFigures() {
        Runnable attentionFigures = () -> {
            AttentionMap map = vm.attentionProperty().get();
            int at = vm.positionProperty().get();
            boolean ready = map != null && at >= 0 && at < map.size();
            show(attentionText, !ready ? null : w -> Figures.attention(map, at, false, main.figureOptions(w), metadata()));
            show(matrix, !ready ? null : w -> Figures.attention(map, at, true, main.figureOptions(w), metadata()));
        };
        Runnable gridFigure = () -> {
            AttentionGrid g = vm.gridProperty().get();
            int l = vm.layerProperty().get();
            Integer h = vm.headOrMean();
            show(grid, g == null ? null : w -> Figures.attentionGrid(g, l, h, main.figureOptions(w), metadata()));
        };
        Runnable lensFigures = () -> {
            LogitLens lens = vm.lensProperty().get();
            int at = vm.positionProperty().get();
            boolean ready = lens != null && at >= 0 && at < lens.positions();
            show(lensTable, !ready ? null : w -> Figures.lens(lens, at, InsideViewModel.LENS_TOP_K,
                    main.figureOptions(w), metadata()));
            show(lensRank, !ready ? null : w -> Figures.lensRank(lens, at, main.figureOptions(w), metadata()));
            show(lensHeatmap, !ready ? null : w -> Figures.lensHeatmap(lens, at, main.figureOptions(w), metadata()));
        };
        Runnable all = () -> {
            attentionFigures.run();
            gridFigure.run();
            lensFigures.run();
        };
        vm.attentionProperty().addListener((o, a, b) -> attentionFigures.run());
        vm.gridProperty().addListener((o, a, b) -> gridFigure.run());
        vm.layerProperty().addListener((o, a, b) -> gridFigure.run());
        vm.headProperty().addListener((o, a, b) -> gridFigure.run());
        vm.lensProperty().addListener((o, a, b) -> lensFigures.run());
        vm.positionProperty().addListener((o, a, b) -> {
            attentionFigures.run();
            lensFigures.run();
        });
        main.figures().paletteProperty().addListener((o, a, b) -> all.run());
        main.figures().rangeProperty().addListener((o, a, b) -> all.run());
        main.figures().boundariesProperty().addListener((o, a, b) -> all.run());

        attentionText.setOnItemClicked(this::selectQuery);
        matrix.setOnItemClicked(this::selectQuery);
        lensHeatmap.setOnItemClicked(this::selectPosition);
        grid.setOnItemClicked(item -> {
            AttentionGrid g = vm.gridProperty().get();
            if (g == null || !item.kind().equals("head")) return;
            vm.headProperty().set(item.index() % g.heads());
            vm.layerProperty().set(item.index() / g.heads());
            views.getSelectionModel().select(attentionTab);
        });
    }

    /** A click on a token selects it; on a matrix cell ({@code query * n + key}), its query. */
    private void selectQuery(Figure.Item item) {
        int n = Math.max(1, tokens());
        switch (item.kind()) {
            case "token" -> main.selectedProperty().set(item.index());
            case "cell" -> main.selectedProperty().set(item.index() / n);
            default -> {
            }
        }
    }

    /** A click on a lens cell ({@code level * n + position}) selects its position. */
    private void selectPosition(Figure.Item item) {
        if (item.kind().equals("cell")) main.selectedProperty().set(item.index() % Math.max(1, tokens()));
    }

    private int tokens() {
        LogitLens lens = vm.lensProperty().get();
        return lens == null ? 0 : lens.positions();
    }

    private ExportMetadata metadata() {
        ExportMetadata m = main.exportMetadata().withSetting("layer", Integer.toString(vm.layerProperty().get()))
                .withSetting("head", vm.headOrMean() == null ? "mean" : vm.headOrMean().toString());
        return vm.positionProperty().get() < 0 ? m : m.withSetting("position",
                Integer.toString(vm.positionProperty().get()));
    }

    private void show(FigureView view, DoubleFunction<Figures.Drawn> factory) {
        view.setMetadata(this::metadata);
        view.factoryProperty().set(factory);
        view.refresh();
    }

    /** The figure views, for tests. */
    List<FigureView> figureViews() {
        return List.of(attentionText, matrix, grid, lensTable, lensRank, lensHeatmap);
    }
}
