package org.tokenscope.model.quant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tokenscope.model.safetensors.DType;

/**
 * A 2-D tensor as a safetensors file stores it (F32, F16 or BF16, little-endian, row-major), read
 * as the rows of W [out, in]. A tensor stored [in, out] (GPT-2's Conv1D) is transposed first, once,
 * through a float32 copy (the largest such is a few tens of MB); one stored [out, in] is read a row
 * at a time straight from the (mapped) buffer, so a 128k-token embedding is never widened whole.
 * Made from a {@link Reader} instead, the rows are read a block of about 1 MiB at a time into a buffer
 * each thread reuses: loading quantizes a 4.7 GB float32 file without its pages counting in the
 * process's memory (through a mapping they stayed resident until the garbage collector let go of it).
 */
public final class TensorRows implements RowSource {

    /** Reads bytes of the stored tensor from a byte offset into {@code dst}, up to its limit. */
    @FunctionalInterface
    public interface Reader {
        void read(long offset, ByteBuffer dst) throws IOException;
    }

    private static final int BLOCK_BYTES = 1 << 20;
    /** Each thread's block of rows read last: reused from tensor to tensor. */
    private static final ThreadLocal<Block> BLOCKS = ThreadLocal.withInitial(Block::new);

    private static final class Block {
        TensorRows owner;
        int first;
        int count;
        ByteBuffer bytes = ByteBuffer.allocate(0);
    }

    private final ByteBuffer data;    // the mapped bytes, or null when read through reader
    private final Reader reader;
    private final DType dtype;
    private final int out;
    private final int in;
    private final float[] transposed; // [out, in] when the file holds [in, out], else null

    private TensorRows(ByteBuffer data, DType dtype, int out, int in, float[] transposed) {
        this(data, null, dtype, out, in, transposed);
    }

    private TensorRows(ByteBuffer data, Reader reader, DType dtype, int out, int in, float[] transposed) {
        this.data = data;
        this.reader = reader;
        this.dtype = dtype;
        this.out = out;
        this.in = in;
        this.transposed = transposed;
    }

    /**
     * @param storedInOut whether the file holds [in, out] (Conv1D) rather than [out, in] (nn.Linear)
     * @param shape the stored shape, two dimensions
     */
    public static TensorRows of(ByteBuffer data, DType dtype, long[] shape, boolean storedInOut) {
        check(dtype, shape);
        ByteBuffer le = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        TensorRows stored = new TensorRows(le, dtype, rows, cols, null);
        return storedInOut ? transpose(stored, rows, cols, le) : stored;
    }

    private static void check(DType dtype, long[] shape) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("a weight matrix has two dimensions, not " + shape.length);
        }
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("weights must be F32, F16 or BF16, not " + dtype);
        }
    }

    /** {@code stored} ([rows, cols] = [in, out]) as the rows of W [out, in], through one float32 copy. */
    private static TensorRows transpose(TensorRows stored, int rows, int cols, ByteBuffer data) {
        float[] t = new float[Math.multiplyExact(rows, cols)];
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            stored.row(i, row);
            for (int o = 0; o < cols; o++) {
                t[o * rows + i] = row[o];
            }
        }
        return new TensorRows(data, null, stored.dtype, cols, rows, t);
    }

    /** The same, the tensor's bytes read through {@code reader} a block of rows at a time. */
    public static TensorRows of(Reader reader, DType dtype, long[] shape, boolean storedInOut) {
        check(dtype, shape);
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        TensorRows stored = new TensorRows(null, reader, dtype, rows, cols, null);
        return storedInOut ? transpose(stored, rows, cols, null) : stored;
    }

    public int out() {
        return out;
    }

    public int in() {
        return in;
    }

    public DType dtype() {
        return dtype;
    }

    /** The stored bytes, when they are W [out, in] as is (not transposed): a BF16 tensor kept bit for bit. */
    public ByteBuffer rawOutIn() {
        if (transposed != null || data == null) {
            throw new IllegalStateException(transposed != null ? "stored transposed" : "read in blocks, not mapped");
        }
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public boolean transposedAtLoad() {
        return transposed != null;
    }

    @Override
    public void row(int r, float[] dst) {
        if (transposed != null) {
            System.arraycopy(transposed, r * in, dst, 0, in);
            return;
        }
        ByteBuffer data = this.data;
        int at = Math.multiplyExact(r, in); // element index of the row's first value
        if (data == null) {
            Block block = block(r);
            data = block.bytes;
            at = (r - block.first) * in;
        }
        switch (dtype) {
            case F32 -> data.asFloatBuffer().get(at, dst, 0, in);
            case F16, BF16 -> {
                short[] bits = new short[in];
                data.asShortBuffer().get(at, bits, 0, in);
                for (int c = 0; c < in; c++) {
                    dst[c] = dtype == DType.F16 ? Float.float16ToFloat(bits[c]) : Bf16Matrix.toFloat(bits[c]);
                }
            }
            default -> throw new IllegalStateException(dtype.toString());
        }
    }

    /** This thread's block of rows holding row {@code r}, read from the file if it does not hold it yet. */
    private Block block(int r) {
        Block b = BLOCKS.get();
        if (b.owner == this && r >= b.first && r < b.first + b.count) {
            return b;
        }
        int rowBytes = in * (dtype.bits() / 8);
        int count = Math.max(1, Math.min(out - r, BLOCK_BYTES / rowBytes));
        if (b.bytes.capacity() < count * rowBytes) {
            b.bytes = ByteBuffer.allocate(Math.max(BLOCK_BYTES, rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        }
        b.owner = null;
        b.bytes.clear().limit(count * rowBytes);
        try {
            reader.read((long) r * rowBytes, b.bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        b.bytes.clear();
        b.owner = this;
        b.first = r;
        b.count = count;
        return b;
    }
}
