package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RolloutTest {

    /**
     * By hand: Ã0 = ½A0 + ½I = [[1,0,0],[.25,.75,0],[.1,.15,.75]]; layer 1's heads average to
     * [[1,0,0],[.8,.2,0],[.1,.1,.8]], so Ã1 = [[1,0,0],[.4,.6,0],[.05,.05,.9]]; row 2 of Ã1·Ã0 is
     * [.05·1 + .05·.25 + .9·.1, .05·.75 + .9·.15, .9·.75] = [.1525, .1725, .675].
     */
    @Test
    void rowOfTheProductOfResidualMixedLayers() {
        float[][][] layer0 = {{{1, 0, 0}, {0.5f, 0.5f, 0}, {0.2f, 0.3f, 0.5f}}};
        float[][][] layer1 = {
                {{1, 0, 0}, {1, 0, 0}, {0.2f, 0, 0.8f}},
                {{1, 0, 0}, {0.6f, 0.4f, 0}, {0, 0.2f, 0.8f}}};
        double[] got = Rollout.of(new float[][][][] {layer0, layer1}, 2);
        assertThat(got).containsExactly(new double[] {0.1525, 0.1725, 0.675}, within(1e-6));
        // row 1: [.4,.6]·Ã0[0..1] = [.4 + .6·.25, .6·.75]
        assertThat(Rollout.of(new float[][][][] {layer0, layer1}, 1)).containsExactly(new double[] {0.55, 0.45}, within(1e-6));
        // the first token only flows from itself
        assertThat(Rollout.of(new float[][][][] {layer0, layer1}, 0)).containsExactly(new double[] {1.0}, within(1e-12));
    }

    @Test
    void noLayersIsOneSentence() {
        assertThatThrownBy(() -> Rollout.of(new float[0][][][], 0)).hasMessageContaining("no attention");
    }

    @Test
    void patchEffectsAreSharesOfTheGapAndEqualMetricsAreOneSentence() {
        double[][] e = PatchGrid.effects(2.0, -1.0, new double[][] {{-1.0, 0.5}, {2.0, -1.0}});
        assertThat(e[0]).containsExactly(0.0, 0.5);
        assertThat(e[1]).containsExactly(1.0, 0.0);
        assertThatThrownBy(() -> PatchGrid.effects(1.0, 1.0, new double[][] {{1.0}}))
                .hasMessageContaining("nothing for patching to restore");
    }

    @Test
    void methodNamesParseAndUnknownOnesSaySo() {
        assertThat(Attribution.Method.parse("integrated-gradients")).isEqualTo(Attribution.Method.INTEGRATED_GRADIENTS);
        assertThat(Attribution.Method.parse("Grad-X-Input")).isEqualTo(Attribution.Method.GRADIENT_X_INPUT);
        assertThatThrownBy(() -> Attribution.Method.parse("shap")).hasMessageContaining("use grad-x-input");
    }
}
