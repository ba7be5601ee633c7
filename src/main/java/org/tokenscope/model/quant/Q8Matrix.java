package org.tokenscope.model.quant;


/**
 * A weight matrix [rows = out, cols = in] in ggml's Q8_0 layout: along each row, blocks of 32
 * values share one scale d = max|x|/127, stored as float16 as ggml stores it, and each value is
 * the int8 q = round(x/d) (half away from zero, as C's {@code roundf}); x ≈ d·q. A row whose
 * length is not a multiple of 32 ends with a shorter block (ggml would refuse such a row).
 *
 * <p>One byte per weight plus a float16 scale per 32 (1/16 byte per weight, as in ggml; float32 scales
 * would add 6% to the bytes a matrix × vector reads, which is bound by memory bandwidth), on the Java heap. Immutable once made; {@link #matvec} spreads rows over the
 * common pool.
 */
public final class Q8Matrix extends PackedMatrix {

    public static final int BLOCK = 32;

    private final int blocksPerRow;
    private final byte[] quants; // [rows, cols] int8
    private final short[] scales; // [rows, blocksPerRow]: float16 bits

    private Q8Matrix(int rows, int cols, byte[] quants, short[] scales) {
        super(rows, cols);
        this.blocksPerRow = blocksPerRow(cols);
        this.quants = quants;
        this.scales = scales;
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
        short[] scales = new short[rows * perRow];
        Rows.split(rows, cols, (from, to) -> {
            float[] row = new float[cols];
            byte[] q = new byte[cols];
            short[] d = new short[perRow];
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
    static void quantizeRow(float[] x, byte[] q, short[] scales, int rowIndex) {
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
            scales[b] = Float.floatToFloat16(d);
        }
    }

    /** C's {@code roundf}: halves go away from zero (Java's {@link Math#round} sends -2.5 to -2). */
    static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs(v) + 0.5f), v);
    }

    static int blocksPerRow(int cols) {
        return (cols + BLOCK - 1) / BLOCK;
    }

    /** The stored int8 value at (r, c). */
    public byte quant(int r, int c) {
        return quants[r * cols + c];
    }

    /** The scale of the block holding column {@code c} of row {@code r}. */
    public float scale(int r, int c) {
        return Float.float16ToFloat(scales[r * blocksPerRow + c / BLOCK]);
    }

    /** Bytes held: the int8 values and the scales. */
    @Override
    public long bytes() {
        return quants.length + 2L * scales.length;
    }

    /** Row {@code r} widened to float32 (d·q) into {@code dst} from {@code offset}. */
    @Override
    public void dequantizeRow(int r, float[] dst, int offset) {
        kernels.widenQ8(quants, r * cols, scales, r * blocksPerRow, dst, offset, cols);
    }

    /** Row {@code r}'s dot product with x from its int8 blocks. */
    @Override
    float dotRow(int r, float[] x) {
        return kernels.dotQ8(quants, r * cols, scales, r * blocksPerRow, x, cols);
    }

    /** Which kernel {@link #matvec} runs on this JVM: "Vector API, 512-bit", or "scalar ...". */
    public static String kernel() {
        return Kernels.best().description();
    }
}
