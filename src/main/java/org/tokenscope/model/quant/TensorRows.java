package org.tokenscope.model.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tokenscope.model.safetensors.DType;

/**
 * A 2-D tensor as a safetensors file stores it (F32, F16 or BF16, little-endian, row-major), read
 * as the rows of W [out, in]. A tensor stored [in, out] (GPT-2's Conv1D) is transposed first, once,
 * through a float32 copy (the largest such is a few tens of MB); one stored [out, in] is read a row
 * at a time straight from the (mapped) buffer, so a 128k-token embedding is never widened whole.
 */
public final class TensorRows implements RowSource {

    private final ByteBuffer data;
    private final DType dtype;
    private final int out;
    private final int in;
    private final float[] transposed; // [out, in] when the file holds [in, out], else null

    private TensorRows(ByteBuffer data, DType dtype, int out, int in, float[] transposed) {
        this.data = data;
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
        if (shape.length != 2) {
            throw new IllegalArgumentException("a weight matrix has two dimensions, not " + shape.length);
        }
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("weights must be F32, F16 or BF16, not " + dtype);
        }
        ByteBuffer le = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        if (!storedInOut) {
            return new TensorRows(le, dtype, rows, cols, null);
        }
        TensorRows stored = new TensorRows(le, dtype, rows, cols, null); // [in, out]
        float[] t = new float[Math.multiplyExact(rows, cols)];
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            stored.row(i, row);
            for (int o = 0; o < cols; o++) {
                t[o * rows + i] = row[o];
            }
        }
        return new TensorRows(le, dtype, cols, rows, t);
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
        if (transposed != null) {
            throw new IllegalStateException("stored transposed");
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
        int at = Math.multiplyExact(r, in); // element index of the row's first value
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
}
