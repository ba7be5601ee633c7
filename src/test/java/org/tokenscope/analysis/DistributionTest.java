package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DistributionTest {

    @Test
    void logSumExpIsStableForLargeLogits() {
        assertThat(Distribution.logSumExp(new float[] {1000f, 1000f})).isCloseTo(1000 + Math.log(2), within(1e-9));
        assertThat(Distribution.logSumExp(new float[] {-1000f, -1000f})).isCloseTo(-1000 + Math.log(2), within(1e-9));
        assertThat(Distribution.logSumExp(new double[] {Double.NEGATIVE_INFINITY, 0})).isEqualTo(0.0);
        assertThat(Distribution.logSumExp(new float[0])).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void logProbsOfARowSumToOne() {
        float[] logits = randomLogits(50257, 7);
        Distribution d = Distribution.of(logits);
        double sum = 0;
        for (int v = 0; v < logits.length; v++) sum += d.prob(v);
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        assertThat(d.logProb(123)).isCloseTo(Distribution.logProb(logits, 123), within(1e-12));
        assertThat(d.logProbs()[123]).isEqualTo(d.logProb(123));
    }

    @Test
    void oneTokenVocabularyIsCertain() {
        Distribution d = Distribution.of(new float[] {3.5f});
        assertThat(d.logProb(0)).isEqualTo(0.0);
        assertThat(d.rank(0)).isEqualTo(1);
        assertThat(d.entropy()).isEqualTo(0.0);
        assertThat(d.top(5).ids()).containsExactly(0);
    }

    @Test
    void emptyRowIsRefused() {
        assertThatThrownBy(() -> Distribution.of(new float[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rankCountsStrictlyGreaterLogits() {
        float[] logits = {1f, 3f, 3f, 2f, 3f, 0f};
        assertThat(Distribution.rank(logits, 1)).isEqualTo(1);
        assertThat(Distribution.rank(logits, 2)).isEqualTo(1); // tied at the top
        assertThat(Distribution.rank(logits, 4)).isEqualTo(1);
        assertThat(Distribution.rank(logits, 3)).isEqualTo(4);
        assertThat(Distribution.rank(logits, 0)).isEqualTo(5);
        assertThat(Distribution.rank(logits, 5)).isEqualTo(6);
    }

    @Test
    void entropyOfUniformIsLogV() {
        for (int v : new int[] {1, 2, 10, 50257}) {
            float[] uniform = new float[v];
            Arrays.fill(uniform, 0.7f);
            assertThat(Distribution.entropy(uniform)).isCloseTo(Math.log(v), within(1e-9));
        }
    }

    @Test
    void entropyIgnoresFilteredTokensAndMatchesDefinition() {
        float[] logits = {Float.NEGATIVE_INFINITY, 0f, 0f, Float.NEGATIVE_INFINITY};
        assertThat(Distribution.entropy(logits)).isCloseTo(Math.log(2), within(1e-12));
        float[] random = randomLogits(1000, 3);
        Distribution d = Distribution.of(random);
        double h = 0;
        for (int v = 0; v < random.length; v++) h -= d.prob(v) * d.logProb(v);
        assertThat(d.entropy()).isCloseTo(h, within(1e-9));
    }

    @Test
    void topKIsSortedWithTiesByLowerId() {
        float[] logits = {1f, 5f, 3f, 5f, 3f, -2f};
        TopK top = Distribution.topK(logits, 4);
        assertThat(top.ids()).containsExactly(1, 3, 2, 4);
        double lse = Distribution.logSumExp(logits);
        assertThat(top.logProb(0)).isCloseTo(5 - lse, within(1e-12));
        assertThat(Distribution.topK(logits, 0).size()).isZero();
        assertThat(Distribution.topK(logits, 100).ids()).containsExactly(1, 3, 2, 4, 0, 5);
    }

    @Test
    void topKAgreesWithAFullSortOnALongRow() {
        float[] logits = randomLogits(50257, 11);
        for (int i = 0; i < 200; i++) logits[i * 37] = 4.25f; // plenty of ties
        int[] expected = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(v -> -logits[v]).thenComparingInt(v -> v))
                .limit(50).mapToInt(Integer::intValue).toArray();
        assertThat(Distribution.topK(logits, 50).ids()).containsExactly(expected);
    }

    @Test
    void alternativesCarryTheTokenText() {
        TopK top = Distribution.topK(new float[] {0f, 2f}, 2);
        assertThat(top.alternatives(id -> "t" + id)).extracting(Alternative::text).containsExactly("t1", "t0");
    }

    static float[] randomLogits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * 3);
        return x;
    }
}
