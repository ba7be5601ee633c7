package org.tokenscope.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Rectangle;
import javafx.scene.shape.Shape;
import javafx.util.Duration;
import org.tokenscope.figure.DataExport;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Figure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.service.Figures;

/**
 * Shows any {@link Figure} on a canvas, laid out again at the view's width, on white paper that fills the
 * pane. A figure that {@linkplain #setFitHeight fits the height} (a plot, a scatter) is laid out narrower
 * until it is no taller than the pane, so its axes never hide below the fold; text figures grow downwards
 * and scroll. With nothing to show, the pane says what to do ({@link #setPlaceholder}). Hovering an item
 * shows its tooltip; clicking reports it. Right-click exports the very figure on screen (SVG, PNG) or its data.
 */
public final class FigureView extends ScrollPane {

    private final Label placeholder = new Label();
    private final Pane content = new Pane() {
        @Override
        protected void layoutChildren() {
            super.layoutChildren();
            placeholder.setMaxWidth(Math.max(40, getWidth() - 48));
            double w = Math.min(placeholder.prefWidth(-1), placeholder.getMaxWidth());
            double h = placeholder.prefHeight(w);
            placeholder.resizeRelocate(Math.round((getWidth() - w) / 2), Math.round(Math.max(24, (getHeight() - h) / 3)), w, h);
        }
    };
    private final Canvas canvas = new Canvas(10, 10);
    private final Tooltip tooltip = new Tooltip();
    private final ObjectProperty<DoubleFunction<Figures.Drawn>> factory = new SimpleObjectProperty<>();
    private final ObjectProperty<Figure> figure = new SimpleObjectProperty<>();
    private DataExport.Table table;
    private Supplier<ExportMetadata> metadata = () -> ExportMetadata.NONE;
    private Consumer<Figure.Item> onItemClicked = item -> { };
    private Figure.Item hovered;
    private double laidOutWidth = -1;
    private double laidOutHeight = -1;
    private boolean fitHeight;
    /** The selected token, outlined wherever this figure draws it (-1: none). */
    private final IntegerProperty selected = new SimpleIntegerProperty(-1);
    private final Group marks = new Group();

