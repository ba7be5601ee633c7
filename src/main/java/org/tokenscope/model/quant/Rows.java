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
 * of a step), then park; a job's rows are taken a chunk at a time from one counter, so a worker the
 * operating system holds back costs only its chunk (measured on gpt2's 49 q8 matrices, two cores:
 * 16 GB/s against 8–11 with the parallel stream).
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
            Job job = new Job(rows, Math.min(rows, 4 * THREADS), chunk);
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

    /** One call's rows in {@code chunks} chunks, taken in turn by whoever is free. */
    private static final class Job {
        private final int rows;
        private final int chunks;
        private final Chunk chunk;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Job(int rows, int chunks, Chunk chunk) {
            this.rows = rows;
            this.chunks = chunks;
            this.chunk = chunk;
        }

        void work() {
            for (int i = next.getAndIncrement(); i < chunks; i = next.getAndIncrement()) {
                try {
                    if (failure == null) {
                        chunk.run((int) ((long) rows * i / chunks), (int) ((long) rows * (i + 1) / chunks));
                    }
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        void await() {
            while (finished.get() < chunks) {
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
