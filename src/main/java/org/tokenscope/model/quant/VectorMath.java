package org.tokenscope.model.quant;

/**
 * The small vector operations of a step outside the weight matrices (attention over the cache: q·k
 * and Σ w·v; the activations), on the same {@link Kernels} as the matrices and the same worker threads.
 */
public final class VectorMath {

    private static final Kernels KERNELS = Kernels.best();

    private VectorMath() {
    }

    /** out[s] = q·k_s for count key rows k_s = k[first + s·stride ..]: attention's scores. */
    public static void scores(float[] q, int qo, float[] k, int first, int stride, int count, int d, float[] out) {
        KERNELS.scores(q, qo, k, first, stride, count, d, out);
    }

    /** out[outOffset + i] = Σ_s w[s]·v[first + s·stride + i] for i below d: attention's weighted values. */
    public static void mix(float[] w, int count, float[] v, int first, int stride, int d, float[] out, int outOffset) {
        KERNELS.mix(w, count, v, first, stride, d, out, outOffset);
    }

    /** x[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) for i in from..to, in place. */
    public static void geluTanh(float[] x, int from, int to) {
        KERNELS.geluTanh(x, from, to);
    }

    /** x[i] = x / (1 + e^−x) for i in from..to, in place. */
    public static void silu(float[] x, int from, int to) {
        KERNELS.silu(x, from, to);
    }

    /** Runs {@code chunk} over rows 0..rows split between the kernels' threads ({@code cost}: values a row touches). */
    public static void parallel(int rows, int cost, RowChunk chunk) {
        Rows.split(rows, cost, chunk::run);
    }

    /** Rows {@code from..to} of a {@link #parallel} job. */
    public interface RowChunk {
        void run(int from, int to);
    }
}
