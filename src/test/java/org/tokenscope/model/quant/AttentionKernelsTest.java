package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Attention's kernels ({@link Kernels#scores}, {@link Kernels#mix}) against double precision, both implementations. */
class AttentionKernelsTest {

    @Test
    void bothKernelsScoreAQueryAgainstEveryKeyRow() {
        Random random = new Random(6);
        for (Kernels kernels : new Kernels[] {new ScalarKernels(), Kernels.best()}) {
            for (int d : new int[] {7, 16, 64, 80, 128, 256}) {
                for (int count : new int[] {1, 15, 16, 17, 50, 97}) { // whole groups of 16 keys and what remains
                    int stride = 3 * d + 5;
                    int first = 9;
                    float[] k = new float[first + count * stride + d];
                    for (int i = 0; i < k.length; i++) k[i] = (float) random.nextGaussian();
                    float[] q = new float[d + 3];
                    for (int i = 0; i < q.length; i++) q[i] = (float) random.nextGaussian();
                    float[] out = new float[count + 4];
                    java.util.Arrays.fill(out, 42f);
                    kernels.scores(q, 3, k, first, stride, count, d, out);
                    for (int s = 0; s < count; s++) {
                        double want = 0;
                        double magnitude = 0;
                        for (int i = 0; i < d; i++) {
                            want += (double) q[3 + i] * k[first + s * stride + i];
                            magnitude += Math.abs((double) q[3 + i] * k[first + s * stride + i]);
                        }
                        assertThat((double) out[s]).as("%s d = %d, key %d of %d", kernels.description(), d, s, count)
                                .isCloseTo(want, within(1e-6 * magnitude + 1e-7));
                    }
                    for (int s = count; s < out.length; s++) assertThat(out[s]).isEqualTo(42f); // nothing past the keys
                }
            }
        }
    }


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
