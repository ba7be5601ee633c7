package org.tokenscope.app;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.tokenscope.service.Backend;

/**
 * One of the two model places (A "small", B "large"). The backend itself is touched only on the
 * inference thread; the JavaFX thread sees its name and state.
 */
public final class ModelSlot {

    private final String label;
    private final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper("no model");
    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(false);
    private Backend backend;
    private TaskRunner.Handle load;
    private String spec;        // what the loaded backend was opened from
    private String pendingSpec; // what the running load opens

    ModelSlot(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public ReadOnlyStringProperty nameProperty() {
        return name.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty readyProperty() {
        return ready.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    Backend backend() {
        return backend;
    }

    /** What the loaded model was opened from (a folder, Hub id or server), or null when none is loaded. */
    String spec() {
        return spec;
    }

    TaskRunner.Handle load() {
        return load;
    }

    void loading(TaskRunner.Handle handle, String what) {
        load = handle;
        pendingSpec = what;
        loading.set(true);
        state.set("loading " + what + "…");
    }

    /** Remembers the running load, unless it already finished (a same-thread runner finishes at once). */
    void started(TaskRunner.Handle handle) {
        if (loading.get()) {
            load = handle;
        }
    }

    /** Installs a loaded backend and returns the one it replaces (to be closed on the inference thread). */
    Backend loaded(Backend fresh, String displayName) {
        Backend old = backend;
        backend = fresh;
        spec = pendingSpec;
        load = null;
        loading.set(false);
        ready.set(true);
        name.set(displayName);
        state.set(fresh.summary().layers() == 0 ? displayName + " · remote server"
                : displayName + " · " + fresh.summary().layers() + " layers · "
                + String.format("%,d", fresh.summary().parameters()) + " parameters · "
                + fresh.summary().weights() + " weights · CPU");
        return old;
    }

    void failed(String message) {
        load = null;
        loading.set(false);
        state.set(backend == null ? message : name.get() + " (kept: " + message + ")");
    }
}
