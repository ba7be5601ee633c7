package org.tokenscope.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogitsProcessorTest {

    private static final double NEG = Double.NEGATIVE_INFINITY;

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeScoresOfSeenTokensOnce() {
        double[] scores = {2.0, -1.0, 0.5, -3.0, 0.0, 4.0};
        int[] sequence = {0, 1, 1, 4, 1, 0}; // 0, 1 and 4 seen, several times
        double[] out = new RepetitionPenalty(1.3).process(sequence, scores);
        assertThat(out).containsExactly(2.0 / 1.3, -1.0 * 1.3, 0.5, -3.0, 0.0 / 1.3, 4.0);
        assertThat(scores).containsExactly(2.0, -1.0, 0.5, -3.0, 0.0, 4.0); // input untouched
        // below 1 rewards repetition
        assertThat(new RepetitionPenalty(0.5).process(new int[] {0, 1}, scores)).startsWith(4.0, -0.5);
    }

    @Test
    void temperatureDividesLogits() {
        assertThat(new Temperature(0.5).process(new int[0], new double[] {1, -2, NEG}))
                .containsExactly(2, -4, NEG);
        assertThatThrownBy(() -> new Temperature(0)).hasMessageContaining("greedy");
    }

    @Test
    void topKKeepsScoresAtLeastTheKthLargestTiesIncluded() {
        double[] scores = {1, 5, 3, 3, 0, 3};
        assertThat(new TopKFilter(1).process(new int[0], scores)).containsExactly(NEG, 5, NEG, NEG, NEG, NEG);
        assertThat(new TopKFilter(2).process(new int[0], scores)).containsExactly(NEG, 5, 3, 3, NEG, 3);
        assertThat(new TopKFilter(6).process(new int[0], scores)).containsExactly(scores);
        assertThat(new TopKFilter(60).process(new int[0], scores)).containsExactly(scores);
        assertThatThrownBy(() -> new TopKFilter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topPKeepsTheSmallestSetWhoseMassReachesP() {
        // probabilities 0.1, 0.4, 0.05, 0.25, 0.2 (ids 0..4); best first: 1 (.4), 3 (.25), 4 (.2), 0 (.1), 2 (.05)
        double[] p = {0.1, 0.4, 0.05, 0.25, 0.2};
        double[] scores = new double[p.length];
        for (int i = 0; i < p.length; i++) scores[i] = Math.log(p[i]) + 7; // any shift
        assertThat(kept(new TopPFilter(0.3), scores)).containsExactly(1);
        assertThat(kept(new TopPFilter(0.6), scores)).containsExactly(1, 3);
        assertThat(kept(new TopPFilter(0.7), scores)).containsExactly(1, 3, 4);
        assertThat(kept(new TopPFilter(0.9), scores)).containsExactly(0, 1, 3, 4);
        assertThat(kept(new TopPFilter(0.99), scores)).containsExactly(0, 1, 2, 3, 4);
        assertThat(kept(new TopPFilter(0.0), scores)).containsExactly(1); // always at least one
        assertThat(new TopPFilter(0.6).process(new int[0], scores)[3]).isEqualTo(scores[3]); // kept scores unchanged
    }

    @Test
    void topPAgreesWithTransformersAscendingCumulativeRule() {
        // transformers: sort ascending, remove where cumulative <= 1 - p, keep the last one
        double[] scores = {0.3, -1.2, 2.2, 0.9, 0.9, -0.4, 1.7, -2.5};
        for (double top = 0.05; top < 1.0; top += 0.05) {
            assertThat(kept(new TopPFilter(top), scores)).as("p=%s", top).isEqualTo(transformersTopP(scores, top));
        }
    }

    private static List<Integer> transformersTopP(double[] scores, double p) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // ascending; among ties the higher id first, so that the lower id is kept first
        java.util.Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b]) : b - a);
        double lse = org.tokenscope.analysis.Distribution.logSumExp(scores);
        double cumulative = 0;
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            cumulative += Math.exp(scores[order[i]] - lse);
            if (cumulative > 1 - p || i == order.length - 1) keep.add(order[i]);
        }
        keep.sort(null);
        return keep;
    }

    private static List<Integer> kept(LogitsProcessor filter, double[] scores) {
        double[] out = filter.process(new int[0], scores);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < out.length; i++) if (out[i] != NEG) keep.add(i);
        return keep;
    }

    @Test
    void samplingAppliesTransformersOrderAndLeavesOutNoOps() {
        Sampling s = Sampling.of(0.7, 50, 0.9, 1.2, 42);
        assertThat(((ProcessorChain) s.processor()).processors()).containsExactly(
                new RepetitionPenalty(1.2), new Temperature(0.7), new TopKFilter(50), new TopPFilter(0.9));
        assertThat(((ProcessorChain) Sampling.of(1.0, 0, 1.0, 1.0, 1).processor()).processors()).isEmpty();
        // order matters: penalty before temperature
        double[] scores = {2.0, -1.0};
        double[] out = Sampling.of(0.7, 0, 1.0, 1.2, 42).processor().process(new int[] {0, 1}, scores);
        assertThat(out[0]).isCloseTo(2.0 / 1.2 / 0.7, within(1e-12));
        assertThat(out[1]).isCloseTo(-1.0 * 1.2 / 0.7, within(1e-12));
    }

    @Test
    void chainsFlattenAndCompareAsValues() {
        LogitsProcessor a = new Temperature(2).andThen(new TopKFilter(3)).andThen(new TopPFilter(0.5));
        assertThat(a).isEqualTo(ProcessorChain.of(new Temperature(2), new TopKFilter(3), new TopPFilter(0.5)));
        assertThat(LogitsProcessor.identity().process(new int[0], new double[] {1, 2})).containsExactly(1, 2);
    }
}
