package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** ROC, AUROC and TPR at 1 % FPR on cases computed by hand. */
class RocTest {

    @Test
    void aTieBetweenClassesCountsHalf() {
        // positives 0.9, 0.8, 0.5; negatives 0.8, 0.3, 0.1. Pairs won: 3 + (2 + ½) + 2 = 7.5 of 9
        Roc roc = Roc.of(new double[] {0.9, 0.8, 0.5, 0.8, 0.3, 0.1},
                new boolean[] {true, true, true, false, false, false});
        assertThat(roc.auroc()).isCloseTo(7.5 / 9, within(1e-12));
        assertThat(roc.positives()).isEqualTo(3);
        assertThat(roc.negatives()).isEqualTo(3);
        // only the threshold 0.9 has no false positive: a third of the positives
        assertThat(roc.tprAt1PctFpr()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(roc.threshold()).isEqualTo(0.9);
        // the tie at 0.8 is one diagonal step
        assertThat(roc.curve()).extracting(Roc.Point::fpr)
                .containsExactly(0.0, 0.0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1.0);
        assertThat(roc.curve()).extracting(Roc.Point::tpr)
                .containsExactly(0.0, 1 / 3.0, 2 / 3.0, 1.0, 1.0, 1.0);
    }

    @Test
    void theAreaUnderTheCurveIsTheTrapezoidSum() {
        Roc roc = Roc.of(new double[] {0.9, 0.8, 0.5, 0.8, 0.3, 0.1},
                new boolean[] {true, true, true, false, false, false});
        double area = 0;
        for (int i = 1; i < roc.curve().size(); i++) {
            Roc.Point a = roc.curve().get(i - 1);
            Roc.Point b = roc.curve().get(i);
            area += (b.fpr() - a.fpr()) * (a.tpr() + b.tpr()) / 2;
        }
        assertThat(area).isCloseTo(roc.auroc(), within(1e-12));
    }

    @Test
    void everythingTiedIsAHalfAndNoThresholdStaysUnderOnePercent() {
        Roc roc = Roc.of(new double[] {0.5, 0.5, 0.5, 0.5}, new boolean[] {true, false, true, false});
        assertThat(roc.auroc()).isEqualTo(0.5);
        assertThat(roc.tprAt1PctFpr()).isZero();
        assertThat(roc.threshold()).isNaN();
    }

    @Test
    void perfectSeparation() {
        Roc roc = Roc.of(new double[] {3, 2, 1, 0}, new boolean[] {true, true, false, false});
        assertThat(roc.auroc()).isEqualTo(1.0);
        assertThat(roc.tprAt1PctFpr()).isEqualTo(1.0);
        assertThat(roc.threshold()).isEqualTo(2.0);
    }

    @Test
    void onePercentOfTwoHundredAndOneNegativesAllowsTwoFalsePositives() {
        // negatives: 0.000 .. 0.199 and one at 0.95; positives 0.99, 0.9, 0.5, 0.1
        double[] scores = new double[205];
        boolean[] positive = new boolean[205];
        for (int i = 0; i < 200; i++) scores[i] = i / 1000.0;
        scores[200] = 0.95;
        double[] pos = {0.99, 0.9, 0.5, 0.1};
        for (int i = 0; i < 4; i++) {
            scores[201 + i] = pos[i];
            positive[201 + i] = true;
        }
        Roc roc = Roc.of(scores, positive);
        // ≥ 0.5: 3 of 4 positives, 1 of 201 negatives; ≥ 0.199: still 3, 2 of 201 (under 1 %); ≥ 0.198: 3 of 201, over
        assertThat(roc.tprAt1PctFpr()).isEqualTo(0.75);
        assertThat(roc.threshold()).isEqualTo(0.5);
        // pairs won: 0.99, 0.9 beat all 201 but 0.9 loses to 0.95; 0.5 beats 200; 0.1 beats 100 (0.000..0.099), ties 0.100
        double won = 201 + 200 + 200 + 100 + 0.5;
        assertThat(roc.auroc()).isCloseTo(won / (4 * 201.0), within(1e-12));
    }

    @Test
    void lowerIsPositiveGivesTheThresholdInTheScoresOwnUnits() {
        double[] scores = {0.9, 0.8, 0.5, 0.8, 0.3, 0.1};
        boolean[] positive = {false, false, false, true, true, true};
        Roc lower = Roc.ofLowerIsPositive(scores, positive);
        Roc negated = Roc.of(Arrays.stream(scores).map(s -> -s).toArray(), positive);
        assertThat(lower.auroc()).isEqualTo(negated.auroc()).isCloseTo(7.5 / 9, within(1e-12));
        // called positive when ≤ τ: τ = 0.3 catches 0.1 and 0.3 before the first negative (0.5)
        assertThat(lower.threshold()).isEqualTo(0.3);
        assertThat(lower.tprAt1PctFpr()).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void missingScoresAreLeftOutAndOneClassHasNoArea() {
        Roc roc = Roc.of(new double[] {Double.NaN, 1, 2}, new boolean[] {false, true, true});
        assertThat(roc.negatives()).isZero();
        assertThat(roc.auroc()).isNaN();
        assertThat(roc.tprAt1PctFpr()).isNaN();
        assertThatThrownBy(() -> Roc.of(new double[] {1}, new boolean[0])).hasMessageContaining("label");
    }
}
