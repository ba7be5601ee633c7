package org.tokenscope.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a model's weight matrices are held and multiplied, chosen at load time ({@code --weights}).
 * Embedding lookups, norms and biases are float32 in every format; the formats differ in the 2-D
 * matrices of the linear layers and the output head.
 */
public enum WeightFormat {
    /** float32, as the engine multiplies them (F16 and BF16 files widened once). */
    F32("f32"),
    /**
     * bfloat16, half the bytes: a BF16 file as is, F32/F16 rounded to the nearest; one token at a
     * time multiplies them in Java without widening, longer inputs widen a block of rows at a time
     * for the engine's GEMM.
     */
    BF16("bf16"),
    /**
     * ggml's Q8_0: int8 values with a float16 scale per 32 along the input, about 1.06 bytes a
     * weight (a quarter of float32); the token embedding too, whose lookups widen one row each.
     */
    Q8("q8");

    private final String label;

    WeightFormat(String label) {
        this.label = label;
    }

    /** What {@code --weights} and JSON call it: "f32", "bf16" or "q8". */
    public String label() {
        return label;
    }

    /** "f32", "bf16" or "q8" (any case) as a format; one clear sentence otherwise. */
    public static WeightFormat parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (WeightFormat f : values()) {
            if (f.label.equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown weights '" + text + "': choose one of "
                + Arrays.stream(values()).map(WeightFormat::label).collect(Collectors.joining(", ")) + ".");
    }

    @Override
    public String toString() {
        return label;
    }
}
