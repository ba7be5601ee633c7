package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The detectors' formulas on numbers worked out by hand. */
class DetectionTest {

    @Test
    void binocularsIsLogPerplexityOverCrossEntropy() {
        // mean(1, 3) / mean(2, 2) = 2 / 2
        assertThat(Detection.binoculars(new double[] {-1, -3}, new double[] {2, 2})).isEqualTo(1.0);
        // mean(2, 4) / mean(1, 5) = 3 / 3... and (0.5 + 2.5) / (4 + 2) = 0.5
        assertThat(Detection.binoculars(new double[] {-0.5, -2.5}, new double[] {4, 2})).isEqualTo(0.5);
        assertThat(Detection.binoculars(new double[0], new double[0])).isNaN();
    }

    @Test
    void fastDetectGptIsTheStandardisedGap() {
        // (−1 − −2) + (−2 − −3) = 2, √(1 + 3) = 2
        assertThat(Detection.fastDetectGpt(new double[] {-1, -2}, new double[] {-2, -3}, new double[] {1, 3}))
                .isEqualTo(1.0);
        assertThat(Detection.fastDetectGpt(new double[0], new double[0], new double[0])).isNaN();
        assertThatThrownBy(() -> Detection.fastDetectGpt(new double[] {1}, new double[0], new double[] {1}))
                .hasMessageContaining("one value per scored position");
    }

    @Test
    void contributionsAddUpToTheScores() {
        double[] lq = {-0.5, -2.5, -4};
        double[] ce = {4, 2, 3};
        double sum = Arrays.stream(Detection.binocularsContributions(lq, ce)).sum();
        assertThat(sum).isCloseTo(Detection.binoculars(lq, ce) - 1, within(1e-12));
        double[] lp = {-1, -2, -0.1};
        double[] mu = {-2, -3, -1};
        double[] var = {1, 3, 0.5};
        assertThat(Arrays.stream(Detection.fastDetectGptContributions(lp, mu, var)).sum())
                .isCloseTo(Detection.fastDetectGpt(lp, mu, var), within(1e-12));
    }

    @Test
    void gltrBucketsAreDisjointAndSumToOne() {
        Gltr g = Gltr.of(new int[] {1, 10, 11, 100, 101, 1000, 1001, 5});
        assertThat(g.top10()).isEqualTo(3 / 8.0);
        assertThat(g.top100()).isEqualTo(2 / 8.0);
        assertThat(g.top1000()).isEqualTo(2 / 8.0);
        assertThat(g.rest()).isEqualTo(1 / 8.0);
        assertThat(g.tokens()).isEqualTo(8);
        assertThat(Gltr.of(new int[0]).top10()).isNaN();
        assertThatThrownBy(() -> Gltr.of(new int[] {0})).hasMessageContaining("starts at 1");
    }

    @Test
    void oneModelIsItsOwnReference() {
        // μ = −H, so the gap is log p(x) + H
        ModelTerms m = new ModelTerms(new double[] {-1, -2}, new int[] {1, 3}, new double[] {2, 3}, new double[] {1, 3});
        assertThat(m.fastDetectGpt()).isEqualTo(1.0);
        TextDetection d = new TextDetection(2, new int[] {0, 1}, m, null, null);
        assertThat(d.binoculars()).isNaN();
        assertThat(d.fastDetectGpt()).isEqualTo(1.0);
        assertThat(d.binocularsContributions()).isNull();
    }
}