    public FigureView() {
        marks.setMouseTransparent(true);
        placeholder.getStyleClass().add("figure-placeholder");
        placeholder.setWrapText(true);
        placeholder.setMouseTransparent(true);
        placeholder.setVisible(false);
        content.getChildren().addAll(canvas, marks, placeholder);
        content.getStyleClass().add("figure-paper");
        content.minHeightProperty().bind(viewportBoundsProperty().map(b -> b.getHeight()));
        selected.addListener((o, a, b) -> mark());
        setContent(content);
        setFitToWidth(true);
        getStyleClass().add("figure-view");
        tooltip.setShowDelay(Duration.millis(150));
        tooltip.setShowDuration(Duration.seconds(30));
        tooltip.setStyle("-fx-font-family: 'DejaVu Sans Mono'; -fx-font-size: 12px;");
        factory.addListener((o, a, b) -> relayout(true));
        viewportBoundsProperty().addListener((o, a, b) -> relayout(false));
        canvas.setOnMouseMoved(e -> hover(itemAt(e.getX(), e.getY()), e.getScreenX(), e.getScreenY()));
        canvas.setOnMouseExited(e -> hover(null, 0, 0));
        canvas.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY) {
                Figure.Item item = itemAt(e.getX(), e.getY());
                if (item != null) {
                    onItemClicked.accept(item);
                }
            }
        });
        setContextMenu(menu());
    }

    /** What to draw (a figure and its data, from {@link Figures}), as a function of the width available. Null clears the view. */
    public ObjectProperty<DoubleFunction<Figures.Drawn>> factoryProperty() {
        return factory;
    }

    public Figure getFigure() {
        return figure.get();
    }

    public ObjectProperty<Figure> figureProperty() {
        return figure;
    }

    public void setMetadata(Supplier<ExportMetadata> metadata) {
        this.metadata = metadata;
    }

    public void setOnItemClicked(Consumer<Figure.Item> onItemClicked) {
        this.onItemClicked = onItemClicked;
    }

    /** The selected token's index: its boxes, chips and points are outlined. */
    public IntegerProperty selectedProperty() {
        return selected;
    }

    /** Items that stand for a token of the text (heatmap boxes, chips, scatter and plot points). */
    static boolean isToken(Figure.Item item) {
        String kind = item.kind();
        return kind.startsWith("token") || kind.startsWith("point") || kind.equals("chip");
    }

    /** The outlines drawn over the selected token's items (for tests). */
    public List<Node> selectionMarks() {
        return List.copyOf(marks.getChildren());
    }

    private void mark() {
        marks.getChildren().clear();
        Figure fig = figure.get();
        int index = selected.get();
        if (fig == null || index < 0) {
            return;
        }
        for (Figure.Item item : fig.items()) {
            if (item.index() != index || !isToken(item)) {
                continue;
            }
            Shape mark = item.kind().startsWith("point")
                    ? new Circle(item.x() + item.width() / 2, item.y() + item.height() / 2, item.width() / 2 + 3)
                    : new Rectangle(item.x() - 1.5, item.y() - 1.5, item.width() + 3, item.height() + 3);
            mark.setFill(item.kind().startsWith("point") ? SELECTION.deriveColor(0, 1, 1, 0.35) : Color.TRANSPARENT);
            mark.setStroke(SELECTION);
            mark.setStrokeWidth(2.5);
            mark.getStyleClass().add("selection-mark");
            marks.getChildren().add(mark);
        }
    }

    private static final Color SELECTION = Color.web("#e4572e");

    /** Lays the figure out again (after a change of data or options). */
    public void refresh() {
        relayout(true);
    }

    /**
     * What the pane says while it has no figure: what to do to get one ("Press Generate, or Ctrl+Enter").
     * Empty: nothing.
     */
    public void setPlaceholder(String text) {
        placeholder.setText(text);
        placeholder.setVisible(figure.get() == null && !text.isEmpty());
    }

    /** The hint shown while there is no figure (for tests). */
    public Label placeholder() {
        return placeholder;
    }

    /**
     * Whether the figure is laid out to fit the pane's height too: for figures whose height follows their
     * width (a square scatter, a plot), narrower until they fit, so no scroll bar is needed.
     */
    public void setFitHeight(boolean fitHeight) {
        this.fitHeight = fitHeight;
        relayout(true);
    }

    /** The canvas the figure is painted on (for tests: its bounds against the viewport's). */
    Canvas canvas() {
        return canvas;
    }

    private void relayout(boolean force) {
        double width = Math.max(FigureOptions.MIN_WIDTH, getViewportBounds().getWidth() - 2);
        double height = getViewportBounds().getHeight() - 2;
        DoubleFunction<Figures.Drawn> f = factory.get();
        boolean byHeight = fitHeight || f instanceof FillingFigure;
        if (!force && Math.abs(width - laidOutWidth) < 1 && (!byHeight || Math.abs(height - laidOutHeight) < 1)) {
            return;
        }
        laidOutWidth = width;
        laidOutHeight = height;
        DoubleFunction<Figures.Drawn> sized = f instanceof FillingFigure filling && height > 0
                ? w -> filling.at(w, height) : f;
        Figures.Drawn drawn = sized == null ? null : sized.apply(width);
        if (fitHeight && drawn != null && height > 0) {
            drawn = fitted(sized, drawn, width, height);
        }
        table = drawn == null ? null : drawn.table();
        Figure fig = drawn == null ? null : drawn.figure();
        figure.set(fig);
        placeholder.setVisible(fig == null && !placeholder.getText().isEmpty());
        paint(fig);
    }

    /**
     * The figure laid out narrower until it is no taller than {@code height}: each step takes off the
     * height it overshoots (exact for a figure whose height grows as its width, as a square plot's
     * does), a few steps at most, and stops where narrower is taller (a figure that wraps).
     */
    private static Figures.Drawn fitted(DoubleFunction<Figures.Drawn> f, Figures.Drawn full, double width, double height) {
        Figures.Drawn drawn = full;
        double w = width;
        for (int step = 0; step < 8 && drawn.figure().height() > height && w > FigureOptions.MIN_WIDTH; step++) {
            double over = drawn.figure().height() - height;
            w = Math.max(FigureOptions.MIN_WIDTH, Math.floor(w - Math.max(over, w * 0.05)));
            Figures.Drawn narrower = f.apply(w);
            if (narrower.figure().height() > drawn.figure().height()) {
                break; // it wraps: narrower only grows
            }
            drawn = narrower; // shorter, or as tall while its width is past a cap (a scatter's 640)
        }
        // narrower only if that helped: a figure whose height does not follow its width keeps the pane's width
        return drawn.figure().height() < full.figure().height() ? drawn : full;
    }

    private void paint(Figure fig) {
        var gc = canvas.getGraphicsContext2D();
        if (fig == null) {
            canvas.setWidth(10);
            canvas.setHeight(10);
            gc.clearRect(0, 0, 10, 10);
            marks.getChildren().clear();
            return;
        }
        canvas.setWidth(Math.ceil(fig.width()));
        canvas.setHeight(Math.ceil(fig.height()));
        gc.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        gc.setFill(Color.WHITE);
        gc.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        fig.paint(new FxPainter(gc));
        mark();
    }

    /** A point of the scene in the figure's own units (its canvas's coordinates). */
    public Point2D figurePoint(double sceneX, double sceneY) {
        return canvas.sceneToLocal(sceneX, sceneY);
    }

    /** The item under a point of the canvas, or null. */
    public Figure.Item itemAt(double x, double y) {
        Figure fig = figure.get();
        if (fig == null) {
            return null;
        }
        List<Figure.Item> items = fig.items();
        for (int i = items.size() - 1; i >= 0; i--) {
            if (items.get(i).contains(x, y)) {
                return items.get(i);
            }
        }
        return null;
    }

    private void hover(Figure.Item item, double screenX, double screenY) {
        if (item == hovered) {
            return;
        }
        hovered = item;
        if (item == null || item.tooltip() == null) {
            tooltip.hide();
            Tooltip.uninstall(canvas, tooltip);
            return;
        }
        tooltip.setText(item.tooltip());
        Tooltip.install(canvas, tooltip);
        if (tooltip.isShowing()) {
            tooltip.setAnchorX(screenX + 12);
            tooltip.setAnchorY(screenY + 12);
        }
    }

    /** The tooltip text currently set (for tests and accessibility). */
    public String tooltipText() {
        return tooltip.getText();
    }

    private ContextMenu menu() {
        MenuItem export = new MenuItem("Export…");
        export.setOnAction(e -> FigureExport.dialog(this, figure.get(), this::export));
        MenuItem copy = new MenuItem("Copy as image");
        copy.setOnAction(e -> FigureExport.copyAsImage(figure.get()));
        return new ContextMenu(export, copy);
    }

    /** Writes the figure on screen (svg, png) or its data (csv, json, tex), by the file's extension. */
    public void export(Path file) throws IOException {
        FigureExport.write(figure.get(), table, metadata.get(), file);
    }
}
