package org.tokenscope.model.quant;

import java.nio.FloatBuffer;

/**
 * A weight matrix [rows = out, cols = in] held in fewer than 32 bits a weight ({@link Bf16Matrix},
 * {@link Q8Matrix}): what multiplying by it and widening it takes, written once over the one thing
 * the formats differ in — a row's dot product with a float32 vector, and a row widened to float32.
 */
public abstract sealed class PackedMatrix permits Bf16Matrix, Q8Matrix {

    protected final int rows;
    protected final int cols;
    protected final Kernels kernels;

    PackedMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.kernels = Kernels.best();
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Bytes the weights take. */
    public abstract long bytes();

    /** Row {@code r} widened to float32 into {@code dst} from {@code offset}. */
    public abstract void dequantizeRow(int r, float[] dst, int offset);

    /** Row {@code r} · x, x [cols] from {@code xo}. */
    abstract float dotRow(int r, float[] x, int xo);

    /**
     * Rows {@code from..to} widened to float32 into {@code dst} ([to − from, cols], row-major from
     * index 0), rows in parallel: the matrix as an engine's GEMM can take it.
     */
    public final void dequantizeRows(int from, int to, FloatBuffer dst) {
        Rows.split(to - from, cols, (a, b) -> {
            float[] row = new float[cols];
            for (int r = a; r < b; r++) {
                dequantizeRow(from + r, row, 0);
                dst.put(r * cols, row, 0, cols);
            }
        });
    }

    /**
     * Y = X·Wᵀ for a few positions: X [t, cols] -> Y [t, rows], both row-major. Rows of W are read
     * from memory and widened to float32 four at a time, then multiplied by every position while they
     * sit in the L1 cache, a tile of 4 rows × 4 positions in registers (8 loads feed 16 multiply-adds),
     * where {@link #matvec} per position would stream the whole matrix t times and widen every weight
     * t times. X is first copied, and the rows widened, into {@link LineAligned} buffers: loads that
     * straddle two cache lines made the tile up to twice as slow.
     */
    public final void matmul(float[] x, int t, float[] y) {
        if (x.length != t * cols || y.length != t * rows) {
            throw new IllegalArgumentException("matmul of [" + rows + ", " + cols + "] with " + x.length
                    + " inputs into " + y.length + " outputs for " + t + " positions");
        }
        int quadFloats = LineAligned.lines(4 * cols);
        float[] xs = LineAligned.buffer(quadFloats + t * cols); // this thread's quad, then X
        int xo = LineAligned.offset() + quadFloats;
        System.arraycopy(x, 0, xs, xo, t * cols);
        Rows.split((rows + 3) / 4, 4 * cols, (from, to) -> { // in quads of rows: a 4 × 4 register tile
            float[] quad = LineAligned.buffer(quadFloats);   // the caller's is xs: its quad part
            int qo = LineAligned.offset();
            for (int r = 4 * from; r < Math.min(rows, 4 * to); r += 4) {
                if (r + 4 <= rows) {
                    for (int i = 0; i < 4; i++) dequantizeRow(r + i, quad, qo + i * cols);
                    kernels.dotRows4(quad, qo, cols, xs, xo, t, y, r, rows);
                } else {
                    for (int i = r; i < rows; i++) {
                        dequantizeRow(i, quad, qo);
                        kernels.dotPositions(quad, qo, xs, xo, t, cols, y, i, rows);
                    }
                }
            }
        });
    }

    /** y = W·x: [rows, cols] × [cols] -> [rows], x first copied to a {@link LineAligned} buffer. */
    public final void matvec(float[] x, float[] y) {
        if (x.length != cols || y.length != rows) {
            throw new IllegalArgumentException("matvec of [" + rows + ", " + cols + "] with " + x.length
                    + " inputs into " + y.length + " outputs");
        }
        float[] xs = LineAligned.buffer(cols);
        int xo = LineAligned.offset();
        System.arraycopy(x, 0, xs, xo, cols);
        Rows.split(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                y[r] = dotRow(r, xs, xo);
            }
        });
    }
}
