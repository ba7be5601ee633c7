package org.tokenscope.model.quant;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits work over rows between the calling thread and {@link #THREADS} − 1 workers of its own.
 *
 * <p>A token's step multiplies by some fifty matrices in a row, each in 40–500 µs: handing rows to
 * the common pool through a parallel stream (waking parked workers, joining) cost a large share of
 * that and left the kernels at 8–11 GB/s of weights on two cores. These workers instead spin for
 * {@link #SPIN_NANOS} after each job (long enough to span the norms and attention between two matrices
 * of a step), then park; a job's rows are taken a chunk at a time from one counter, the chunks
 * shrinking as the rows run out, so a worker the operating system holds back costs only its chunk
 * (measured on gpt2's 49 q8 matrices, two cores: 16 GB/s against 8–11 with the parallel stream).
 *
 * <p>One job at a time: a call made while another thread's job runs (two models scoring at once) or
 * from inside a chunk runs its rows on the calling thread alone.
 */
final class Rows {

    /** Below this many weights a matrix is done on the calling thread: handing it out costs more. */
    private static final long PARALLEL_WEIGHTS = 1 << 16;

    /** How long a worker spins for the next job before it parks: {@code -Dtokenscope.spinMicros}, default 300. */
    private static final long SPIN_NANOS = Long.getLong("tokenscope.spinMicros", 300) * 1000;

    /**
     * Threads the Java kernels may use: {@code -Dtokenscope.threads=N}; else 1 when the common pool
     * was asked for no workers ({@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0}, as
     * one-thread benchmarks start the JVM) or the process may run on one core only; else every core.
     */
    static final int THREADS = threads();

    /** The smallest chunk a job hands out is 1 / (LEAST · {@link #THREADS}) of its rows (at least one row). */
    private static final int LEAST = 16;

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static volatile Worker[] workers;

    private Rows() {
    }

    interface Chunk {
        void run(int from, int to);
    }

    static void split(int rows, int cols, Chunk chunk) {
        if (THREADS == 1 || (long) rows * cols < PARALLEL_WEIGHTS || rows < 2 || !BUSY.compareAndSet(false, true)) {
            chunk.run(0, rows);
            return;
        }
        try {
            Job job = new Job(rows, Math.max(1, rows / (LEAST * THREADS)), chunk);
            for (Worker w : workers()) {
                w.offer(job);
            }
            job.work();
            job.await();
        } finally {
            BUSY.set(false);
        }
    }

    private static Worker[] workers() {
        Worker[] w = workers;
        if (w == null) {
            w = new Worker[THREADS - 1];
            for (int i = 0; i < w.length; i++) {
                w[i] = new Worker(i + 1);
                w[i].start();
            }
            workers = w;
        }
        return w;
    }

    /**
     * One call's rows, taken by whoever is free in chunks that shrink as the rows run out: what is
     * left divided by the threads, down to {@code least} (with two threads: half, a quarter, an
     * eighth, …). Each thread reads long runs of consecutive rows, and one the operating system holds
     * back leaves the others only a small last chunk to wait for. Measured against eight equal chunks
     * taken in turn (gpt2 q8, two threads, A/B in one sitting): generation 120–125 → 133–138 tokens/s,
     * the first token's best 18.8–19.3 → 18.1–18.5 ms; Qwen2.5-0.5B 33 → 36, Llama-3.2-1B 13.5–14.8 →
     * 15.2–15.6 tokens/s.
     */
    private static final class Job {
        private final int rows;
        private final int least;
        private final Chunk chunk;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Job(int rows, int least, Chunk chunk) {
            this.rows = rows;
            this.least = least;
            this.chunk = chunk;
        }

        void work() {
            while (true) {
                int from = next.get();
                if (from >= rows) {
                    return;
                }
                int size = Math.min(rows - from, Math.max(least, (rows - from) / THREADS));
                if (!next.compareAndSet(from, from + size)) {
                    continue;
                }
                try {
                    if (failure == null) {
                        chunk.run(from, from + size);
                    }
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    finished.addAndGet(size);
                }
            }
        }

        void await() {
            while (finished.get() < rows) {
                Thread.onSpinWait();
            }
            Throwable e = failure;
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error r) {
                throw r;
            }
        }
    }

    private static final class Worker extends Thread {
        /** The job offered and not yet taken up; cleared once done, so no finished job is held. */
        private final AtomicReference<Job> job = new AtomicReference<>();
        private volatile boolean parked;

        Worker(int index) {
            super("tokenscope-kernel-" + index);
            setDaemon(true);
        }

        void offer(Job j) {
            job.set(j);
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Job j = job.get();
                if (j != null) {
                    j.work();
                    job.compareAndSet(j, null);
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (job.get() == null) { // an offer made after this check sees parked and unparks
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
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
