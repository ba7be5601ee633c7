package org.tokenscope.model.quant;

/**
 * The inner loops of matrix × vector on stored weights: one output row's dot product with the
 * input, and the widening of a row back to float32. Two implementations: {@code VectorKernels}
 * with Java's Vector API (the CPU's widest SIMD registers) when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, and {@link ScalarKernels}, plain loops, otherwise
 * (a bare {@code java -jar}): the same numbers up to float rounding order, only slower.
 */
interface Kernels {

    /** The kernels this JVM can run: the Vector API's when its module is there, else the scalar ones. */
    static Kernels best() {
        return Holder.BEST;
    }

    /** What runs, for {@code bench} and the logs: "Vector API, 512-bit" or "scalar". */
    String description();

    /**
     * Σ_c x[xOffset + c]·scale[c/32]·q[c] over one Q8_0 row of {@code n} values: its int8 values from
     * {@code quants[qOffset]}, its block scales (float16 bits) from {@code scales[sOffset]}.
     */
    float dotQ8(byte[] quants, int qOffset, short[] scales, int sOffset, float[] x, int xOffset, int n);

    /**
     * One row x [n] in Q8_0, as ggml's {@code quantize_row_q8_0_ref}: per block of 32 (the last may be
     * shorter) d = amax/127, id = 1/d (0 for an all-zero block), q = roundf(x·id) into {@code q}, and d
     * as float16 bits into {@code scales}. Returns −1, or the first column whose value is NaN or
     * infinite (then what was written is not to be used).
     */
    int quantizeQ8(float[] x, int n, byte[] q, short[] scales);

    /** One Q8_0 row of {@code n} values widened to float32 (scale·q) into {@code dst[dstOffset]}. */
    void widenQ8(byte[] quants, int qOffset, short[] scales, int sOffset, float[] dst, int dstOffset, int n);

    /** Σ_c x[xOffset + c]·w[c] over one row of {@code n} bfloat16 values from {@code values[offset]}. */
    float dotBf16(short[] values, int offset, float[] x, int xOffset, int n);

    /**
     * One float32 row w [n] from {@code wo} against t positions x [t, n] (row-major from {@code xo}):
     * y[yOffset + p·yStride] = Σ_c w[wo + c]·x[xo + p·n + c]. The row of a matrix × a few positions,
     * once the row is widened.
     */
    void dotPositions(float[] w, int wo, float[] x, int xo, int t, int n, float[] y, int yOffset, int yStride);

    /**
     * Four float32 rows w [4, n] from {@code wo} against t positions x [t, n] from {@code xo}:
     * y[p·yStride + row + r] = Σ_c w[wo + r·n + c]·x[xo + p·n + c]. Four rows of a matrix × a few
     * positions, once the rows are widened (a register tile of 4 × 4).
     */
    void dotRows4(float[] w, int wo, int n, float[] x, int xo, int t, float[] y, int row, int yStride);

    /** Σ_i a[ao + i]·b[bo + i] over n values. */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /**
     * out[s] = Σ_i q[qo + i]·k[first + s·stride + i] for s below count, i below d: a query against
     * count key rows.
     */
    void scores(float[] q, int qo, float[] k, int first, int stride, int count, int d, float[] out);

    /**
     * out[outOffset + i] = Σ_s w[s]·v[first + s·stride + i] for i below d, s below count, added in the
     * order of s (as y += w[s]·row, row by row, into a zeroed out; the sums held in registers).
     */
    void mix(float[] w, int count, float[] v, int first, int stride, int d, float[] out, int outOffset);

    /** x[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) for i in from..to, in place (gelu_new). */
    void geluTanh(float[] x, int from, int to);

    /** x[i] = x / (1 + e^−x) for i in from..to, in place (SiLU). */
    void silu(float[] x, int from, int to);

    final class Holder {
        static final Kernels BEST = load();

        private Holder() {
        }

        private static Kernels load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()
                    || Boolean.getBoolean("tokenscope.scalarKernels")) {
                return new ScalarKernels();
            }
            try { // by name: this class must load even where the module is absent
                return (Kernels) Class.forName("org.tokenscope.model.quant.VectorKernels")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new ScalarKernels();
            }
        }
    }
}
