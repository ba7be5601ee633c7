package org.tokenscope.app;

import javafx.scene.Node;

/** The Heatmap tab: the text as it reads, each token coloured by the measure; a click selects a token. */
public final class HeatmapView implements TabView {

    final FigureView figure = new FigureView();

    public HeatmapView(HeatmapViewModel vm) {
        Selection.bind(figure, vm.main());
        figure.factoryProperty().bind(vm.figureProperty());
        figure.setPlaceholder(Hints.ANALYSE);
    }

    @Override
    public String title() {
        return "Heatmap";
    }

    @Override
    public Node content() {
        return figure;
    }
}
