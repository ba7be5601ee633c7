package org.tokenscope.app;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;

/** The one daemon thread, "tokenscope-inference", that owns the models and all native memory. */
public final class InferenceThread implements TaskRunner, AutoCloseable {

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tokenscope-inference");
        t.setDaemon(true);
        return t;
    });

    @Override
    public <T> Handle submit(Work<T> work, Progress progress, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Handle handle = new Handle();
        executor.execute(() -> {
            if (handle.isCancelled()) {
                return;
            }
            long[] lastReport = {0};
            Progress throttled = (fraction, message) -> {
                long now = System.nanoTime();
                if (now - lastReport[0] > 50_000_000L || fraction >= 1) {
                    lastReport[0] = now;
                    Platform.runLater(() -> {
                        if (!handle.isCancelled()) {
                            progress.update(fraction, message);
                        }
                    });
                }
            };
            try {
                T result = work.run(throttled, handle::isCancelled);
                Platform.runLater(() -> {
                    if (!handle.isCancelled()) {
                        onSuccess.accept(result);
                    }
                });
            } catch (Throwable e) {
                Platform.runLater(() -> {
                    if (!handle.isCancelled()) {
                        onFailure.accept(e);
                    }
                });
            }
        });
        return handle;
    }

    @Override
    public void execute(Runnable action) {
        executor.execute(action);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
