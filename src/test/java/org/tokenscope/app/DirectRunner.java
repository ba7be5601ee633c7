package org.tokenscope.app;

import java.util.function.Consumer;

/** Runs work on the calling thread, so view-model tests are deterministic. */
final class DirectRunner implements TaskRunner {

    @Override
    public <T> Handle submit(Work<T> work, Progress progress, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Handle handle = new Handle();
        T result;
        try {
            result = work.run(progress, handle::isCancelled);
        } catch (Throwable e) {
            onFailure.accept(e);
            return handle;
        }
        onSuccess.accept(result);
        return handle;
    }

    @Override
    public void execute(Runnable action) {
        action.run();
    }
}
