package org.tokenscope.model.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A weight matrix [rows = out, cols = in] kept as bfloat16 (the high 16 bits of a float32), half
 * the bytes of float32: a BF16 checkpoint is copied bit for bit; F32 and F16 values are rounded to
 * the nearest bfloat16 (ties to even, as torch's {@code .to(torch.bfloat16)} does). Immutable once
 * made, on the Java heap.
 */
public final class Bf16Matrix {

    private final int rows;
    private final int cols;
    private final short[] values; // [rows, cols] bfloat16 bits
    private final Kernels kernels;

    private Bf16Matrix(int rows, int cols, short[] values) {
        this.rows = rows;
        this.cols = cols;
        this.values = values;
        this.kernels = Kernels.best();
    }

    /** Rounds a [rows, cols] matrix read row by row to bfloat16. */
    public static Bf16Matrix round(int rows, int cols, RowSource source) {
        short[] values = new short[checkedSize(rows, cols)];
        Rows.split(rows, cols, (from, to) -> {
            float[] row = new float[cols];
            for (int r = from; r < to; r++) {
                source.row(r, row);
                for (int c = 0; c < cols; c++) {
                    values[r * cols + c] = toBf16(row[c]);
                }
            }
        });
        return new Bf16Matrix(rows, cols, values);
    }

    /** Copies a row-major [rows, cols] BF16 tensor as a safetensors file stores it (little-endian). */
    public static Bf16Matrix copyOf(int rows, int cols, ByteBuffer bf16) {
        short[] values = new short[checkedSize(rows, cols)];
        if (bf16.remaining() != 2L * values.length) {
            throw new IllegalArgumentException("expected " + 2L * values.length + " bytes, got " + bf16.remaining());
        }
        bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(values);
        return new Bf16Matrix(rows, cols, values);
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot hold a " + rows + " × " + cols + " matrix in 16 bits");
        }
        return rows * cols;
    }

    /** float32 -> bfloat16, round to nearest, ties to even; NaN stays NaN. */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public long bytes() {
        return 2L * values.length;
    }

    public float get(int r, int c) {
        return toFloat(values[r * cols + c]);
    }

    /** Row {@code r} widened to float32 into {@code dst} from {@code offset}. */
    public void dequantizeRow(int r, float[] dst, int offset) {
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
            dst[offset + c] = toFloat(values[base + c]);
        }
    }

    /** Rows {@code from..to} widened to float32 into {@code dst} ([to − from, cols] from index 0). */
    public void dequantizeRows(int from, int to, FloatBuffer dst) {
        Rows.split(to - from, cols, (a, b) -> {
            float[] row = new float[cols];
            for (int r = a; r < b; r++) {
                dequantizeRow(from + r, row, 0);
                dst.put(r * cols, row, 0, cols);
            }
        });
    }

    /**
     * Y = X·Wᵀ for a few positions: X [t, cols] -> Y [t, rows], both row-major. Each row of W is
     * read from memory once and multiplied by every position while it sits in the L1 cache, where
     * {@link #matvec} per position would stream the whole matrix t times.
     */
    public void matmul(float[] x, int t, float[] y) {
        if (x.length != t * cols || y.length != t * rows) {
            throw new IllegalArgumentException("matmul of [" + rows + ", " + cols + "] with " + x.length
                    + " inputs into " + y.length + " outputs for " + t + " positions");
        }
        float[][] positions = new float[t][];
        for (int p = 0; p < t; p++) {
            positions[p] = java.util.Arrays.copyOfRange(x, p * cols, (p + 1) * cols);
        }
        Rows.split(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int p = 0; p < t; p++) {
                    float[] xp = positions[p];
                    y[p * rows + r] = kernels.dotBf16(values, r * cols, xp, cols);
                }
            }
        });
    }

    /** y = W·x: [rows, cols] × [cols] -> [rows]. */
    public void matvec(float[] x, float[] y) {
        if (x.length != cols || y.length != rows) {
            throw new IllegalArgumentException("matvec of [" + rows + ", " + cols + "] with " + x.length
                    + " inputs into " + y.length + " outputs");
        }
        Rows.split(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                y[r] = kernels.dotBf16(values, r * cols, x, cols);
            }
        });
    }
}
