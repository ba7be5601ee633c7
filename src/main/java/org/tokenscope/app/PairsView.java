package org.tokenscope.app;

import java.io.File;
import java.io.IOException;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.analysis.TextPair;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.service.Figures;

/**
 * The "Pairs" tab: a sortable table of premise/hypothesis pairs with each pair's score as a bar, a
 * classifier picker, paste/import/add, the scores as a bar chart, and exports of both (the table as
 * CSV, JSON or LaTeX; the chart as SVG or PNG). Selecting a row puts its two texts into the main text,
 * so the language-model tabs read them; a double click also shows the Heatmap. Bound to a
 * {@link PairsViewModel}; holds no state of its own.
 */
public final class PairsView extends BorderPane implements TabView {

    private final PairsViewModel vm;
    final ComboBox<String> classifier = new ComboBox<>();
    final ChoiceBox<String> label = new ChoiceBox<>();
    final TableView<PairsViewModel.Row> table = new TableView<>();
    final FigureView chart = new FigureView();
    final TextField premise = new TextField();
    final TextField hypothesis = new TextField();
    final Button classify = new Button("Classify");
    final Label status = new Label();

    public PairsView(PairsViewModel vm) {
        this.vm = vm;
        setTop(toolbar());
        chart.setPlaceholder("Classify the pairs: their scores show here as bars.");
        SplitPane split = new SplitPane(table(), chart);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        setCenter(split);
        setBottom(form());
        wireChart();
    }

