package org.tokenscope.app;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.service.Models;
import org.tokenscope.service.UserMessages;

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

    /**
     * Opens {@code request}'s model (see {@link Models#open}) on {@code runner}'s thread, cancelling a load under
     * way, and installs it; the model it replaces is closed on that thread. A failure keeps the old model and
     * says why; {@code then} runs after a success.
     */
    TaskRunner.Handle open(ModelRequest request, TaskRunner runner, TaskStatus status, Runnable then) {
        if (load != null) {
            load.cancel();
        }
        loading(request.spec());
        status.begin("Loading " + request.spec() + "…");
        TaskRunner.Handle handle = runner.submit((p, cancelled) -> Models.open(request, p::update, cancelled),
                status::update, opened -> {
                    Backend old = loaded(opened.backend(), opened.name());
                    if (old != null) {
                        runner.execute(old::close);
                    }
                    status.done(opened.note() != null ? opened.note() : "Model " + label + ": " + opened.name() + " ready.");
                    then.run();
                }, e -> {
                    failed(UserMessages.sentence(e));
                    status.fail("Model " + label + " (" + request.spec() + "): " + UserMessages.sentence(e)
                            + (request.byDefault() ? " Choose \"" + MainViewModel.OPEN_FOLDER + "\" in the " + label
                            + " list to open a model folder." : ""));
                });
        started(handle);
        return handle;
    }

    /** Stops a load under way; the slot keeps its model. */
    void cancelLoading() {
        if (load != null) {
            load.cancel();
            failed("Loading cancelled.");
        }
    }

    Backend backend() {
        return backend;
    }

    TaskRunner.Handle load() {
        return load;
    }

    void loading(String what) {
        load = null;
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
        load = null;
        loading.set(false);
        ready.set(true);
        name.set(displayName);
        String where = fresh.capabilities().where();
        state.set(fresh.summary().layers() == 0 ? displayName + " · " + where
                : displayName + " · " + fresh.summary().layers() + " layers · "
                + String.format("%,d", fresh.summary().parameters()) + " parameters · " + where);
        return old;
    }

    void failed(String message) {
        load = null;
        loading.set(false);
        state.set(backend == null ? message : name.get() + " (kept: " + message + ")");
    }
}
