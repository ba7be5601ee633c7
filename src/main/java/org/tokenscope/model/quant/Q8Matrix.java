package org.tokenscope.model.quant;


/**
 * A weight matrix [rows = out, cols = in] in ggml's Q8_0 layout: along each row, blocks of 32
 * values share one scale d = max|x|/127, stored as float16 as ggml stores it, and each value is
 * the int8 q = round(x/d) (half away from zero, as C's {@code roundf}); x ≈ d·q. A row whose
 * length is not a multiple of 32 ends with a shorter block (ggml would refuse such a row).
 *
 * <p>One byte per weight plus a float16 scale per 32 (1/16 byte per weight, as in ggml; float32 scales
 * would add 6% to the bytes a matrix × vector reads, which is bound by memory bandwidth), on the Java
 * heap, in arrays of its own or at its place in an {@link Arena}. Immutable once made; {@link #matvec}
 * spreads rows over the kernels' threads.
 */
public final class Q8Matrix extends PackedMatrix {

    public static final int BLOCK = 32;

    private final int blocksPerRow;
    private final byte[] quants;  // [rows, cols] int8 from quantBase (an array of its own, or an Arena's)
    private final short[] scales; // [rows, blocksPerRow]: float16 bits, from scaleBase
    private final int quantBase;
    private final int scaleBase;

    private Q8Matrix(int rows, int cols, byte[] quants, int quantBase, short[] scales, int scaleBase) {
        super(rows, cols);
        this.blocksPerRow = blocksPerRow(cols);
        this.quants = quants;
        this.scales = scales;
        this.quantBase = quantBase;
        this.scaleBase = scaleBase;
    }

    /**
     * Room for a model's matrices in a few large arrays, laid out before the first is quantized
     * from their shapes in the order they will come: each matrix in an array of its own is a
     * "humongous" object to G1, and with transparent huge pages the 2 MiB page after each one's end
     * stays resident, nearly empty (~130 MiB for Qwen2.5-0.5B's 169 matrices). Arrays of at most
     * {@link #ARENA_BYTES} int8 values (a larger matrix gets one of its own), each exactly as long as
     * what it holds: the JVM zeroes, and so makes resident, every byte it allocates.
     */
    public static final class Arena {
        /** The most int8 values one array holds (fewer, larger arrays would fragment the heap). */
        static final int ARENA_BYTES = 256 << 20;

        private final int[][] shapes; // [rows, cols] in order
        private final int[] array;    // which array each matrix is in
        private final int[] quantAt;
        private final int[] scaleAt;
        private final byte[][] quants;
        private final short[][] scales;
        private int next;

        /** @param shapes each matrix's [rows, cols], in the order {@link #quantize(int, int, RowSource, Arena)} will be called */
        public Arena(java.util.List<int[]> shapes) {
            this(shapes, ARENA_BYTES);
        }

        /** With arrays of at most {@code capacity} int8 values (tests make it small). */
        Arena(java.util.List<int[]> shapes, int capacity) {
            this.shapes = shapes.toArray(new int[0][]);
            this.array = new int[this.shapes.length];
            this.quantAt = new int[this.shapes.length];
            this.scaleAt = new int[this.shapes.length];
            java.util.List<long[]> sizes = new java.util.ArrayList<>(); // [quant bytes, scales] per array
            long[] open = null;
            for (int m = 0; m < this.shapes.length; m++) {
                long q = (long) this.shapes[m][0] * this.shapes[m][1];
                long d = (long) this.shapes[m][0] * blocksPerRow(this.shapes[m][1]);
                if (open == null || open[0] + q > capacity) {
                    open = new long[2];
                    sizes.add(open);
                }
                array[m] = sizes.size() - 1;
                quantAt[m] = Math.toIntExact(open[0]);
                scaleAt[m] = Math.toIntExact(open[1]);
                open[0] += q;
                open[1] += d;
            }
            this.quants = new byte[sizes.size()][];
            this.scales = new short[sizes.size()][];
            for (int a = 0; a < sizes.size(); a++) {
                quants[a] = new byte[Math.toIntExact(sizes.get(a)[0])];
                scales[a] = new short[Math.toIntExact(sizes.get(a)[1])];
            }
        }

