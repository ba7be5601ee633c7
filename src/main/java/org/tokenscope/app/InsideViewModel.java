package org.tokenscope.app;

import org.tokenscope.service.UserMessages;
import java.util.Set;
import java.util.concurrent.CancellationException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.backend.InsideRequest;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.Insides;
import org.tokenscope.service.Analysis;

/**
 * The "Inside" tab's state: model A's attention and logit lens over the analysed text, linked to the
 * token selected in the heatmap. A pass runs on the inference thread only when the text, the model or
 * the layer changes (and only while the tab is shown); a new selection or head is drawn from what is kept.
 *
 * <p>Memory: a pass keeps the attention of the layer shown only. Its weights are f32 [heads, n, n]: a
 * 1,024-token text with 20 heads is 80 MB a layer, so all 36 layers of gpt2-large would be 3 GB. The
 * lens keeps ranks and the top {@value #LENS_TOP_K} per layer and position, never [layers, n, vocab].
 * The grid of every head is made a few layers at a time and keeps {@value #THUMBNAIL}² thumbnails
 * ({@link Insides#grid}), and only when its view is open.
 */
public final class InsideViewModel {

    /** Predictions the lens keeps per layer and position. */
    public static final int LENS_TOP_K = 10;
    /** The side of a head's thumbnail in the grid, in cells. */
    public static final int THUMBNAIL = Insides.THUMBNAIL;
    /** The head picker's value for the mean over heads. */
    public static final int MEAN = -1;

    /** What the kept results were computed from. */
    private record Source(String text, Backend backend) {
    }

    private final MainViewModel main;
    private final TaskRunner runner;

    private final BooleanProperty active = new SimpleBooleanProperty(false);
    private final BooleanProperty gridWanted = new SimpleBooleanProperty(false);
    private final IntegerProperty layer = new SimpleIntegerProperty(0);
    private final IntegerProperty head = new SimpleIntegerProperty(MEAN);
    private final ReadOnlyIntegerWrapper layers = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyIntegerWrapper heads = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyIntegerWrapper position = new ReadOnlyIntegerWrapper(-1);
    private final ReadOnlyObjectWrapper<LogitLens> lens = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<AttentionMap> attention = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<AttentionGrid> grid = new ReadOnlyObjectWrapper<>();
    private final TaskStatus task = new TaskStatus("Open this tab after a text is analysed to look inside model A.",
            () -> this.passRunning || this.gridRunning);

    private Source source;
    private Source pending; // what the pass under way is of
    private Inspection layerPass; // the kept weights: one layer, [head][query][key]
    private TaskRunner.Handle pass; // to cancel; whether it still runs is passRunning (a same-thread runner is done
    private TaskRunner.Handle gridPass; // before submit returns)
    private boolean passRunning;
    private boolean gridRunning;
    private boolean adjusting;

