package org.tokenscope.app;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs work away from the JavaFX thread (JabRef's TaskExecutor idea). Production runs everything on
 * one named daemon inference thread that owns the models; tests run work on the calling thread.
 * Callbacks arrive on the JavaFX thread (or the calling thread in tests).
 */
public interface TaskRunner {

    /** Work that reports progress and looks at {@code cancelled} at least once per token or layer. */
    @FunctionalInterface
    interface Work<T> {
        T run(Progress progress, BooleanSupplier cancelled) throws Exception;
    }

    /** Progress of a task: a fraction in [0, 1] (negative: unknown) and a short message. */
    @FunctionalInterface
    interface Progress {
        void update(double fraction, String message);
    }

    /** A running task; cancel it by {@link #cancel()}. */
    final class Handle {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        public void cancel() {
            cancelled.set(true);
        }

        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    <T> Handle submit(Work<T> work, Progress progress, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

    /** Runs {@code action} on the inference thread after the work already queued (e.g. closing a model). */
    void execute(Runnable action);
}
