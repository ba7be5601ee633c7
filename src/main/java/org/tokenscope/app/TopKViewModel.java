package org.tokenscope.app;

import java.util.function.DoubleFunction;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.generate.Step;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Figures;

/**
 * The Top-k tab's state: what the models expected at the selected token, after the text when none is
 * selected, or at a generation step picked in the Generate tab; {@code k} bars, rescaled to a temperature.
 */
public final class TopKViewModel {

    private final MainViewModel main;
    private final IntegerProperty k = new SimpleIntegerProperty(10);
    private final DoubleProperty temperature = new SimpleDoubleProperty(1);
    private final ReadOnlyObjectWrapper<DoubleFunction<Figures.Drawn>> figure = new ReadOnlyObjectWrapper<>();

    public TopKViewModel(MainViewModel main) {
        this.main = main;
        main.whenFiguresChange(this::update);
        main.selectedProperty().addListener((o, a, b) -> {
            main.stepProperty().set(null); // a token picked: its alternatives, not the step's
            update();
        });
        main.stepProperty().addListener((o, a, b) -> update());
        k.addListener((o, a, b) -> update());
        temperature.addListener((o, a, b) -> update());
        update();
    }

    /** How many bars (5 to {@link org.tokenscope.service.Analyser#TOP_K}). */
    public IntegerProperty kProperty() {
        return k;
    }

    /** Rescales the distribution: softmax(log p / T) over the alternatives kept. */
    public DoubleProperty temperatureProperty() {
        return temperature;
    }

    /** The bars at a width, or null before an analysis. */
    public ReadOnlyObjectProperty<DoubleFunction<Figures.Drawn>> figureProperty() {
        return figure.getReadOnlyProperty();
    }

    public MainViewModel main() {
        return main;
    }

    /** Shows the alternatives after the text. */
    public void afterText() {
        main.selectedProperty().set(-1);
    }

    /**
     * "Why not this one?" for the bar at {@code rank} (from 0) of model A's bars at the selected token: asks
     * the Why tab why the token that came there rather than that alternative (for the token's own bar, plain
     * "why"). Nothing when the bars are not a token's (after the text, a generation step).
     *
     * @return whether it asked
     */
    public boolean whyNot(int rank) {
        Analysis an = main.analysisProperty().get();
        int position = main.selectedProperty().get();
        if (an == null || main.stepProperty().get() != null || position < 0 || position >= an.a().tokens().size()) {
            return false;
        }
        TokenScore token = an.a().tokens().get(position);
        if (rank < 0 || rank >= token.top().size()) {
            return false;
        }
        int id = token.top().get(rank).id(); // the bars keep the top-k's order at every temperature
        main.askWhy(position, id == token.id() ? -1 : id);
        return true;
    }

    private void update() {
        Analysis an = main.analysisProperty().get();
        Step step = main.stepProperty().get();
        var meta = main.exportMetadata();
        int shown = k.get();
        if (step != null) {
            String model = main.slotA().nameProperty().get();
            figure.set((FillingFigure) (w, h) -> Figures.step(model, step, shown, main.figureOptions(w, h), meta));
            return;
        }
        int position = main.selectedProperty().get();
        double t = Math.round(temperature.get() * 100) / 100.0;
        figure.set(an == null ? null : (FillingFigure) (w, h) -> Figures.topK(an,
                position < an.a().tokens().size() ? position : -1, shown, t, main.figureOptions(w, h), meta));
    }
}
