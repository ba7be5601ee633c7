package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorrelationTest {

    @Test
    void perfectLinearRelations() {
        double[] x = {1, 2, 3, 4, 5};
        assertThat(Correlation.pearson(x, new double[] {3, 5, 7, 9, 11}).value()).isCloseTo(1, within(1e-12));
        assertThat(Correlation.pearson(x, new double[] {5, 4, 3, 2, 1}).value()).isCloseTo(-1, within(1e-12));
        assertThat(Correlation.spearman(x, new double[] {1, 10, 100, 1000, 10000}).value()).isCloseTo(1, within(1e-12));
    }

    @Test
    void pearsonAgainstAHandComputedValue() {
        // x̄ = 2.5, ȳ = 3; Σdxdy = 6, Σdx² = 5, Σdy² = 10
        Correlation r = Correlation.pearson(new double[] {1, 2, 3, 4}, new double[] {2, 1, 4, 5});
        assertThat(r.value()).isCloseTo(6 / Math.sqrt(50), within(1e-12));
        assertThat(r.n()).isEqualTo(4);
        assertThat(r.isDefined()).isTrue();
    }

    @Test
    void averageRanksForTies() {
        assertThat(Correlation.ranks(new double[] {10, 20, 20, 5, 20})).containsExactly(2, 4, 4, 1, 4);
        assertThat(Correlation.ranks(new double[0])).isEmpty();
    }

    @Test
    void spearmanWithTiesAgainstAHandComputedValue() {
        // x = [1, 2, 2, 3] -> ranks [1, 2.5, 2.5, 4]; y = [1, 3, 2, 2] -> ranks [1, 4, 2.5, 2.5]
        // means 2.5; dx = [-1.5, 0, 0, 1.5], dy = [-1.5, 1.5, 0, 0]
        // Σdxdy = 2.25, Σdx² = 4.5, Σdy² = 4.5 -> ρ = 0.5
        Correlation rho = Correlation.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 2});
        assertThat(rho.value()).isCloseTo(0.5, within(1e-12));
        assertThat(rho.n()).isEqualTo(4);
    }

    @Test
    void undefinedCasesSayWhy() {
        Correlation none = Correlation.pearson(new double[0], new double[0]);
        assertThat(none.value()).isNaN();
        assertThat(none.reason()).contains("fewer than two");
        Correlation one = Correlation.spearman(new double[] {1}, new double[] {2});
        assertThat(one.value()).isNaN();
        assertThat(one.n()).isEqualTo(1);
        Correlation constant = Correlation.pearson(new double[] {1, 2, 3}, new double[] {4, 4, 4});
        assertThat(constant.value()).isNaN();
        assertThat(constant.reason()).contains("zero variance");
        assertThat(Correlation.spearman(new double[] {1, 1}, new double[] {1, 2}).reason()).contains("zero variance");
        assertThat(Correlation.pearson(new double[] {1, Double.NEGATIVE_INFINITY}, new double[] {1, 2}).reason())
                .contains("not finite");
        assertThatThrownBy(() -> Correlation.pearson(new double[2], new double[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longSeriesStayInRange() {
        int n = 100_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(i);
            y[i] = Math.sin(i) + 1e-3 * Math.cos(3 * i);
        }
        assertThat(Correlation.pearson(x, y).value()).isBetween(0.99, 1.0);
        assertThat(Correlation.spearman(x, y).value()).isBetween(0.99, 1.0);
    }

    @Test
    void comparisonPairsTokensScoredInBothBySpan() {
        List<TokenScore> a = List.of(
                TokenScore.unscored(0, 1, "a", 0, 1, false),
                scored(1, 1, 2, -1.0), scored(2, 2, 3, -2.0), scored(3, 3, 4, -3.0));
        List<TokenScore> b = List.of(
                scored(0, 0, 1, -0.5), // a's token 0 is unscored: no pair
                scored(1, 1, 2, -1.5), scored(2, 2, 3, -2.5), scored(3, 3, 4, -2.0));
        Comparison c = Comparison.of(a, b);
        assertThat(c.n()).isEqualTo(3);
        assertThat(c.spearman().value()).isCloseTo(0.5, within(1e-12));
        assertThat(Comparison.of(List.of(), List.of()).pearson().value()).isNaN();
    }

    private static TokenScore scored(int index, int start, int end, double lp) {
        return new TokenScore(index, 7, "x", start, end, false, lp, Math.exp(lp), 1, 1.0, List.of());
    }
}
