package org.tokenscope.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import javafx.animation.PauseTransition;
import javafx.beans.InvalidationListener;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;
import javafx.util.Duration;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.backend.Backend;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.generate.Step;
import org.tokenscope.remote.Connection;
import org.tokenscope.service.Analyser;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.AppVersion;
import org.tokenscope.model.WeightFormat;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.service.ModelSources;
import org.tokenscope.service.UserMessages;

/**
 * The window's shared state and commands: the two models, the text, its analysis, the selection and the
 * figure settings, which every tab's view-model reads. It never touches a model itself: work goes to the
 * {@link TaskRunner}, results come back as immutable values; progress and errors go to one {@link TaskStatus}.
 */
public final class MainViewModel {

    public static final String DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog. Language models read a text "
            + "one token at a time and, at every position, guess what comes next.\n\nSome guesses are easy: the "
            + "United States of America. Others are not.";
    /** The pickers' entry that opens a folder chooser. */
    public static final String OPEN_FOLDER = "Open folder…";

    private final javafx.beans.property.ObjectProperty<WeightFormat> weights =
            new javafx.beans.property.SimpleObjectProperty<>(WeightFormat.F32);
    private final TaskRunner runner;
    private final SavedServers servers = new SavedServers();
    private final ModelSlot slotA = new ModelSlot("A");
    private final ModelSlot slotB = new ModelSlot("B");
    private final StringProperty text = new SimpleStringProperty(DEFAULT_TEXT);
    private final BooleanProperty compare = new SimpleBooleanProperty(true);
    private final FigureSettings figures = new FigureSettings();
    private final IntegerProperty selected = new SimpleIntegerProperty(-1);
    private final ObjectProperty<Step> step = new SimpleObjectProperty<>();
    private final ObjectProperty<WhyAsked> whyAsked = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<Analysis> analysis = new ReadOnlyObjectWrapper<>();
    private final TaskStatus status = new TaskStatus("Starting…");
    /** Tabs' clean-ups when the user cancels. */
    private final List<Runnable> cancelHooks = new ArrayList<>();

    private Detections detections;
    private TaskRunner.Handle analysisTask;
    private TaskRunner.Handle current;
    private PauseTransition debounce;

    /**
     * " · Stand-ins: tokenscope-small for gpt2 (…what they were trained on…)." while bundled models stand
     * in for the models in use, so that the timing after each analysis never hides that they are not GPT-2.
     */
    String standInNote() {
        List<String> inUse = new ArrayList<>();
        for (ModelSlot slot : compare.get() ? List.of(slotA, slotB) : List.of(slotA)) {
            if (slot.standIn() != null) {
                inUse.add(slot.standIn());
            }
        }
        return inUse.isEmpty() ? "" : " · Stand-ins: " + String.join(", ", inUse) + " (" + ModelSources.BUNDLED_TRAINING + ").";
    }

    public MainViewModel(TaskRunner runner) {
        this.runner = runner;
    }

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

    public FigureSettings figures() {
        return figures;
    }

    /** The selected token position, or -1 for the end of the text. */
    public IntegerProperty selectedProperty() {
        return selected;
    }

    /** A generation step picked to see its alternatives in the top-k pane (null: none). */
    public ObjectProperty<Step> stepProperty() {
        return step;
    }

    /**
     * "Why token {@code position}, rather than {@code contrast}?" (an id; -1 for plain "why"), asked from
     * another tab: the Why tab runs it and comes to the front.
     */
    public record WhyAsked(int position, int contrast) {
    }

    /** The last "why" asked from another tab (see {@link #askWhy}); null before. */
    public ReadOnlyObjectProperty<WhyAsked> whyAskedProperty() {
        return whyAsked;
    }

    /** Selects token {@code position} and asks the Why tab why it rather than {@code contrast} (-1: none). */
    public void askWhy(int position, int contrast) {
        selected.set(position);
        whyAsked.set(null); // the same question asked twice runs twice
        whyAsked.set(new WhyAsked(position, contrast));
    }

    public ReadOnlyObjectProperty<Analysis> analysisProperty() {
        return analysis.getReadOnlyProperty();
    }

    /** The status bar's: loading, scoring and generating report here. */
    public TaskStatus status() {
        return status;
    }

    /** Remote servers the user saved (address and where the key comes from); the app keeps them in the settings. */
    public ObservableList<Connection> connections() {
        return servers.list();
    }

    /** The detection of the analysed text, shared by the Detect tab and the heatmap's detection measures. */
    public Detections detections() {
        if (detections == null) {
            detections = new Detections(this, runner);
        }
        return detections;
    }

