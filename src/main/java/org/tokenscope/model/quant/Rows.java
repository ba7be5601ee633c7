package org.tokenscope.model.quant;

import java.util.stream.IntStream;

/** Splits work over rows between the calling thread and the common pool, a chunk of rows per task. */
final class Rows {

    /** Below this many weights a matrix is done on the calling thread: handing it out costs more. */
    private static final long PARALLEL_WEIGHTS = 1 << 16;

    private Rows() {
    }

    interface Chunk {
        void run(int from, int to);
    }

    static void split(int rows, int cols, Chunk chunk) {
        if ((long) rows * cols < PARALLEL_WEIGHTS || rows < 2) {
            chunk.run(0, rows);
            return;
        }
        int tasks = Math.min(rows, 8 * (Runtime.getRuntime().availableProcessors()));
        int per = (rows + tasks - 1) / tasks;
        IntStream.range(0, (rows + per - 1) / per).parallel()
                .forEach(i -> chunk.run(i * per, Math.min(rows, (i + 1) * per)));
    }
}