    public InsideViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
        main.analysisProperty().addListener((o, a, b) -> {
            if (active.get()) refresh();
        });
        main.textProperty().addListener((o, a, b) -> cancelPasses()); // a new analysis is coming: make way for it
        main.selectedProperty().addListener((o, a, b) -> updatePosition());
        active.addListener((o, a, b) -> {
            if (b) refresh();
        });
        gridWanted.addListener((o, a, b) -> {
            if (b && active.get()) refresh();
        });
        layer.addListener((o, a, b) -> {
            if (!adjusting) inspectLayer();
        });
        head.addListener((o, a, b) -> updateAttention());
    }

    // ---- properties -------------------------------------------------------------------------

    /** Whether the tab is shown: passes run only then. */
    public BooleanProperty activeProperty() {
        return active;
    }

    /** Whether the grid of every head is shown: it takes a pass per few layers, so it is made only then. */
    public BooleanProperty gridWantedProperty() {
        return gridWanted;
    }

    /** The layer shown, from 0. */
    public IntegerProperty layerProperty() {
        return layer;
    }

    /** The head shown, from 0, or {@link #MEAN} for the mean over heads. */
    public IntegerProperty headProperty() {
        return head;
    }

    public ReadOnlyIntegerProperty layersProperty() {
        return layers.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty headsProperty() {
        return heads.getReadOnlyProperty();
    }

    /** The position shown: the selected token, or the last one when none is selected (-1 before a pass). */
    public ReadOnlyIntegerProperty positionProperty() {
        return position.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<LogitLens> lensProperty() {
        return lens.getReadOnlyProperty();
    }

    /** The attention of the kept layer, for the head shown or the mean of heads. */
    public ReadOnlyObjectProperty<AttentionMap> attentionProperty() {
        return attention.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<AttentionGrid> gridProperty() {
        return grid.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return task.busyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return task.progressProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return task.statusProperty();
    }

    /** The head shown as a figure wants it: null for the mean. */
    public Integer headOrMean() {
        return head.get() == MEAN ? null : head.get();
    }

    // ---- commands ---------------------------------------------------------------------------

    /** Looks inside again if the text or model A changed since the last pass (or a pass was cancelled). */
    public void refresh() {
        Analysis an = main.analysisProperty().get();
        Backend backend = main.slotA().backend();
        if (an == null || backend == null) {
            cancelPasses();
            clear();
            task.done(backend == null ? "Load model A to look inside it." : "Analyse a text to look inside the model.");
            return;
        }
        Source wanted = new Source(an.text(), backend);
        if (passRunning && wanted.equals(pending)) {
            return; // already on its way (and it makes the grid after, if wanted)
        }
        if (wanted.equals(source) && lens.get() != null) {
            if (gridWanted.get() && grid.get() == null && !gridRunning) computeGrid();
            return;
        }
        cancelPasses();
        int count = backend.summary().layers();
        int l = Math.max(0, Math.min(layer.get(), count - 1));
        setLayerQuietly(l);
        begin("Looking inside " + backend.summary().name() + "…");
        passRunning = true;
        pending = wanted;
        pass = runner.submit((p, cancelled) -> Insides.inspect(backend, wanted.text(),
                new InsideRequest(Set.of(l), true, LENS_TOP_K, false), cancelled), this::showProgress, in -> {
            passRunning = false;
            source = wanted;
            layerPass = in;
            layers.set(in.model().layers());
            heads.set(in.heads());
            if (head.get() >= in.heads()) head.set(MEAN);
            grid.set(null);
            lens.set(in.lens());
            updateAttention();
            updatePosition();
            done(in.truncated() ? "The text has " + in.textTokens() + " tokens: inside shows the first "
                    + in.tokens().size() + ", the model's context." : summary(in));
            if (gridWanted.get()) computeGrid();
        }, e -> {
            passRunning = false;
            failed(e);
        });
    }

    /** Cancels the passes under way; what was shown stays. */
    public void cancel() {
        cancelPasses();
        task.cancelled();
    }

    // ---- passes -----------------------------------------------------------------------------

    /** A pass for the attention of the layer picked, up to that layer only: the lens is kept. */
    private void inspectLayer() {
        if (!current()) {
            if (active.get()) refresh();
            return;
        }
        if (layerPass != null && layerPass.attention().containsKey(layer.get())) {
            updateAttention();
            return;
        }
        if (pass != null) pass.cancel();
        Source from = source;
        int l = layer.get();
        begin("Attention of layer " + l + "…");
        passRunning = true;
        pass = runner.submit((p, cancelled) -> from.backend().inspect(from.text(), InsideRequest.attention(l), cancelled),
                this::showProgress, in -> {
                    passRunning = false;
                    layerPass = in; // the previous layer's weights go
                    updateAttention();
                    done(summary(in));
                }, e -> {
                    passRunning = false;
                    failed(e);
                });
    }

    private void computeGrid() {
        if (gridPass != null) gridPass.cancel();
        Source from = source;
        int count = layers.get();
        begin("All heads: layer 1 of " + count + "…");
        gridRunning = true;
        gridPass = runner.submit((p, cancelled) -> Insides.grid(from.backend(), from.text(), cancelled,
                (done, total) -> p.update((double) done / total, "All heads: " + done + " of " + total + " layers…")),
                this::showProgress, g -> {
                    gridRunning = false;
                    grid.set(g);
                    done("All " + g.layers() * g.heads() + " heads of " + g.model() + ".");
                }, e -> {
                    gridRunning = false;
                    failed(e);
                });
    }

    /** Whether the kept results are of the text analysed now and of model A as loaded now. */
    private boolean current() {
        Analysis an = main.analysisProperty().get();
        return source != null && an != null && source.text().equals(an.text())
                && source.backend() == main.slotA().backend() && lens.get() != null;
    }

    private void cancelPasses() {
        if (pass != null) pass.cancel();
        if (gridPass != null) gridPass.cancel();
        passRunning = false;
        gridRunning = false;
        task.done(task.statusProperty().get());
    }

    private void clear() {
        source = null;
        layerPass = null;
        lens.set(null);
        attention.set(null);
        grid.set(null);
        position.set(-1);
    }

    // ---- derived state ----------------------------------------------------------------------

    private void updateAttention() {
        Inspection in = layerPass;
        if (in == null || in.attention().isEmpty()) {
            attention.set(null);
            return;
        }
        int kept = in.attention().keySet().iterator().next();
        attention.set(AttentionMap.of(in, kept, headOrMean()));
    }

    private void updatePosition() {
        LogitLens l = lens.get();
        if (l == null || l.positions() == 0) {
            position.set(-1);
            return;
        }
        int selected = main.selectedProperty().get();
        position.set(selected < 0 || selected >= l.positions() ? l.positions() - 1 : selected);
    }

    private void setLayerQuietly(int l) {
        adjusting = true;
        try {
            layer.set(l);
        } finally {
            adjusting = false;
        }
    }

    private static String summary(Inspection in) {
        return in.model().name() + " · " + in.tokens().size() + " tokens · " + in.model().layers() + " layers × "
                + in.heads() + " heads";
    }

    private void begin(String message) {
        task.update(-1, message);
    }

    private void showProgress(double fraction, String message) {
        task.update(fraction, message);
    }

    private void done(String message) {
        task.done(message);
    }

    private void failed(Throwable e) {
        if (e instanceof CancellationException) {
            task.done("Cancelled.");
        } else {
            task.fail(UserMessages.sentence(e));
        }
    }
}
