package org.tokenscope.model.quant;

import java.nio.FloatBuffer;

/**
 * A weight matrix [rows = out, cols = in] in ggml's Q8_0 layout: along each row, blocks of 32
 * values share one scale d = max|x|/127, stored as float16 as ggml stores it, and each value is
 * the int8 q = round(x/d) (half away from zero, as C's {@code roundf}); x ≈ d·q. A row whose
 * length is not a multiple of 32 ends with a shorter block (ggml would refuse such a row).
 *
 * <p>One byte per weight plus a scale per 32 (held as the float32 value of its float16: 1/8 byte
 * per weight), on the Java heap. Immutable once made; {@link #matvec} spreads rows over the
 * common pool.
 */
public final class Q8Matrix {

    public static final int BLOCK = 32;

    private final int rows;
    private final int cols;
    private final int blocksPerRow;
    private final byte[] quants; // [rows, cols] int8
    private final float[] scales; // [rows, blocksPerRow]: float16 values
    private final Kernels kernels;

    private Q8Matrix(int rows, int cols, byte[] quants, float[] scales) {
        this.rows = rows;
        this.cols = cols;
        this.blocksPerRow = blocksPerRow(cols);
        this.quants = quants;
        this.scales = scales;
        this.kernels = Kernels.best();
    }

    /**
     * Quantizes a [rows, cols] matrix read row by row from {@code source}, rows in parallel.
     *
     * @throws IllegalArgumentException naming the row and column of a value that is NaN or
     *     infinite, or when the matrix has more than 2³¹ − 1 values
     */
    public static Q8Matrix quantize(int rows, int cols, RowSource source) {
        if (rows < 1 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot hold a " + rows + " × " + cols + " matrix in 8 bits");
        }
        int perRow = blocksPerRow(cols);
        byte[] quants = new byte[rows * cols];
        float[] scales = new float[rows * perRow];
        Rows.split(rows, cols, (from, to) -> {
            float[] row = new float[cols];
            byte[] q = new byte[cols];
            float[] d = new float[perRow];
            for (int r = from; r < to; r++) {
                source.row(r, row);
                quantizeRow(row, q, d, r);
                System.arraycopy(q, 0, quants, r * cols, cols);
                System.arraycopy(d, 0, scales, r * perRow, perRow);
            }
        });
        return new Q8Matrix(rows, cols, quants, scales);
    }

    /**
     * One row in Q8_0, as ggml's {@code quantize_row_q8_0_ref}: per block d = amax/127, id = 1/d
     * (0 for an all-zero block), q = roundf(x·id), and d kept as float16.
     */
    static void quantizeRow(float[] x, byte[] q, float[] scales, int rowIndex) {
        for (int b = 0, from = 0; from < x.length; b++, from += BLOCK) {
            int to = Math.min(x.length, from + BLOCK);
            float amax = 0;
            for (int c = from; c < to; c++) {
                if (!Float.isFinite(x[c])) {
                    throw new IllegalArgumentException("row " + rowIndex + ", column " + c + " holds " + x[c]
                            + ", which 8-bit weights cannot hold");
                }
                amax = Math.max(amax, Math.abs(x[c]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1 / d : 0;
            for (int c = from; c < to; c++) {
                q[c] = (byte) roundHalfAway(x[c] * id);
            }
            scales[b] = Float.float16ToFloat(Float.floatToFloat16(d));
        }
    }

    /** C's {@code roundf}: halves go away from zero (Java's {@link Math#round} sends -2.5 to -2). */
    static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs(v) + 0.5f), v);
    }

    static int blocksPerRow(int cols) {
        return (cols + BLOCK - 1) / BLOCK;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The stored int8 value at (r, c). */
    public byte quant(int r, int c) {
        return quants[r * cols + c];
    }

    /** The scale of the block holding column {@code c} of row {@code r}. */
    public float scale(int r, int c) {
        return scales[r * blocksPerRow + c / BLOCK];
    }

    /** Bytes held: the int8 values and the scales. */
    public long bytes() {
        return quants.length + 4L * scales.length;
    }

    /** Row {@code r} widened to float32 (d·q) into {@code dst} from {@code offset}. */
    public void dequantizeRow(int r, float[] dst, int offset) {
        kernels.widenQ8(quants, r * cols, scales, r * blocksPerRow, dst, offset, cols);
    }

    /**
     * Rows {@code from..to} widened to float32 into {@code dst} ([to − from, cols], row-major from
     * index 0), rows in parallel: the matrix as an engine's GEMM can take it.
     */
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
                    y[p * rows + r] = kernels.dotQ8(quants, r * cols, scales, r * blocksPerRow, xp, cols);
                }
            }
        });
    }

    /** y = W·x: [rows, cols] × [cols] -> [rows], each row's dot product from its int8 blocks. */
    public void matvec(float[] x, float[] y) {
        if (x.length != cols || y.length != rows) {
            throw new IllegalArgumentException("matvec of [" + rows + ", " + cols + "] with " + x.length
                    + " inputs into " + y.length + " outputs");
        }
        Rows.split(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                y[r] = kernels.dotQ8(quants, r * cols, scales, r * blocksPerRow, x, cols);
            }
        });
    }

    /** Which kernel {@link #matvec} runs on this JVM: "Vector API, 512-bit", or "scalar ...". */
    public static String kernel() {
        return Kernels.best().description();
    }
}
