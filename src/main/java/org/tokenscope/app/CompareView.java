package org.tokenscope.app;

import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.SplitPane;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import org.tokenscope.figure.ScatterFigure;

/**
 * The Compare tab: the scatter (the wheel zooms around the pointer, dragging pans, a double click shows
 * every point) beside both models' probabilities along the text.
 */
public final class CompareView implements TabView {

    final FigureView scatter = new FigureView();
    final FigureView plot = new FigureView();
    final SplitPane split = new SplitPane(scatter, plot);

    public CompareView(CompareViewModel vm) {
        split.setOrientation(Orientation.HORIZONTAL);
        for (FigureView view : new FigureView[] {scatter, plot}) {
            Selection.bind(view, vm.main());
        }
        scatter.factoryProperty().bind(vm.scatterProperty());
        plot.factoryProperty().bind(vm.plotProperty());
        scatter.setFitHeight(true); // a square: narrower until its x axis is in view
        plot.setFitHeight(true);
        scatter.setPlaceholder("Tick “compare with B” in the toolbar and pick a second model:\n"
                + "the scatter shows each token's log-probability under both.");
        plot.setPlaceholder(Hints.ANALYSE);
        zoomAndPan(vm);
    }

    @Override
    public String title() {
        return "Compare";
    }

    @Override
    public Node content() {
        return split;
    }

    private void zoomAndPan(CompareViewModel vm) {
        double[] drag = new double[2];
        scatter.addEventFilter(ScrollEvent.SCROLL, e -> {
            if (scatter.getFigure() instanceof ScatterFigure f && e.getDeltaY() != 0) {
                var at = scatter.figurePoint(e.getSceneX(), e.getSceneY());
                vm.zoom(f, at.getX(), at.getY(), Math.pow(0.85, Math.signum(e.getDeltaY()))); // wheel up: closer
                e.consume();
            }
        });
        scatter.addEventFilter(MouseEvent.MOUSE_PRESSED, e -> {
            drag[0] = e.getSceneX();
            drag[1] = e.getSceneY();
        });
        scatter.addEventFilter(MouseEvent.MOUSE_DRAGGED, e -> {
            if (scatter.getFigure() instanceof ScatterFigure f && e.isPrimaryButtonDown()) {
                vm.pan(f, e.getSceneX() - drag[0], e.getSceneY() - drag[1]);
                drag[0] = e.getSceneX();
                drag[1] = e.getSceneY();
                e.consume();
            }
        });
        scatter.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getClickCount() == 2 && scatter.getFigure() instanceof ScatterFigure) {
                vm.showAll();
            }
        });
    }
}
