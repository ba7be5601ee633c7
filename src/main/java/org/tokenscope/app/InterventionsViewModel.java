package org.tokenscope.app;

import java.util.concurrent.CancellationException;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.UserMessages;

/**
 * The Inside tab's Interventions pane: zero one attention head, or one block's MLP, of model A and
 * see every token's change in log-probability. Runs on the inference thread when asked.
 */
public final class InterventionsViewModel {

    /** The head picker's value for the block's MLP. */
    public static final int MLP = -1;

    private final MainViewModel main;
    private final TaskRunner runner;
    private final IntegerProperty layer = new SimpleIntegerProperty(0);
    private final IntegerProperty head = new SimpleIntegerProperty(0);
    private final ReadOnlyObjectWrapper<Ablation> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(
            "Pick a block and a head (or its MLP) and zero it to see what each token loses.");
    private TaskRunner.Handle pass;

    public InterventionsViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
    }

    /** The block, from 0. */
    public IntegerProperty layerProperty() {
        return layer;
    }

    /** The head, from 0, or {@link #MLP}. */
    public IntegerProperty headProperty() {
        return head;
    }

    public ReadOnlyObjectProperty<Ablation> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Blocks and heads of model A (0 when none is loaded). */
    public int layers() {
        Backend b = main.slotA().backend();
        return b == null ? 0 : b.summary().layers();
    }

    /** Zeroes the part picked and scores the analysed text again. */
    public void ablate() {
        Analysis an = main.analysisProperty().get();
        Backend backend = main.slotA().backend();
        if (an == null || backend == null) {
            status.set("Analyse a text with model A first.");
            return;
        }
        int l = layer.get();
        int h = head.get();
        if (pass != null) {
            pass.cancel();
        }
        busy.set(true);
        status.set("Zeroing " + (h == MLP ? "MLP " + l : "head " + l + "." + h) + "…");
        pass = runner.submit((p, cancelled) -> backend.intervene(an.text(), l, h, cancelled), (f, s) -> { }, a -> {
            busy.set(false);
            result.set(a);
            status.set("Zeroed " + a.label() + " of " + a.model() + ".");
        }, e -> {
            busy.set(false);
            status.set(e instanceof CancellationException ? "Cancelled." : UserMessages.sentence(e));
        });
    }
}
