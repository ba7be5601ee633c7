package org.tokenscope.app;

import java.util.function.DoubleFunction;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tokenscope.backend.Backend;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Step;
import org.tokenscope.service.Analyser;
import org.tokenscope.service.Figures;
import org.tokenscope.service.UserMessages;

/** The Generate tab's state: the prompt, the settings, the text as it streams in and the table of steps. */
public final class GenerateViewModel {

    private final MainViewModel main;
    private final StringProperty prompt = new SimpleStringProperty("The meaning of life is");
    private final ObjectProperty<GenerationForm> form = new SimpleObjectProperty<>(GenerationForm.DEFAULT);
    private final ReadOnlyStringWrapper generated = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<GenerationResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper generating = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<DoubleFunction<Figures.Drawn>> steps = new ReadOnlyObjectWrapper<>();
    private TaskRunner.Handle task;

    public GenerateViewModel(MainViewModel main) {
        this.main = main;
        result.addListener((o, a, b) -> update());
        main.whenCancelled(() -> {
            if (task != null) {
                task.cancel();
            }
            generating.set(false);
        });
        main.whenFiguresChange(this::update);
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public ObjectProperty<GenerationForm> formProperty() {
        return form;
    }

    /** The prompt and what has been generated so far. */
    public ReadOnlyStringProperty generatedTextProperty() {
        return generated.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<GenerationResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty generatingProperty() {
        return generating.getReadOnlyProperty();
    }

    /** The table of steps at a width, or null before a generation. */
    public ReadOnlyObjectProperty<DoubleFunction<Figures.Drawn>> stepsProperty() {
        return steps.getReadOnlyProperty();
    }

    public MainViewModel main() {
        return main;
    }

    /** Stops the generation (and whatever else runs). */
    public void stop() {
        main.cancel();
    }

    /** Continues the text above instead. */
    public void useText() {
        prompt.set(main.textProperty().get());
    }

    /** Shows step {@code index}'s alternatives in the Top-k tab. */
    public void pick(int index) {
        GenerationResult r = result.get();
        if (r != null && index >= 0 && index < r.best().steps().size()) {
            main.stepProperty().set(r.best().steps().get(index));
        }
    }

    /** Generates from the prompt with model A, after {@code <|endoftext|>} as a text is scored, streaming the text. */
    public void generate() {
        Backend a = main.slotA().backend();
        if (a == null) {
            main.status().fail("Load model A first.");
            return;
        }
        if (task != null) {
            task.cancel();
        }
        String start = prompt.get();
        GenerationForm settings = form.get();
        generated.set(start);
        result.set(null);
        generating.set(true);
        main.status().begin("Generating…");
        StringBuilder pending = new StringBuilder();
        task = main.runner().submit((p, cancelled) -> a.generate(start, settings.settings(
                a.capabilities().topK(Analyser.TOP_K)), new GenerationListener() {
                    @Override
                    public void onText(String piece) {
                        synchronized (pending) {
                            pending.append(piece);
                        }
                    }

                    @Override
                    public void onStep(Step step) {
                        p.update((step.index() + 1.0) / settings.maxNewTokens(), "Generating: step " + (step.index() + 1));
                    }
                }, cancelled), (fraction, message) -> {
                    main.status().update(fraction, message);
                    synchronized (pending) {
                        generated.set(generated.get() + pending);
                        pending.setLength(0);
                    }
                }, done -> {
                    generating.set(false);
                    result.set(done);
                    generated.set(start + done.best().text());
                    main.status().done(done.cancelled() ? "Generation cancelled."
                            : "Generated " + done.best().steps().size() + " tokens.");
                }, e -> {
                    generating.set(false);
                    main.status().fail(UserMessages.sentence(e));
                });
        main.track(task);
    }

    private void update() {
        GenerationResult r = result.get();
        String model = main.slotA().nameProperty().get();
        String from = prompt.get();
        var meta = main.exportMetadata();
        steps.set(r == null ? null : w -> Figures.steps(from, model, r, main.figureOptions(w), meta));
    }
}