        /** How many arrays hold the matrices. */
        int arrays() {
            return quants.length;
        }

        /** The next matrix's place, or null when its shape is not the one laid out (it then gets arrays of its own). */
        private int[] take(int rows, int cols) {
            if (next >= shapes.length || shapes[next][0] != rows || shapes[next][1] != cols) {
                return null;
            }
            int m = next++;
            return new int[] {array[m], quantAt[m], scaleAt[m]};
        }
    }

    /**
     * Quantizes a [rows, cols] matrix read row by row from {@code source}, rows in parallel.
     *
     * @throws IllegalArgumentException naming the row and column of a value that is NaN or
     *     infinite, or when the matrix has more than 2³¹ − 1 values
     */
    public static Q8Matrix quantize(int rows, int cols, RowSource source) {
        return quantize(rows, cols, source, null);
    }

    /** As {@link #quantize(int, int, RowSource)}, into the next place laid out in {@code arena} (when not null). */
    public static Q8Matrix quantize(int rows, int cols, RowSource source, Arena arena) {
        if (rows < 1 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot hold a " + rows + " × " + cols + " matrix in 8 bits");
        }
        int perRow = blocksPerRow(cols);
        int[] place = arena == null ? null : arena.take(rows, cols);
        byte[] quants = place == null ? new byte[rows * cols] : arena.quants[place[0]];
        short[] scales = place == null ? new short[rows * perRow] : arena.scales[place[0]];
        int quantBase = place == null ? 0 : place[1];
        int scaleBase = place == null ? 0 : place[2];
        Rows.split(rows, cols, (from, to) -> {
            float[] row = new float[cols];
            byte[] q = new byte[cols];
            short[] d = new short[perRow];
            for (int r = from; r < to; r++) {
                source.row(r, row);
                quantizeRow(row, q, d, r);
                System.arraycopy(q, 0, quants, quantBase + r * cols, cols);
                System.arraycopy(d, 0, scales, scaleBase + r * perRow, perRow);
            }
        });
        return new Q8Matrix(rows, cols, quants, quantBase, scales, scaleBase);
    }

    /** One row in Q8_0 ({@link Kernels#quantizeQ8}), naming the first value that is NaN or infinite. */
    static void quantizeRow(float[] x, byte[] q, short[] scales, int rowIndex) {
        int bad = Kernels.best().quantizeQ8(x, x.length, q, scales);
        if (bad >= 0) {
            throw new IllegalArgumentException("row " + rowIndex + ", column " + bad + " holds " + x[bad]
                    + ", which 8-bit weights cannot hold");
        }
    }

    static int blocksPerRow(int cols) {
        return (cols + BLOCK - 1) / BLOCK;
    }

    /** The stored int8 value at (r, c). */
    public byte quant(int r, int c) {
        return quants[quantBase + r * cols + c];
    }

    /** The scale of the block holding column {@code c} of row {@code r}. */
    public float scale(int r, int c) {
        return Float.float16ToFloat(scales[scaleBase + r * blocksPerRow + c / BLOCK]);
    }

    /** Bytes held: the int8 values and the scales. */
    @Override
    public long bytes() {
        return (long) rows * cols + 2L * rows * blocksPerRow;
    }

    /** Row {@code r} widened to float32 (d·q) into {@code dst} from {@code offset}. */
    @Override
    public void dequantizeRow(int r, float[] dst, int offset) {
        kernels.widenQ8(quants, quantBase + r * cols, scales, scaleBase + r * blocksPerRow, dst, offset, cols);
    }

    /** Row {@code r}'s dot product with x from its int8 blocks. */
    @Override
    float dotRow(int r, float[] x, int xo) {
        return kernels.dotQ8(quants, quantBase + r * cols, scales, scaleBase + r * blocksPerRow, x, xo, cols);
    }

    /** Which kernel {@link #matvec} runs on this JVM: "Vector API, 512-bit", or "scalar ...". */
    public static String kernel() {
        return Kernels.best().description();
    }
}
