package org.tokenscope.app;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Orientation;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.Palette;
import org.tokenscope.model.WeightFormat;

/**
 * The window: the toolbar, the text, the tabs ({@link Tabs}) and the status bar, bound to a
 * {@link MainViewModel}. It only composes them and holds no state of its own.
 */
public final class MainView extends BorderPane {

    /** Modena derives every control colour from these, which makes a dark theme in one line. */
    static final String DARK = "-fx-base: #2b2d31; -fx-background: #1e1f22; -fx-control-inner-background: #26282c;"
            + " -fx-accent: #5b8def; -fx-focus-color: #5b8def;";

    /** The text's share of the height at first: five lines of a paragraph at 820 px, the rest for the figures. */
    static final double TEXT_SHARE = 0.16;

    private final MainViewModel vm;
    final Toolbar toolbar;
    final TextArea textArea = new TextArea();
    final TabPane tabs = new TabPane();
    final SplitPane split;
    final StatusBar statusBar;
    private final List<TabView> views = new ArrayList<>();

    public MainView(MainViewModel vm, List<String> knownModels) {
        this.vm = vm;
        getStylesheets().add(MainView.class.getResource("tokenscope.css").toExternalForm());
        toolbar = new Toolbar(vm, knownModels, dark -> setStyle(dark ? DARK : ""));
        setTop(toolbar);
        textArea();
        for (var make : Tabs.ALL) {
            TabView view = make.apply(vm);
            Tab tab = new Tab(view.title(), view.content());
            tab.setId("tab-" + view.title().toLowerCase().replace("-", ""));
            tabs.getTabs().add(tab);
            views.add(view);
            view.attach(tab.selectedProperty(), () -> tabs.getSelectionModel().select(tab));
        }
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        split = new SplitPane(textArea, tabs);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(TEXT_SHARE);
        setCenter(split);
        statusBar = new StatusBar(vm);
        setBottom(statusBar);
        setOnKeyPressed(e -> {
            if (e.isShortcutDown() && e.getCode() == KeyCode.ENTER) {
                vm.analyse();
            } else if (e.getCode() == KeyCode.ESCAPE) {
                vm.cancel();
            }
        });
    }

    /** The tab view of a kind (for tests and the screenshot command). */
    public <T extends TabView> T tab(Class<T> kind) {
        return views.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
    }

    private void textArea() {
        textArea.setWrapText(true);
        textArea.textProperty().bindBidirectional(vm.textProperty());
        textArea.setPromptText("Paste or type a text…");
        textArea.setStyle("-fx-font-family: 'DejaVu Sans'; -fx-font-size: 14px;");
        textArea.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        textArea.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()
                    && vm.openFile(e.getDragboard().getFiles().get(0).toPath());
            e.setDropCompleted(ok);
            e.consume();
        });
        vm.textProperty().addListener((o, a, b) -> vm.scheduleAnalyse());
    }

    /** Puts back the layout of the last session: dividers, the open tab, measure and palette. */
    public void restore(Settings settings) {
        split.setDividerPositions(clamp(settings.getDouble("layout.text", TEXT_SHARE)));
        tab(CompareView.class).split.setDividerPositions(clamp(settings.getDouble("layout.compare", 0.5)));
        int tab = (int) settings.getDouble("layout.tab", 0);
        if (tab >= 0 && tab < tabs.getTabs().size()) {
            tabs.getSelectionModel().select(tab);
        }
        FigureSettings figures = vm.figures();
        try {
            vm.weightsProperty().set(WeightFormat.parse(settings.get("model.weights", vm.weightsProperty().get().label())));
        } catch (IllegalArgumentException e) {
            // a name from another version: keep f32
        }
        try {
            Measure measure = Measure.valueOf(settings.get("figure.measure", figures.measureProperty().get().name()));
            if (!measure.isDetection()) { // the detectors' terms wait for models that allow them
                figures.measureProperty().set(measure);
            }
            figures.paletteProperty().set(Palette.valueOf(settings.get("figure.palette", figures.paletteProperty().get().name())));
        } catch (IllegalArgumentException e) {
            // a name from another version: keep the defaults
        }
    }

    /** Notes the layout for the next session (see {@link #restore}). */
    public void remember(Settings settings) {
        settings.put("layout.text", split.getDividerPositions()[0]);
        settings.put("layout.compare", tab(CompareView.class).split.getDividerPositions()[0]);
        settings.put("layout.tab", tabs.getSelectionModel().getSelectedIndex());
        settings.put("figure.measure", vm.figures().measureProperty().get().name());
        settings.put("figure.palette", vm.figures().paletteProperty().get().name());
        settings.put("model.weights", vm.weightsProperty().get().label());
    }

    private static double clamp(double divider) {
        return Math.max(0.05, Math.min(0.95, divider));
    }
}
