package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The top-k pane's temperature: softmax(logits / T) over the alternatives kept. */
class AlternativeTest {

    static final List<Alternative> KEPT = List.of(new Alternative(1, "a", Math.log(0.5)),
            new Alternative(2, "b", Math.log(0.3)), new Alternative(3, "c", Math.log(0.1)));

    @Test
    void matchesSoftmaxOfTheScaledLogitsOverTheKeptTokens() {
        // log-probabilities are logits minus a constant, so softmax(lp / T) is softmax(logits / T) on these tokens
        double t = 0.5;
        double[] weights = {Math.pow(0.5, 1 / t), Math.pow(0.3, 1 / t), Math.pow(0.1, 1 / t)};
        double sum = weights[0] + weights[1] + weights[2];
        List<Alternative> out = Alternative.atTemperature(KEPT, t);
        for (int i = 0; i < 3; i++) {
            assertThat(Math.exp(out.get(i).logprob())).isCloseTo(weights[i] / sum, within(1e-12));
            assertThat(out.get(i).id()).isEqualTo(KEPT.get(i).id());
        }
    }

    @Test
    void lowTemperaturesSharpenAndHighOnesFlatten() {
        double top = Math.exp(KEPT.get(0).logprob()) / 0.9; // the top share among the kept at T = 1
        assertThat(Math.exp(Alternative.atTemperature(KEPT, 0.3).get(0).logprob())).isGreaterThan(top);
        assertThat(Math.exp(Alternative.atTemperature(KEPT, 3).get(0).logprob())).isLessThan(top).isGreaterThan(1.0 / 3);
        assertThat(Alternative.atTemperature(KEPT, 1)).isEqualTo(KEPT);
    }

    @Test
    void refusesTemperaturesThatAreNotPositive() {
        assertThatThrownBy(() -> Alternative.atTemperature(KEPT, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Alternative.atTemperature(KEPT, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
