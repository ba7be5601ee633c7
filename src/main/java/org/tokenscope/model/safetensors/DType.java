package org.tokenscope.model.safetensors;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The element types a safetensors header may name, spelled as in the file, with their width in
 * bits. The list follows the reference crate ({@code safetensors::Dtype}); F4 and F6 elements
 * are narrower than a byte.
 */
public enum DType {
    BOOL(8),
    F4(4),
    F6_E2M3(6),
    F6_E3M2(6),
    U8(8),
    I8(8),
    F8_E5M2(8),
    F8_E4M3(8),
    F8_E8M0(8),
    F8_E4M3FNUZ(8),
    F8_E5M2FNUZ(8),
    I16(16),
    U16(16),
    F16(16),
    BF16(16),
    I32(32),
    U32(32),
    F32(32),
    C64(64),
    F64(64),
    I64(64),
    U64(64);

    private static final Map<String, DType> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(DType::name, Function.identity()));

    private final int bits;

    DType(int bits) {
        this.bits = bits;
    }

    /** Width of one element in bits (4 for F4, 16 for F16, ...). */
    public int bits() {
        return bits;
    }

    /** The type spelled {@code name} in a header ("F32", "BF16", ...), if there is one. */
    public static Optional<DType> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
