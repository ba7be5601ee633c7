package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerplexityTest {

    @Test
    void noScoredTokenGivesNaN() {
        assertThat(Perplexity.of(new double[0])).isNaN();
        assertThat(Perplexity.of(List.of(TokenScore.unscored(0, 5, "a", 0, 1, false)))).isNaN();
    }

    @Test
    void oneTokenIsTheInverseProbability() {
        assertThat(Perplexity.of(new double[] {Math.log(0.25)})).isCloseTo(4.0, within(1e-12));
    }

    @Test
    void isExpOfMeanNegativeLogProbOverScoredTokens() {
        List<TokenScore> tokens = new ArrayList<>();
        tokens.add(TokenScore.unscored(0, 1, "a", 0, 1, false));
        double[] lps = new double[1000];
        double sum = 0;
        for (int i = 0; i < lps.length; i++) {
            lps[i] = -0.001 * i;
            sum += lps[i];
            tokens.add(new TokenScore(i + 1, 2, "b", i + 1, i + 2, false, lps[i], Math.exp(lps[i]), 1, 0.5, List.of()));
        }
        assertThat(Perplexity.of(tokens)).isCloseTo(Math.exp(-sum / 1000), within(1e-12));
        assertThat(Perplexity.of(lps)).isCloseTo(Math.exp(-sum / 1000), within(1e-12));
    }
}