    public PairsViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Pairs";
    }

    @Override
    public Node content() {
        return this;
    }

    private Node toolbar() {
        classifier.setEditable(true);
        classifier.getItems().setAll(PairsViewModel.SUGGESTED);
        classifier.setPrefWidth(380);
        classifier.valueProperty().bindBidirectional(vm.classifierProperty());
        classifier.setTooltip(new Tooltip("A classifier folder or Hub id (DeBERTa-v2/v3 sequence classification);"
                + " id@revision pins a past version"));
        Button folder = new Button("Open folder…");
        folder.setOnAction(e -> {
            File dir = new DirectoryChooser().showDialog(getScene() == null ? null : getScene().getWindow());
            if (dir != null) {
                vm.classifierProperty().set(dir.getAbsolutePath());
            }
        });
        classify.setDefaultButton(false);
        classify.disableProperty().bind(vm.busyProperty());
        classify.setOnAction(e -> vm.classify());
        Button cancel = new Button("Cancel");
        cancel.disableProperty().bind(vm.busyProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        Button paste = new Button("Paste pairs");
        paste.setTooltip(new Tooltip("Pairs from the clipboard: two columns (tab or comma separated) or JSON Lines"));
        paste.setOnAction(e -> {
            String text = Clipboard.getSystemClipboard().getString();
            vm.paste(text == null ? "" : text);
        });
        Button importFile = new Button("Import…");
        importFile.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Import pairs");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Pairs (TSV, CSV, JSON Lines)",
                    "*.tsv", "*.csv", "*.jsonl", "*.json", "*.txt"));
            File file = chooser.showOpenDialog(getScene() == null ? null : getScene().getWindow());
            if (file != null) {
                vm.importFile(file.toPath());
            }
        });
        Button clear = new Button("Clear");
        clear.setOnAction(e -> vm.clear());
        Bindings.bindContent(label.getItems(), vm.labels());
        label.valueProperty().bindBidirectional(vm.labelProperty());
        label.setTooltip(new Tooltip("The label whose score the bars show"));
        label.setMinWidth(130);
        Button exportTable = new Button("Export table…");
        exportTable.setOnAction(e -> export("Export the table", List.of(
                new FileChooser.ExtensionFilter("CSV", "*.csv"), new FileChooser.ExtensionFilter("JSON", "*.json"),
                new FileChooser.ExtensionFilter("LaTeX", "*.tex"))));
        Button exportChart = new Button("Export chart…");
        exportChart.setOnAction(e -> export("Export the chart", List.of(
                new FileChooser.ExtensionFilter("SVG (vector)", "*.svg"), new FileChooser.ExtensionFilter("PNG (2×)", "*.png"))));
        exportTable.disableProperty().bind(vm.scoresProperty().isNull());
        exportChart.disableProperty().bind(vm.scoresProperty().isNull());
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.busyProperty());
        status.textProperty().bind(vm.statusProperty());
        HBox row1 = new HBox(6, new Label("Classifier"), classifier, folder, classify, cancel, progress);
        HBox row2 = new HBox(6, paste, importFile, clear, new Label("Bars show"), label, exportTable, exportChart, status);
        for (HBox row : List.of(row1, row2)) {
            row.setAlignment(Pos.CENTER_LEFT);
        }
        BorderPane top = new BorderPane(row2, row1, null, null, null);
        BorderPane.setMargin(row2, new Insets(4, 0, 0, 0));
        top.setPadding(new Insets(6));
        return top;
    }

    private Node table() {
        TableColumn<PairsViewModel.Row, Integer> index = new TableColumn<>("#");
        index.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().index()));
        index.setPrefWidth(44);
        TableColumn<PairsViewModel.Row, String> premiseColumn = new TableColumn<>("Premise");
        premiseColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().pair().premise()));
        premiseColumn.setPrefWidth(320);
        TableColumn<PairsViewModel.Row, String> hypothesisColumn = new TableColumn<>("Hypothesis");
        hypothesisColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().pair().hypothesis()));
        hypothesisColumn.setPrefWidth(320);
        TableColumn<PairsViewModel.Row, Double> score = new TableColumn<>("Score");
        score.setId("score");
        score.textProperty().bind(Bindings.createStringBinding(
                () -> vm.labelProperty().get() == null ? "Score" : vm.labelProperty().get(), vm.labelProperty()));
        score.setCellValueFactory(c -> {
            PairScore s = c.getValue().score();
            return new ReadOnlyObjectWrapper<>(s == null || vm.labelProperty().get() == null ? null : s.score(vm.labelProperty().get()));
        });
        score.setCellFactory(c -> new BarCell());
        score.setPrefWidth(170);
        TableColumn<PairsViewModel.Row, String> top = new TableColumn<>("Top");
        top.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().score() == null ? "" : c.getValue().score().top()));
        top.setPrefWidth(110);
        table.getColumns().setAll(List.of(index, premiseColumn, hypothesisColumn, score, top));
        table.setItems(new javafx.collections.transformation.SortedList<>(vm.rows()));
        ((javafx.collections.transformation.SortedList<PairsViewModel.Row>) table.getItems())
                .comparatorProperty().bind(table.comparatorProperty());
        table.setPlaceholder(new Label("No pairs yet: paste two columns (premise, hypothesis), import a .tsv, .csv or"
                + " .jsonl file, or add one below."));
        vm.labelProperty().addListener((o, a, b) -> table.refresh());
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> vm.sendToText(b));
        table.setRowFactory(t -> {
            TableRow<PairsViewModel.Row> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    vm.sendToText(row.getItem());
                    showHeatmap();
                }
            });
            return row;
        });
        return table;
    }

    private Node form() {
        premise.setPromptText("Premise");
        hypothesis.setPromptText("Hypothesis");
        Button add = new Button("Add pair");
        add.disableProperty().bind(premise.textProperty().isEmpty().or(hypothesis.textProperty().isEmpty()));
        add.setOnAction(e -> {
            vm.add(new TextPair(premise.getText(), hypothesis.getText()));
            premise.clear();
            hypothesis.clear();
        });
        HBox.setHgrow(premise, Priority.ALWAYS);
        HBox.setHgrow(hypothesis, Priority.ALWAYS);
        HBox box = new HBox(6, premise, hypothesis, add);
        box.setPadding(new Insets(6));
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private void wireChart() {
        Runnable redraw = () -> {
            PairScores scores = vm.scoresProperty().get();
            String shown = vm.labelProperty().get();
            if (scores == null || shown == null || !scores.labels().contains(shown)) {
                chart.factoryProperty().set(null);
                return;
            }
            List<PairScore> order = shownOrder(scores);
            chart.setMetadata(vm::exportMetadata);
            chart.factoryProperty().set(width -> Figures.pairs(scores, order, shown,
                    FigureOptions.DEFAULT.withWidth(width), vm.exportMetadata()));
        };
        vm.scoresProperty().addListener((o, a, b) -> redraw.run());
        vm.labelProperty().addListener((o, a, b) -> redraw.run());
        table.getItems().addListener((ListChangeListener<PairsViewModel.Row>) c -> redraw.run());
        chart.setOnItemClicked(item -> {
            if ("bar".equals(item.kind())) {
                table.getItems().stream().filter(r -> r.index() == item.index() + 1).findFirst()
                        .ifPresent(r -> table.getSelectionModel().select(r));
            }
        });
    }

    /** The scored pairs in the table's order on screen (sorted as the user sorted it). */
    private List<PairScore> shownOrder(PairScores scores) {
        List<PairScore> order = table.getItems().stream().map(PairsViewModel.Row::score)
                .filter(java.util.Objects::nonNull).toList();
        return order.size() == scores.pairs().size() ? order : scores.pairs();
    }

    private void export(String title, List<FileChooser.ExtensionFilter> filters) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().setAll(filters);
        File file = chooser.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        if (file != null) {
            try {
                chart.export(file.toPath());
            } catch (IOException | RuntimeException ex) {
                new Alert(Alert.AlertType.ERROR, "Could not export: " + ex.getMessage()).show();
            }
        }
    }

    private void showHeatmap() {
        for (Node n = getParent(); n != null; n = n.getParent()) {
            if (n instanceof TabPane tabs) {
                tabs.getTabs().stream().filter(t -> "tab-heatmap".equals(t.getId())).findFirst()
                        .ifPresent(t -> tabs.getSelectionModel().select(t));
                return;
            }
        }
    }

    /** A score as a bar filling its share of the cell, with the number beside it. */
    private static final class BarCell extends TableCell<PairsViewModel.Row, Double> {
        private final Region bar = new Region();
        private final Label value = new Label();
        private final StackPane track = new StackPane(bar);

        BarCell() {
            bar.setMaxHeight(12);
            bar.setMinHeight(12);
            track.setAlignment(Pos.CENTER_LEFT);
            track.setPrefWidth(100);
            track.setMaxWidth(100);
            track.setStyle("-fx-background-color: #eeeeee;");
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(Double item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null || item.isNaN()) {
                setGraphic(null);
                return;
            }
            double share = Math.max(0, Math.min(1, item));
            // the chart's colours: at least 0.5 in the first series colour, below it in the second
            bar.setStyle("-fx-background-color: " + (item >= 0.5 ? "#0072b2" : "#d55e00") + ";");
            bar.setMaxWidth(100 * share);
            bar.setPrefWidth(100 * share);
            value.setText(String.format(java.util.Locale.ROOT, "%.4f", item));
            HBox box = new HBox(6, track, value);
            box.setAlignment(Pos.CENTER_LEFT);
            setGraphic(box);
        }
    }
}
