package org.tokenscope.model.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A weight matrix [rows = out, cols = in] kept as bfloat16 (the high 16 bits of a float32), half
 * the bytes of float32: a BF16 checkpoint is copied bit for bit; F32 and F16 values are rounded to
 * the nearest bfloat16 (ties to even, as torch's {@code .to(torch.bfloat16)} does). Immutable once
 * made, on the Java heap.
 */
public final class Bf16Matrix extends PackedMatrix {

    private final short[] values; // [rows, cols] bfloat16 bits

    private Bf16Matrix(int rows, int cols, short[] values) {
        super(rows, cols);
        this.values = values;
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

    @Override
    public long bytes() {
        return 2L * values.length;
    }

    public float get(int r, int c) {
        return toFloat(values[r * cols + c]);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int offset) {
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
            dst[offset + c] = toFloat(values[base + c]);
        }
    }

    @Override
    float dotRow(int r, float[] x, int xo) {
        return kernels.dotBf16(values, r * cols, x, xo, cols);
    }
}
