package org.tokenscope.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The element types the fixtures write, named as safetensors names them. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytesPerElement() {
        return bytes;
    }

    /** The nearest value this type can hold (round to nearest, ties to even), as a float. */
    public float round(float x) {
        return switch (this) {
            case F32 -> x;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(x));
            case BF16 -> Float.intBitsToFloat(bf16Bits(x) << 16);
        };
    }

    /** Little-endian bytes of {@code values} in this type. */
    public byte[] encode(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (this) {
                case F32 -> out.putFloat(v);
                case F16 -> out.putShort(Float.floatToFloat16(v));
                case BF16 -> out.putShort((short) bf16Bits(v));
            }
        }
        return out.array();
    }

    /** Top 16 bits of the float, rounded to nearest even (what torch's .to(bfloat16) does). */
    private static int bf16Bits(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (bits >>> 16) | 0x40; // keep it a quiet NaN
        }
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }
}
