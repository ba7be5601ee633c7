package org.tokenscope.app;

import org.tokenscope.service.UserMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tokenscope.analysis.Comparison;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.cli.Version;
import org.tokenscope.figure.CompareHeatmapFigure;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.Palette;
import org.tokenscope.figure.Scale;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Step;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.service.Backend;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.service.ModelSources;
import org.tokenscope.service.ScoreOptions;

/**
 * The window's state and commands. Views bind to its properties and call its commands; it never
 * touches a model itself: work goes to the {@link TaskRunner}, results come back as immutable values.
 */
public final class MainViewModel {

    public static final String DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog. Language models read a text "
            + "one token at a time and, at every position, guess what comes next.\n\nSome guesses are easy: the "
            + "United States of America. Others are not.";

    /** Results of one analysis of one text by one or two models. */
    public record Analysis(String text, ScoredText a, ScoredText b, Comparison comparison, long millis,
                           List<org.tokenscope.analysis.Alternative> nextA, List<org.tokenscope.analysis.Alternative> nextB,
                           int[] bytesA) {
        /** Results without the next-token predictions after the text. */
        public Analysis(String text, ScoredText a, ScoredText b, Comparison comparison, long millis) {
            this(text, a, b, comparison, millis, List.of(), List.of(), null);
        }
    }

    /** How many alternatives the app keeps per position (the top-k pane shows up to this many). */
    public static final int TOP_K = 50;
    /** As many from a remote server: vLLM refuses more than its --max-logprobs, 20 by default. */
    public static final int REMOTE_TOP_K = 20;

    /** The alternatives kept per position from {@code backend}. */
    static int topK(Backend backend) {
        return backend instanceof org.tokenscope.remote.RemoteBackend ? REMOTE_TOP_K : TOP_K;
    }

    private static ScoreOptions scoreOptions(Backend backend) {
        return new ScoreOptions(true, topK(backend), 0);
    }

    private final TaskRunner runner;
    private final javafx.collections.ObservableList<org.tokenscope.remote.Connection> connections =
            javafx.collections.FXCollections.observableArrayList();
    private final ModelSlot slotA = new ModelSlot("A");
    private final ModelSlot slotB = new ModelSlot("B");

