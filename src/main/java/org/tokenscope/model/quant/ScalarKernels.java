package org.tokenscope.model.quant;

/** {@link Kernels} as plain loops: what runs when the Vector API's module is not in the JVM. */
final class ScalarKernels implements Kernels {

    @Override
    public String description() {
        return "scalar (start the JVM with --add-modules jdk.incubator.vector for the Vector API)";
    }

    @Override
    public float dotQ8(byte[] quants, int qOffset, short[] scales, int sOffset, float[] x, int xo, int n) {
        float sum = 0;
        for (int from = 0, block = sOffset; from < n; from += Q8Matrix.BLOCK, block++) {
            int to = Math.min(n, from + Q8Matrix.BLOCK);
            float partial = 0;
            for (int c = from; c < to; c++) {
                partial += x[xo + c] * quants[qOffset + c];
            }
            sum += partial * Float.float16ToFloat(scales[block]);
        }
        return sum;
    }

    @Override
    public int quantizeQ8(float[] x, int n, byte[] q, short[] scales) {
        for (int b = 0, from = 0; from < n; b++, from += Q8Matrix.BLOCK) {
            int bad = quantizeBlock(x, from, Math.min(n, from + Q8Matrix.BLOCK), q, scales, b);
            if (bad >= 0) {
                return bad;
            }
        }
        return -1;
    }

    /** {@link #quantizeQ8}'s block b, columns from..to; returns −1 or the first non-finite column. */
    static int quantizeBlock(float[] x, int from, int to, byte[] q, short[] scales, int b) {
        float amax = 0;
        for (int c = from; c < to; c++) {
            if (!Float.isFinite(x[c])) {
                return c;
            }
            amax = Math.max(amax, Math.abs(x[c]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1 / d : 0;
        for (int c = from; c < to; c++) {
            float v = x[c] * id; // C's roundf: halves away from zero (Math.round sends -2.5 to -2)
            q[c] = (byte) Math.copySign(Math.floor(Math.abs(v) + 0.5f), v);
        }
        scales[b] = Float.floatToFloat16(d);
        return -1;
    }

    @Override
    public void widenQ8(byte[] quants, int qOffset, short[] scales, int sOffset, float[] dst, int dstOffset, int n) {
        for (int c = 0; c < n; c++) {
            dst[dstOffset + c] = Float.float16ToFloat(scales[sOffset + c / Q8Matrix.BLOCK]) * quants[qOffset + c];
        }
    }

    @Override
    public float dotBf16(short[] values, int offset, float[] x, int xo, int n) {
        float sum = 0;
        for (int c = 0; c < n; c++) {
            sum += x[xo + c] * Bf16Matrix.toFloat(values[offset + c]);
        }
        return sum;
    }

    @Override
    public void dotPositions(float[] w, int wo, float[] x, int xo, int t, int n, float[] y, int yOffset, int yStride) {
        for (int p = 0; p < t; p++) {
            float sum = 0;
            for (int c = 0; c < n; c++) {
                sum += w[wo + c] * x[xo + p * n + c];
            }
            y[yOffset + p * yStride] = sum;
        }
    }

    @Override
    public void dotRows4(float[] w, int wo, int n, float[] x, int xo, int t, float[] y, int row, int yStride) {
        for (int r = 0; r < 4; r++) {
            for (int p = 0; p < t; p++) {
                y[p * yStride + row + r] = dot(w, wo + r * n, x, xo + p * n, n);
            }
        }
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    @Override
    public void scores(float[] q, int qo, float[] k, int first, int stride, int count, int d, float[] out) {
        for (int s = 0; s < count; s++) {
            out[s] = dot(q, qo, k, first + s * stride, d);
        }
    }

    @Override
    public void mix(float[] w, int count, float[] v, int first, int stride, int d, float[] out, int outOffset) {
        java.util.Arrays.fill(out, outOffset, outOffset + d, 0f);
        for (int s = 0; s < count; s++) {
            for (int i = 0; i < d; i++) {
                out[outOffset + i] += w[s] * v[first + s * stride + i];
            }
        }
    }

    @Override
    public void geluTanh(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            x[i] = (float) (v / (1 + Math.exp(-2 * Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
    }

    @Override
    public void silu(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = (float) (x[i] / (1 + Math.exp(-x[i])));
        }
    }
}
