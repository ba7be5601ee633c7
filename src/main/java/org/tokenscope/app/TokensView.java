package org.tokenscope.app;

import javafx.scene.Node;

/** The Tokens tab: each token's piece (whitespace visible), id and length in UTF-8 bytes. */
public final class TokensView implements TabView {

    final FigureView figure = new FigureView();

    public TokensView(TokensViewModel vm) {
        Selection.bind(figure, vm.main());
        figure.factoryProperty().bind(vm.figureProperty());
        figure.setPlaceholder(Hints.ANALYSE);
    }

    @Override
    public String title() {
        return "Tokens";
    }

    @Override
    public Node content() {
        return figure;
    }
}