    private final StringProperty text = new SimpleStringProperty(DEFAULT_TEXT);
    private final BooleanProperty compare = new SimpleBooleanProperty(true);
    private final ObjectProperty<Measure> measure = new SimpleObjectProperty<>(Measure.PROB);
    private final ObjectProperty<Palette> palette = new SimpleObjectProperty<>(Palette.VIRIDIS);
    private final ObjectProperty<Scale.Mode> range = new SimpleObjectProperty<>(Scale.Mode.FIXED);
    private final BooleanProperty boundaries = new SimpleBooleanProperty(false);
    private final BooleanProperty monospace = new SimpleBooleanProperty(false);
    private final ObjectProperty<CompareHeatmapFigure.Mode> compareMode =
            new SimpleObjectProperty<>(CompareHeatmapFigure.Mode.STACKED);
    private final IntegerProperty selected = new SimpleIntegerProperty(-1);
    private final ReadOnlyObjectWrapper<Analysis> analysis = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Starting…");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");

    private final StringProperty prompt = new SimpleStringProperty("The meaning of life is");
    private final ObjectProperty<GenerationForm> generation = new SimpleObjectProperty<>(GenerationForm.DEFAULT);
    private final ReadOnlyStringWrapper generatedText = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<GenerationResult> generationResult = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper generating = new ReadOnlyBooleanWrapper(false);

    private TaskRunner.Handle analysisTask;
    private javafx.animation.PauseTransition debounce;
    private TaskRunner.Handle generationTask;
    private TaskRunner.Handle current;

    public MainViewModel(TaskRunner runner) {
        this.runner = runner;
    }

    // ---- properties -------------------------------------------------------------------------

    public ModelSlot slotA() {
        return slotA;
    }

    public ModelSlot slotB() {
        return slotB;
    }

    public StringProperty textProperty() {
        return text;
    }

    public BooleanProperty compareProperty() {
        return compare;
    }

    public ObjectProperty<Measure> measureProperty() {
        return measure;
    }

    public ObjectProperty<Palette> paletteProperty() {
        return palette;
    }

    public ObjectProperty<Scale.Mode> rangeProperty() {
        return range;
    }

    public BooleanProperty boundariesProperty() {
        return boundaries;
    }

    public BooleanProperty monospaceProperty() {
        return monospace;
    }

    public ObjectProperty<CompareHeatmapFigure.Mode> compareModeProperty() {
        return compareMode;
    }

    /** The selected token position, or -1 for the end of the text. */
    public IntegerProperty selectedProperty() {
        return selected;
    }

    public ReadOnlyObjectProperty<Analysis> analysisProperty() {
        return analysis.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public ObjectProperty<GenerationForm> generationProperty() {
        return generation;
    }

    public ReadOnlyStringProperty generatedTextProperty() {
        return generatedText.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<GenerationResult> generationResultProperty() {
        return generationResult.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty generatingProperty() {
        return generating.getReadOnlyProperty();
    }

    /** The options every figure is drawn with, at a width. */
    public FigureOptions figureOptions(double width) {
        return FigureOptions.DEFAULT.withWidth(width).withMeasure(measure.get()).withPalette(palette.get())
                .withRange(range.get()).withBoundaries(boundaries.get()).withMonospace(monospace.get());
    }

    /** What exported figures carry so they can be reproduced. */
    public ExportMetadata exportMetadata() {
        List<ExportMetadata.ModelRef> models = new ArrayList<>();
        if (!slotA.nameProperty().get().isEmpty()) {
            models.add(new ExportMetadata.ModelRef(slotA.nameProperty().get(), "main"));
        }
        if (compare.get() && !slotB.nameProperty().get().isEmpty()) {
            models.add(new ExportMetadata.ModelRef(slotB.nameProperty().get(), "main"));
        }
        Analysis current = analysis.get();
        return ExportMetadata.of(Version.current(), current == null ? text.get() : current.text(), models);
    }

    // ---- commands ---------------------------------------------------------------------------

    /** Remote servers the user saved (address and where the key comes from); the app keeps them in the settings. */
    public javafx.collections.ObservableList<org.tokenscope.remote.Connection> connections() {
        return connections;
    }

    /** Where the key for a remote {@code spec} comes from: its saved connection, else TOKENSCOPE_API_KEY if set. */
    org.tokenscope.remote.KeySource keySourceFor(String spec) {
        for (org.tokenscope.remote.Connection c : connections) {
            if (c.spec().equals(spec.strip())) {
                return c.key();
            }
        }
        String key = System.getenv("TOKENSCOPE_API_KEY");
        return key != null && !key.isBlank() ? org.tokenscope.remote.KeySource.env("TOKENSCOPE_API_KEY")
                : org.tokenscope.remote.KeySource.NONE;
    }

    /** Loads a model into a slot (a folder, or a Hub id from the cache or downloaded), then re-analyses. */
    public void loadModel(ModelSlot slot, String spec, boolean allowDownload, String standIn) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        if (slot.load() != null) {
            slot.load().cancel();
        }
        error.set("");
        slot.loading(null, spec);
        begin("Loading " + spec + "…");
        org.tokenscope.remote.KeySource keySource = keySourceFor(spec); // read here, on the FX thread
        TaskRunner.Handle handle = runner.submit((p, cancelled) -> {
            if (org.tokenscope.remote.RemoteSpec.isRemote(spec.trim())) {
                // a remote OpenAI-compatible server; its key from the saved connection's source
                var builder = org.tokenscope.remote.RemoteBackend.builder()
                        .setSpec(org.tokenscope.remote.RemoteSpec.parse(spec.trim()));
                org.tokenscope.remote.ApiKey key = keySource.resolve();
                if (key != null) {
                    builder.optApiKey(key);
                }
                p.update(-1, "Connecting to " + spec + "…");
                Backend remote = builder.connect();
                return new Object[] {remote, new ModelSources.Resolved(null, remote.summary().name(), null)};
            }
            org.tokenscope.hub.ProgressMeter meter = new org.tokenscope.hub.ProgressMeter();
            ModelSources.Resolved where = ModelSources.resolve(spec.trim(), allowDownload, standIn,
                    (file, done, total) -> {
                        meter.update(done, System.nanoTime());
                        String left = meter.timeLeft(total).map(d -> ", " + d.toSeconds() + " s left").orElse("");
                        p.update(total > 0 ? (double) done / total : -1, "Downloading " + spec + ": " + file + " "
                                + org.tokenscope.hub.ByteSizes.format(done)
                                + (total > 0 ? " of " + org.tokenscope.hub.ByteSizes.format(total) : "")
                                + " at " + org.tokenscope.hub.ByteSizes.format((long) meter.bytesPerSecond()) + "/s" + left);
                    },
                    cancelled);
            p.update(-1, "Loading " + where.name() + "…");
            Backend backend = new LocalBackend(LanguageModel.load(where.folder(), where.name()));
            return new Object[] {backend, where};
        }, this::showProgress, result -> {
            Backend backend = (Backend) result[0];
            ModelSources.Resolved where = (ModelSources.Resolved) result[1];
            Backend old = slot.loaded(backend, where.name());
            if (old != null) {
                runner.execute(old::close);
            }
            done(where.note() != null ? where.note() : "Model " + slot.label() + ": " + where.name() + " ready.");
            analyse();
        }, e -> {
            slot.failed(UserMessages.sentence(e));
            fail("Model " + slot.label() + " (" + spec + "): " + UserMessages.sentence(e)
                    + (standIn != null ? " Choose \"" + MainView.OPEN_FOLDER + "\" in the " + slot.label()
                    + " list to open a model folder." : ""));
        });
        slot.started(handle);
        current = handle;
    }

    /** Analyses 400 ms after the last call (typing), so a burst of keystrokes costs one run. */
    public void scheduleAnalyse() {
        if (debounce == null) {
            debounce = new javafx.animation.PauseTransition(javafx.util.Duration.millis(400));
            debounce.setOnFinished(e -> analyse());
        }
        debounce.playFromStart();
    }

    /** Scores the text with A (and B when comparing), cancelling any analysis under way. */
    public void analyse() {
        if (analysisTask != null) {
            analysisTask.cancel();
        }
        Backend a = slotA.backend();
        Backend b = compare.get() ? slotB.backend() : null;
        String snapshot = text.get();
        if (a == null) {
            return;
        }
        if (snapshot == null || snapshot.isEmpty()) {
            analysis.set(null);
            done("The text is empty: type or paste something to see what the model thinks of it.");
            return;
        }
        error.set("");
        begin("Scoring…");
        analysisTask = runner.submit((p, cancelled) -> {
            long start = System.nanoTime();
            ScoredText sa = a.score(snapshot, scoreOptions(a), cancelled,
                    (done, total) -> p.update(0.5 * done / total, "Scoring with " + a.summary().name() + "…"));
            ScoredText sb = null;
            Comparison comparison = null;
            if (b != null) {
                sb = b.score(snapshot, scoreOptions(b), cancelled,
                        (done, total) -> p.update(0.5 + 0.5 * done / total, "Scoring with " + b.summary().name() + "…"));
                comparison = Comparison.of(sa.tokens(), sb.tokens());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Analysis(snapshot, sa, sb, comparison, millis, next(a, snapshot, cancelled),
                    b == null ? List.of() : next(b, snapshot, cancelled), a.byteLengths(sa));
        }, this::showProgress, result -> {
            analysis.set(result);
            if (selected.get() >= result.a().tokens().size()) {
                selected.set(-1);
            }
            done(String.format("%d tokens scored in %d ms · perplexity %s%s", result.a().tokens().size(), result.millis(),
                    formatPpl(result.a()), result.b() == null ? "" : " (A), " + formatPpl(result.b()) + " (B)"));
        }, e -> {
            if (!(e instanceof CancellationException)) {
                fail(UserMessages.sentence(e));
            }
        });
        current = analysisTask;
    }

    /** The most likely tokens after the whole text (one greedy step), or none when the text fills the context. */
    private static List<org.tokenscope.analysis.Alternative> next(Backend backend, String text,
                                                                  java.util.function.BooleanSupplier cancelled) {
        try {
            GenerationResult one = backend.generate(text, new Backend.GenerationSettings(1,
                    new org.tokenscope.generate.Greedy(), List.of(), topK(backend)), GenerationListener.NONE, cancelled);
            return one.best().steps().isEmpty() ? List.of() : one.best().steps().get(0).top();
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(); // e.g. a text as long as the context: no position left to predict
        }
    }

    /** Generates from the prompt with model A, streaming the text. */
    public void generate() {
        Backend a = slotA.backend();
        if (a == null) {
            fail("Load model A first.");
            return;
        }
        if (generationTask != null) {
            generationTask.cancel();
        }
        String p0 = prompt.get();
        GenerationForm form = generation.get();
        generatedText.set(p0);
        generationResult.set(null);
        generating.set(true);
        begin("Generating…");
        StringBuilder pending = new StringBuilder();
        generationTask = runner.submit((p, cancelled) -> a.generate(p0, form.settings(topK(a)), new GenerationListener() {
            @Override
            public void onText(String piece) {
                synchronized (pending) {
                    pending.append(piece);
                }
            }

            @Override
            public void onStep(Step step) {
                p.update((step.index() + 1.0) / form.maxNewTokens(), "Generating: step " + (step.index() + 1));
            }
        }, cancelled), (fraction, message) -> {
            showProgress(fraction, message);
            synchronized (pending) {
                generatedText.set(generatedText.get() + pending);
                pending.setLength(0);
            }
        }, result -> {
            generating.set(false);
            generationResult.set(result);
            generatedText.set(p0 + result.best().text());
            done(result.cancelled() ? "Generation cancelled." : "Generated " + result.best().steps().size() + " tokens.");
        }, e -> {
            generating.set(false);
            fail(UserMessages.sentence(e));
        });
        current = generationTask;
    }

    /** Replaces the text with a file's (UTF-8); a file that can't be read leaves the text and says why. */
    public boolean openFile(java.nio.file.Path file) {
        try {
            text.set(java.nio.file.Files.readString(file));
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            fail("Could not open " + file.getFileName() + ": " + UserMessages.sentence(e));
            return false;
        }
    }

    /** Cancels whatever is running (loading, scoring or generating). */
    public void cancel() {
        if (debounce != null) {
            debounce.stop();
        }
        if (analysisTask != null) {
            analysisTask.cancel();
        }
        if (current != null) {
            current.cancel();
        }
        for (ModelSlot slot : List.of(slotA, slotB)) {
            if (slot.load() != null) {
                slot.load().cancel();
                slot.failed("Loading cancelled.");
            }
        }
        if (generationTask != null) {
            generationTask.cancel();
            generating.set(false);
        }
        busy.set(false);
        progress.set(0);
        status.set("Cancelled.");
    }

    /** Closes the models (on the inference thread). */
    public void shutdown() {
        for (ModelSlot slot : List.of(slotA, slotB)) {
            Backend backend = slot.backend();
            if (backend != null) {
                runner.execute(backend::close);
            }
        }
    }

    // ---- bookkeeping ------------------------------------------------------------------------

    private void begin(String message) {
        busy.set(true);
        progress.set(-1);
        status.set(message);
    }

    private void showProgress(double fraction, String message) {
        busy.set(true);
        progress.set(fraction);
        status.set(message);
    }

    private void done(String message) {
        busy.set(false);
        progress.set(0);
        status.set(message);
    }

    private void fail(String message) {
        busy.set(false);
        progress.set(0);
        error.set(message);
        status.set(message);
    }

    private static String formatPpl(ScoredText s) {
        return Double.isFinite(s.perplexity()) ? String.format("%,.1f", s.perplexity()) : "n/a";
    }

    /** The runner its work goes to, for the views' own view-models (the Inside tab's). */
    TaskRunner runner() {
        return runner;
    }
}
