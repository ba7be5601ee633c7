package org.tokenscope.app;

import java.util.function.BooleanSupplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Where a view-model's background work stands, the one type every view-model reports through: busy or
 * not, how far (negative: not known), a status line and the last error. Views bind to it.
 */
public final class TaskStatus {

    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status;
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final BooleanSupplier stillBusy;

    /** @param stillBusy whether other work of the same view-model still runs when one piece ends */
    public TaskStatus(String initial, BooleanSupplier stillBusy) {
        this.status = new ReadOnlyStringWrapper(initial);
        this.stillBusy = stillBusy;
    }

    public TaskStatus(String initial) {
        this(initial, () -> false);
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

    /** Work starts: busy, progress not known yet, the last error forgotten. */
    public void begin(String message) {
        error.set("");
        update(-1, message);
    }

    /** Work reports how far it is. */
    public void update(double fraction, String message) {
        busy.set(true);
        progress.set(fraction);
        status.set(message);
    }

    /** Work ended well (or there was nothing to do). */
    public void done(String message) {
        busy.set(stillBusy.getAsBoolean());
        progress.set(0);
        status.set(message);
    }

    /** Work failed: the sentence shows as the status and the error. */
    public void fail(String message) {
        busy.set(stillBusy.getAsBoolean());
        progress.set(0);
        error.set(message);
        status.set(message);
    }

    /** Work stopped at the user's word. */
    public void cancelled() {
        busy.set(false);
        progress.set(0);
        status.set("Cancelled.");
    }
}