    /** The runner all work goes to (the tabs' view-models submit theirs there too). */
    TaskRunner runner() {
        return runner;
    }

    /** The options every figure is drawn with, at a width. */
    public FigureOptions figureOptions(double width) {
        return figures.options(width);
    }

    /** The options for a figure that fills a pane {@code width} × {@code height}. */
    public FigureOptions figureOptions(double width, double height) {
        return figures.options(width).withHeight(height);
    }

    /** Calls {@code redraw} whenever the analysis or a figure setting changes. */
    public void whenFiguresChange(Runnable redraw) {
        InvalidationListener listener = o -> redraw.run();
        analysis.addListener(listener);
        for (var setting : figures.all()) {
            setting.addListener(listener);
        }
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
        Analysis shown = analysis.get();
        return ExportMetadata.of(AppVersion.current(), shown == null ? text.get() : shown.text(), models);
    }

    /** Opens a model into a slot (see {@link ModelSlot#open}), then analyses again; a failure keeps the old model. */
    public void loadModel(ModelSlot slot, ModelRequest request) {
        if (!request.spec().isBlank()) {
            current = slot.open(request.withKey(servers.keyFor(request.spec())).withWeights(weights.get()), runner,
                    status, this::analyse);
        }
    }

    /** How local models hold their weights (f32, bf16, q8): every load uses it; {@link #useWeights} reloads. */
    public javafx.beans.property.ObjectProperty<WeightFormat> weightsProperty() {
        return weights;
    }

    /** Holds local models' weights as {@code format} from now on, reloading the local models loaded. */
    public void useWeights(WeightFormat format) {
        if (format == null || format == weights.get()) {
            return;
        }
        weights.set(format);
        for (ModelSlot slot : List.of(slotA, slotB)) {
            ModelRequest loaded = slot.request();
            if (loaded != null && !org.tokenscope.remote.RemoteSpec.isRemote(loaded.spec())) {
                loadModel(slot, loaded.withDownload(false));
            }
        }
    }

    /** Analyses 400 ms after the last call (typing), so a burst of keystrokes costs one run. */
    public void scheduleAnalyse() {
        if (debounce == null) {
            debounce = new PauseTransition(Duration.millis(400));
            debounce.setOnFinished(e -> analyse());
        }
        debounce.playFromStart();
    }

    /** Analyses the text with A (and B when comparing), cancelling any analysis under way. */
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
            status.done("The text is empty: type or paste something to see what the model thinks of it.");
            return;
        }
        status.begin("Scoring…");
        analysisTask = runner.submit((p, cancelled) -> Analyser.analyse(snapshot, a, b, cancelled, p::update),
                status::update, result -> {
                    analysis.set(result);
                    if (selected.get() >= result.a().tokens().size()) {
                        selected.set(-1);
                    }
                    status.done(String.format("%d tokens scored in %d ms · perplexity %s%s", result.a().tokens().size(),
                            result.millis(), perplexity(result.a()),
                            result.b() == null ? "" : " (A), " + perplexity(result.b()) + " (B)") + standInNote());
                }, e -> {
                    if (!(e instanceof CancellationException)) {
                        status.fail(UserMessages.sentence(e));
                    }
                });
        current = analysisTask;
    }

    /** Remembers a tab's task, so that {@link #cancel} stops it too. */
    void track(TaskRunner.Handle task) {
        current = task;
    }

    /** Runs {@code action} whenever the user cancels (a tab's own clean-up). */
    void whenCancelled(Runnable action) {
        cancelHooks.add(action);
    }

    /** Replaces the text with a file's (UTF-8); a file that can't be read leaves the text and says why. */
    public boolean openFile(Path file) {
        try {
            text.set(Files.readString(file));
            return true;
        } catch (IOException | RuntimeException e) {
            status.fail("Could not open " + file.getFileName() + ": " + UserMessages.sentence(e));
            return false;
        }
    }

    /** Cancels whatever is running (loading, scoring, generating). */
    public void cancel() {
        if (debounce != null) {
            debounce.stop();
        }
        for (TaskRunner.Handle task : new TaskRunner.Handle[] {analysisTask, current}) {
            if (task != null) {
                task.cancel();
            }
        }
        slotA.cancelLoading();
        slotB.cancelLoading();
        cancelHooks.forEach(Runnable::run);
        status.cancelled();
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

    private static String perplexity(ScoredText s) {
        return Double.isFinite(s.perplexity()) ? String.format("%,.1f", s.perplexity()) : "n/a";
    }
}
