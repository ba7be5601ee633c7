package org.tokenscope.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class TinyGpt2Test {

    static final TinyGpt2 MODEL = TinyGpt2.random(42, 2, 4, 32, 64, 50257);

    @Test
    void sameSeedSameWeights() {
        TinyGpt2 again = TinyGpt2.random(42, 2, 4, 32, 64, 50257);
        assertThat(again.tensors().keySet()).containsExactlyElementsOf(MODEL.tensors().keySet());
        MODEL.tensors().forEach((name, values) -> assertThat(again.tensors().get(name)).isEqualTo(values));
    }

    @Test
    void shapesFollowHuggingFace() {
        assertThat(MODEL.shape("wte.weight")).containsExactly(50257, 32);
        assertThat(MODEL.shape("wpe.weight")).containsExactly(64, 32);
        assertThat(MODEL.shape("h.1.attn.c_attn.weight")).containsExactly(32, 96);
        assertThat(MODEL.shape("h.1.attn.c_attn.bias")).containsExactly(96);
        assertThat(MODEL.shape("h.0.mlp.c_fc.weight")).containsExactly(32, 128);
        assertThat(MODEL.shape("h.0.mlp.c_proj.weight")).containsExactly(128, 32);
        assertThat(MODEL.shape("ln_f.bias")).containsExactly(32);
        assertThat(MODEL.tensors()).hasSize(2 + 2 * 12 + 2);
        MODEL.tensors().forEach((name, values) -> {
            long count = 1;
            for (long d : MODEL.shape(name)) {
                count *= d;
            }
            assertThat(values).as(name).hasSize((int) count);
        });
    }

    @Test
    void referenceIsCausal() {
        TinyGpt2 small = TinyGpt2.random(7, 2, 2, 16, 16, 100);
        int[] a = {5, 17, 42, 3, 99, 0, 64, 8};
        int[] b = a.clone();
        b[5] = 11;
        b[7] = 12;
        double[][] la = small.referenceLogits(a);
        double[][] lb = small.referenceLogits(b);
        for (int t = 0; t < 5; t++) {
            assertThat(lb[t]).as("position " + t).isEqualTo(la[t]);
        }
        assertThat(lb[5]).isNotEqualTo(la[5]);
        // a prefix gives the same logits as the full sequence at its positions
        double[][] prefix = small.referenceLogits(new int[] {5, 17, 42});
        for (int t = 0; t < 3; t++) {
            assertThat(prefix[t]).isEqualTo(la[t]);
        }
    }

    @Test
    void predictionsAreFarFromUniform() {
        int[] ids = new Random(1).ints(32, 0, 50257).toArray();
        double[][] logits = MODEL.referenceLogits(ids);
        double mean = 0;
        for (double[] row : logits) {
            mean += TinyGpt2.entropy(row) / logits.length;
        }
        assertThat(mean).isLessThan(0.6 * Math.log(50257));

        TinyGpt2 small = TinyGpt2.random(3, 1, 2, 16, 16, 64);
        double[][] smallLogits = small.referenceLogits(new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        double smallMean = 0;
        for (double[] row : smallLogits) {
            smallMean += TinyGpt2.entropy(row) / smallLogits.length;
        }
        assertThat(smallMean).isLessThan(0.6 * Math.log(64));
    }

    @Test
    void logProbsMatchLogits() {
        int[] ids = {10, 20, 30, 40};
        double[][] logits = MODEL.referenceLogits(ids);
        double[] logProbs = MODEL.referenceLogProbs(ids);
        assertThat(logProbs).hasSize(3);
        for (int t = 0; t < 3; t++) {
            double sum = 0;
            for (double l : logits[t]) {
                sum += Math.exp(l);
            }
            assertThat(logProbs[t]).isCloseTo(logits[t][ids[t + 1]] - Math.log(sum), within(1e-9));
        }
    }

    @Test
    void roundedWeightsAreRepresentable() {
        TinyGpt2 f16 = MODEL.roundedTo(DType.F16);
        TinyGpt2 bf16 = MODEL.roundedTo(DType.BF16);
        float[] w = MODEL.tensors().get("h.0.attn.c_attn.weight");
        float[] h = f16.tensors().get("h.0.attn.c_attn.weight");
        float[] b = bf16.tensors().get("h.0.attn.c_attn.weight");
        for (int i = 0; i < w.length; i++) {
            assertThat(Float.float16ToFloat(Float.floatToFloat16(h[i]))).isEqualTo(h[i]);
            assertThat(Float.floatToRawIntBits(b[i]) & 0xFFFF).isZero();
            assertThat((double) h[i]).isCloseTo(w[i], within(Math.abs(w[i]) * 0x1p-11 + 1e-7));
            assertThat((double) b[i]).isCloseTo(w[i], within(Math.abs(w[i]) * 0x1p-8 + 1e-30));
        }
        assertThat(DType.BF16.round(1.00390625f)).isEqualTo(1.0f);   // tie rounds to even
        assertThat(DType.BF16.round(1.01171875f)).isEqualTo(1.015625f); // tie rounds to even
        assertThat(DType.F16.round(65520f)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void geluIsTheTanhApproximation() {
        assertThat(TinyGpt2.gelu(0)).isZero();
        assertThat(TinyGpt2.gelu(1)).isCloseTo(0.8411919906, within(1e-9));
        assertThat(TinyGpt2.gelu(-3)).isCloseTo(-0.0036373921, within(1e-9));
    }
}
