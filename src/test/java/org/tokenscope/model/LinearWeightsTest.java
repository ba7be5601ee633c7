package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tokenscope.model.quant.Bf16Matrix;
import org.tokenscope.model.quant.TensorRows;
import org.tokenscope.model.safetensors.DType;

/**
 * Every weight format's linear layer through the real engine, against a double-precision product
 * with the matrix the format holds (read back element by element): one position (the Java kernel),
 * several (widened blocks and the engine's GEMM, split over a small scratch buffer), and lookups.
 */
class LinearWeightsTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static final int IN = 200;   // six blocks of 32 and a short one
    private static final int OUT = 150;

    /** W stored [in, out] as GPT-2's Conv1D in the given dtype, with its float32 values [out][in]. */
    private record Stored(TensorRows rows, float[][] outIn, NDArray f32OutIn) {
    }

    private static Stored conv1d(DType dtype, long seed) {
        Random random = new Random(seed);
        float[][] w = new float[OUT][IN];
        ByteBuffer file = ByteBuffer.allocate(IN * OUT * (dtype == DType.F32 ? 4 : 2)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < IN; i++) {
            for (int o = 0; o < OUT; o++) {
                float v = (float) (0.1 * random.nextGaussian());
                switch (dtype) {
                    case F32 -> file.putFloat(v);
                    case F16 -> {
                        file.putShort(Float.floatToFloat16(v));
                        v = Float.float16ToFloat(Float.floatToFloat16(v));
                    }
                    case BF16 -> {
                        file.putShort(Bf16Matrix.toBf16(v));
                        v = Bf16Matrix.toFloat(Bf16Matrix.toBf16(v));
                    }
                    default -> throw new IllegalArgumentException();
                }
                w[o][i] = v;
            }
        }
        float[] flat = new float[OUT * IN];
        for (int o = 0; o < OUT; o++) System.arraycopy(w[o], 0, flat, o * IN, IN);
        return new Stored(TensorRows.of(file.flip(), dtype, new long[] {IN, OUT}, true), w,
                manager.create(flat, new Shape(OUT, IN)));
    }

    /** The matrix a layer holds, read back through its lookups: [out][in]. */
    private static float[][] held(LinearWeights layer) {
        long[] all = new long[layer.out()];
        for (int o = 0; o < all.length; o++) all[o] = o;
        try (NDManager m = manager.newSubManager()) {
            float[] flat = layer.rows(m, all).toFloatArray();
            float[][] w = new float[layer.out()][layer.in()];
            for (int o = 0; o < w.length; o++) System.arraycopy(flat, o * layer.in(), w[o], 0, layer.in());
            return w;
        }
    }

    private static void checkApply(LinearWeights layer, float[] bias, int positions, long seed) {
        float[][] w = held(layer);
        Random random = new Random(seed);
        float[] x = new float[positions * IN];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        try (NDManager m = manager.newSubManager()) {
            float[] y = layer.apply(m.create(x, new Shape(positions, IN))).toFloatArray();
            assertThat(y).hasSize(positions * OUT);
            for (int p = 0; p < positions; p++) {
                for (int o = 0; o < OUT; o++) {
                    double want = bias[o];
                    double size = Math.abs(bias[o]);
                    for (int i = 0; i < IN; i++) {
                        want += (double) w[o][i] * x[p * IN + i];
                        size += Math.abs((double) w[o][i] * x[p * IN + i]);
                    }
                    assertThat((double) y[p * OUT + o]).as("%s, %d positions: (%d, %d)", layer.format(), positions, p, o)
                            .isCloseTo(want, within(2e-6 * size + 1e-6));
                }
            }
        }
    }

    @Test
    void everyFormatMultipliesByTheMatrixItHolds() {
        float[] bias = new float[OUT];
        Random random = new Random(3);
        for (int o = 0; o < OUT; o++) bias[o] = (float) random.nextGaussian();
        NDArray biasArray = manager.create(bias);
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Stored w = conv1d(dtype, 7);
            // a scratch of 40 rows: 150 rows widen in four blocks
            LinearWeights.Scratch scratch = new LinearWeights.Scratch(40 * IN);
            for (WeightFormat format : WeightFormat.values()) {
                LinearWeights layer = LinearWeights.of(format, w.rows(), w.f32OutIn(), biasArray, scratch);
                assertThat(layer.format()).isEqualTo(format);
                assertThat(layer.in()).isEqualTo(IN);
                assertThat(layer.out()).isEqualTo(OUT);
                for (int positions : new int[] {1, 2, 3, 17}) {
                    checkApply(layer, bias, positions, positions * 11L);
                }
            }
        }
    }

    @Test
    void eachFormatHoldsWhatItPromises() {
        Stored bf16File = conv1d(DType.BF16, 8);
        LinearWeights.Scratch scratch = new LinearWeights.Scratch();
        // bf16 keeps a BF16 file's values exactly; f32 holds them widened, also exactly
        assertThat(held(LinearWeights.of(WeightFormat.BF16, bf16File.rows(), bf16File.f32OutIn(), null, scratch)))
                .isDeepEqualTo(bf16File.outIn());
        assertThat(held(LinearWeights.of(WeightFormat.F32, bf16File.rows(), bf16File.f32OutIn(), null, scratch)))
                .isDeepEqualTo(bf16File.outIn());
        // q8: within half a quantization step d/2, plus 127 times the float16 scale's rounding (≤ 2^-11 d), of the file's values
        Stored f32File = conv1d(DType.F32, 9);
        LinearWeights q8 = LinearWeights.of(WeightFormat.Q8, f32File.rows(), f32File.f32OutIn(), null, scratch);
        float[][] w = held(q8);
        for (int o = 0; o < OUT; o++) {
            for (int b = 0; b * 32 < IN; b++) {
                float amax = 0;
                for (int i = b * 32; i < Math.min(IN, b * 32 + 32); i++) amax = Math.max(amax, Math.abs(f32File.outIn()[o][i]));
                for (int i = b * 32; i < Math.min(IN, b * 32 + 32); i++) {
                    assertThat(Math.abs(w[o][i] - f32File.outIn()[o][i])).isLessThanOrEqualTo(0.57f * amax / 127 + 1e-7f);
                }
            }
        }
        assertThat(q8.bytes()).isEqualTo((long) OUT * IN + 2L * OUT * 7); // int8 values, a float16 scale per block
    }
}
