package org.tokenscope.model.quant;

import java.util.stream.IntStream;

/** Splits work over rows between the calling thread and the common pool, a chunk of rows per task. */
final class Rows {

    /** Below this many weights a matrix is done on the calling thread: handing it out costs more. */
    private static final long PARALLEL_WEIGHTS = 1 << 16;

    /**
     * Threads the Java kernels may use: {@code -Dtokenscope.threads=N}; else 1 when the common pool
     * was asked for no workers ({@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0}, as
     * one-thread benchmarks start the JVM) or the process may run on one core only; else every core.
     * The property is read here, not the pool's size: since JDK 25 the first use of
     * {@code CompletableFuture} in the process (starting a process does: JNA runs {@code ldconfig}
     * at start-up) raises a common pool of parallelism 0 to 2, and a parallel stream then hands rows to two
     * workers that take turns with the caller on the one core.
     */
    static final int THREADS = threads();

    private Rows() {
    }

    interface Chunk {
        void run(int from, int to);
    }

    static void split(int rows, int cols, Chunk chunk) {
        if (THREADS == 1 || (long) rows * cols < PARALLEL_WEIGHTS || rows < 2) {
            chunk.run(0, rows);
            return;
        }
        int tasks = Math.min(rows, 8 * THREADS);
        int per = (rows + tasks - 1) / tasks;
        IntStream.range(0, (rows + per - 1) / per).parallel()
                .forEach(i -> chunk.run(i * per, Math.min(rows, (i + 1) * per)));
    }

    private static int threads() {
        Integer asked = Integer.getInteger("tokenscope.threads");
        if (asked != null && asked >= 1) {
            return asked;
        }
        if ("0".equals(System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism"))) {
            return 1;
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
