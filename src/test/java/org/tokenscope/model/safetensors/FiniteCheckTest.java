package org.tokenscope.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TensorPatch;
import org.tokenscope.testing.TinyGpt2;

/** A weight file holding NaN or infinity is refused as it loads, naming the tensor, in every float dtype. */
class FiniteCheckTest {

    @TempDir
    Path dir;

    private static ByteBuffer f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.flip();
    }

    private static ByteBuffer shorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putShort((short) v);
        return b.flip();
    }

    @Test
    void findsTheFirstNonFiniteElementInEachFloatType() {
        assertThat(FiniteCheck.firstNonFinite(f32(1f, -2f, Float.MAX_VALUE, -Float.MIN_VALUE), DType.F32)).isEqualTo(-1);
        assertThat(FiniteCheck.firstNonFinite(f32(1f, Float.NaN, 3f), DType.F32)).isEqualTo(1);
        assertThat(FiniteCheck.firstNonFinite(f32(0f, 0f, Float.NEGATIVE_INFINITY), DType.F32)).isEqualTo(2);
        // F16: 0x3C00 = 1, 0x7BFF = 65504 (largest), 0x7C00 = +inf, 0xFE00 = NaN
        assertThat(FiniteCheck.firstNonFinite(shorts(0x3C00, 0x7BFF, 0xFBFF), DType.F16)).isEqualTo(-1);
        assertThat(FiniteCheck.firstNonFinite(shorts(0x3C00, 0x7C00), DType.F16)).isEqualTo(1);
        assertThat(FiniteCheck.firstNonFinite(shorts(0xFE00), DType.F16)).isZero();
        // BF16: the top half of an F32
        assertThat(FiniteCheck.firstNonFinite(shorts(0x3F80, 0x7F7F), DType.BF16)).isEqualTo(-1);
        assertThat(FiniteCheck.firstNonFinite(shorts(0x3F80, 0x7FC0), DType.BF16)).isEqualTo(1);
        assertThat(FiniteCheck.firstNonFinite(shorts(0x7C00), DType.I16)).isEqualTo(-1); // integers hold no NaN
    }

    @Test
    void aWeightFileWithNaNIsRefusedNamingTheTensor() throws Exception {
        Path folder = CheckpointWriter.write(TinyGpt2.random(3, 2, 4, 32, 64, 50257), dir.resolve("nan"));
        TensorPatch.setF32(folder.resolve("model.safetensors"), "h.1.mlp.c_fc.weight", 7, 8, Float.NaN);

        assertThatThrownBy(() -> LanguageModel.load(folder, "nan").close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("tensor 'h.1.mlp.c_fc.weight' holds a NaN or infinite value (element 7 of 4096)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anInfiniteWeightIsRefusedToo() throws Exception {
        Path folder = CheckpointWriter.write(TinyGpt2.random(4, 2, 4, 32, 64, 50257), dir.resolve("inf"));
        TensorPatch.setF32(folder.resolve("model.safetensors"), "wpe.weight", 0, 1, Float.POSITIVE_INFINITY);

        assertThatThrownBy(() -> LanguageModel.load(folder, "inf").close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'wpe.weight' holds a NaN or infinite value (element 0 of");
    }
}
