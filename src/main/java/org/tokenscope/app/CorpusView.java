package org.tokenscope.app;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.tokenscope.analysis.Roc;
import org.tokenscope.figure.CorpusFigures;
import org.tokenscope.figure.DataExport;
import org.tokenscope.service.Figures;
import org.tokenscope.service.corpus.CorpusResult;

/**
 * The Corpus tab: pick a file or folder, run with progress and cancel, a sortable table of the
 * documents (double-click one to open it in the heatmap), each metric's histogram per label and the
 * ROC curves, exportable like every figure.
 */
public final class CorpusView extends BorderPane implements TabView {

    private static final Map<String, ToDoubleFunction<CorpusResult>> METRICS = new LinkedHashMap<>();

    static {
        METRICS.put("binoculars", CorpusResult::binoculars);
        METRICS.put("fast_detectgpt", CorpusResult::fastDetectGpt);
        METRICS.put("perplexity_A", CorpusResult::perplexityA);
        METRICS.put("perplexity_B", CorpusResult::perplexityB);
    }

    private final CorpusViewModel vm;
    private final FigureView roc = new FigureView();
    private final FigureView histogram = new FigureView();
    private final ComboBox<String> metric = new ComboBox<>();
    final TableView<CorpusResult> table = new TableView<>();

    public CorpusView(CorpusViewModel vm, MainViewModel main) {
        this.vm = vm;
        Button file = new Button("Open file…");
        Button folder = new Button("Open folder…");
        Button cancel = new Button("Cancel");
        file.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("JSON Lines or CSV", "*.jsonl", "*.ndjson", "*.csv"));
            File f = chooser.showOpenDialog(getScene().getWindow());
            if (f != null) vm.run(f.toPath());
        });
        folder.setOnAction(e -> {
            File f = new DirectoryChooser().showDialog(getScene().getWindow());
            if (f != null) vm.run(f.toPath());
        });
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.busyProperty().not());
        file.disableProperty().bind(vm.busyProperty());
        folder.disableProperty().bind(vm.busyProperty());
        TextField label = new TextField();
        label.textProperty().bindBidirectional(vm.labelFieldProperty());
        label.setPrefColumnCount(8);
        TextField text = new TextField();
        text.textProperty().bindBidirectional(vm.textFieldProperty());
        text.setPrefColumnCount(8);
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.busyProperty());
        Label status = new Label();
        status.textProperty().bind(vm.statusProperty());
        HBox bar = new HBox(8, file, folder, new Label("text field"), text, new Label("label field"), label, cancel,
                progress, status);
        bar.setPadding(new Insets(6));
        setTop(bar);

        // the scores' names on two lines, and the columns sharing the table's width, so that no header is cut
        // short ("binocul…") where the table has half of a 1280-pixel window
        table.getColumns().add(column("id", r -> r.id()));
        table.getColumns().add(column("label", r -> r.label() == null ? "" : r.label()));
        table.getColumns().add(column("tokens", r -> r.tokens()));
        table.getColumns().add(column("Binoculars", r -> r.binoculars()));
        table.getColumns().add(column("Fast-\nDetectGPT", r -> r.fastDetectGpt()));
        table.getColumns().add(column("perplexity\nA", r -> r.perplexityA()));
        table.getColumns().add(column("perplexity\nB", r -> r.perplexityB()));
        table.getColumns().add(column("GLTR A\ntop-10", r -> r.gltrA() == null ? Double.NaN : r.gltrA().top10()));
        double[] widths = {80, 55, 55, 85, 85, 85, 85, 85}; // shares of the width: the scores' the most
        for (int i = 0; i < widths.length; i++) table.getColumns().get(i).setPrefWidth(widths[i]);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        table.setItems(vm.results());
        table.setRowFactory(t -> {
            var row = new javafx.scene.control.TableRow<CorpusResult>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) vm.open(row.getItem());
            });
            return row;
        });

        metric.getItems().addAll(METRICS.keySet());
        metric.getSelectionModel().select(0);
        metric.valueProperty().addListener((o, a, b) -> drawHistogram(main));
        vm.results().addListener((javafx.collections.ListChangeListener<CorpusResult>) c -> drawHistogram(main));
        vm.summaryProperty().addListener((o, a, s) -> {
            roc.setMetadata(main::exportMetadata);
            if (s == null || s.metrics().isEmpty()) {
                roc.factoryProperty().set(null);
                return;
            }
            Map<String, Roc> curves = new LinkedHashMap<>();
            s.metrics().forEach((name, m) -> curves.put(name, m.roc()));
            roc.factoryProperty().set(w -> new Figures.Drawn(CorpusFigures.roc(curves, w, main.exportMetadata()), table()));
        });
        histogram.setPlaceholder("Each text's scores, as a histogram per label.");
        table.setPlaceholder(new Label("No documents yet: Open file… (.jsonl, .csv) or Open folder… (.txt files)."));
        roc.setPlaceholder("With a label field of two classes (human, machine), each score's ROC curve shows here.");
        roc.setFitHeight(true); // a square: below the histogram, as large as the room left
        VBox figures = new VBox(4, new HBox(6, new Label("histogram of"), metric), histogram, roc);
        VBox.setVgrow(roc, Priority.ALWAYS);
        SplitPane split = new SplitPane(table, figures);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.5);
        setCenter(split);
    }

    public CorpusViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Corpus";
    }

    @Override
    public javafx.scene.Node content() {
        return this;
    }

    /** The documents' scores as a data table, behind both figures. */
    private DataExport.Table table() {
        java.util.List<java.util.List<Object>> rows = new java.util.ArrayList<>();
        for (CorpusResult r : vm.results()) {
            rows.add(java.util.Arrays.asList(r.id(), r.label(), r.tokens(), r.binoculars(), r.fastDetectGpt(),
                    r.perplexityA(), r.perplexityB()));
        }
        return new DataExport.Table("corpus", java.util.List.of("id", "label", "tokens", "binoculars", "fast_detectgpt",
                "perplexity_A", "perplexity_B"), rows);
    }

    private void drawHistogram(MainViewModel main) {
        String name = metric.getValue();
        histogram.setMetadata(main::exportMetadata);
        if (vm.results().isEmpty() || name == null) {
            histogram.factoryProperty().set(null);
            return;
        }
        Map<String, double[]> values = vm.byLabel(METRICS.get(name));
        histogram.factoryProperty().set(w -> new Figures.Drawn(CorpusFigures.histogram(name, values, 20, w,
                main.exportMetadata()), table()));
    }

    private static <T> TableColumn<CorpusResult, T> column(String title, java.util.function.Function<CorpusResult, T> value) {
        TableColumn<CorpusResult, T> c = new TableColumn<>(title);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }
}
