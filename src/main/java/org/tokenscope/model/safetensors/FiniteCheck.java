package org.tokenscope.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import org.tokenscope.model.ModelFormatException;

/**
 * Whether a floating-point tensor holds only finite values. A weight that is NaN or infinite makes
 * every number downstream NaN, so such a file is refused as it loads, naming the tensor, rather than
 * scored into a table of NaN. One pass over the tensor's bytes (already mapped): a value is
 * non-finite exactly when all its exponent bits are set.
 */
public final class FiniteCheck {

    private static final int F32_EXPONENT = 0x7F80_0000;
    private static final int F16_EXPONENT = 0x7C00;
    private static final int BF16_EXPONENT = 0x7F80;

    private FiniteCheck() {
    }

    /**
     * Refuses tensor {@code name} of {@code bundle} when an element is NaN or ±infinity (F32, F16
     * and BF16; other dtypes have no such values and pass).
     *
     * @throws ModelFormatException one sentence naming the file, the tensor and the first bad element
     */
    public static void requireFinite(SafetensorsBundle bundle, String name) throws ModelFormatException {
        requireFinite(String.valueOf(bundle.file(name)), bundle.tensor(name), bundle.data(name));
    }

    /** The same for a tensor of any weight file (safetensors or PyTorch's .bin): its file, description and bytes. */
    public static void requireFinite(String file, TensorInfo info, java.nio.ByteBuffer data) throws ModelFormatException {
        String name = info.name();
        long at = firstNonFinite(data, info.dtype());
        if (at >= 0) {
            throw new ModelFormatException(file + ": tensor '" + name + "' holds a NaN or infinite value"
                    + " (element " + at + " of " + info.elementCount() + "), so the weights are damaged;"
                    + " download or convert them again.");
        }
    }

    /** The index of the first NaN or infinite element of {@code data} read as {@code dtype}, or -1. */
    static long firstNonFinite(ByteBuffer data, DType dtype) {
        ByteBuffer bytes = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> {
                IntBuffer values = bytes.asIntBuffer();
                for (int i = 0, n = values.limit(); i < n; i++) {
                    if ((values.get(i) & F32_EXPONENT) == F32_EXPONENT) {
                        return i;
                    }
                }
            }
            case F16, BF16 -> {
                int exponent = dtype == DType.F16 ? F16_EXPONENT : BF16_EXPONENT;
                ShortBuffer values = bytes.asShortBuffer();
                for (int i = 0, n = values.limit(); i < n; i++) {
                    if ((values.get(i) & exponent) == exponent) {
                        return i;
                    }
                }
            }
            default -> {
                // integers and the like: no NaN to hold
            }
        }
        return -1;
    }
}
