package org.tokenscope.app;

import java.util.function.DoubleFunction;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Figures;

/** The Tokens tab's state: model A's tokenization laid bare. */
public final class TokensViewModel {

    private final MainViewModel main;
    private final ReadOnlyObjectWrapper<DoubleFunction<Figures.Drawn>> figure = new ReadOnlyObjectWrapper<>();

    public TokensViewModel(MainViewModel main) {
        this.main = main;
        main.whenFiguresChange(this::update);
        update();
    }

    /** The tokens' pieces, ids and byte lengths at a width, or null before an analysis. */
    public ReadOnlyObjectProperty<DoubleFunction<Figures.Drawn>> figureProperty() {
        return figure.getReadOnlyProperty();
    }

    public MainViewModel main() {
        return main;
    }

    private void update() {
        Analysis an = main.analysisProperty().get();
        var meta = main.exportMetadata();
        figure.set(an == null ? null : w -> Figures.tokens(an, main.figureOptions(w), meta));
    }
}
