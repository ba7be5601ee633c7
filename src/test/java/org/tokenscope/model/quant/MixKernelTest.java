package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Attention's weighted sum of value rows ({@link Kernels#mix}) against double precision, both kernels. */
class MixKernelTest {

    @Test
    void bothKernelsSumTheWeightedRowsOfEveryHeadWidth() {
        Random random = new Random(5);
        for (Kernels kernels : new Kernels[] {new ScalarKernels(), Kernels.best()}) {
            for (int d : new int[] {7, 16, 64, 80, 128, 256}) {
                for (int count : new int[] {1, 3, 97}) {
                    int stride = 3 * d + 5;  // rows of other heads between a head's rows
                    int first = 11;
                    float[] v = new float[first + count * stride + d];
                    for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
                    float[] w = new float[count + 2];
                    for (int s = 0; s < w.length; s++) w[s] = random.nextFloat();
                    float[] out = new float[d + 9];
                    java.util.Arrays.fill(out, 42f);                               // overwritten, not added to
                    kernels.mix(w, count, v, first, stride, d, out, 4);
                    for (int i = 0; i < d; i++) {
                        double want = 0;
                        double magnitude = 0;
                        for (int s = 0; s < count; s++) {
                            want += (double) w[s] * v[first + s * stride + i];
                            magnitude += Math.abs((double) w[s] * v[first + s * stride + i]);
                        }
                        assertThat((double) out[4 + i]).as("%s d = %d, %d rows, column %d", kernels.description(), d, count, i)
                                .isCloseTo(want, within(1e-6 * magnitude + 1e-7));
                    }
                    for (int i : new int[] {0, 1, 2, 3, 4 + d, 8 + d}) assertThat(out[i]).isEqualTo(42f); // untouched
                }
            }
        }
    }
}
