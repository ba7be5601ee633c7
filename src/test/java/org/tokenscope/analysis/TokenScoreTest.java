package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenScoreTest {

    @Test
    void scoredTokenTakesEverythingFromTheDistribution() {
        float[] logits = {0f, 2f, 1f, 2f};
        Distribution d = Distribution.of(logits);
        TokenScore t = TokenScore.scored(4, 2, "c", 10, 11, false, d, 2, id -> "t" + id);
        assertThat(t.logprob()).isCloseTo(1 - Distribution.logSumExp(logits), within(1e-12));
        assertThat(t.prob()).isCloseTo(Math.exp(t.logprob()), within(1e-15));
        assertThat(t.rank()).isEqualTo(3);
        assertThat(t.entropy()).isCloseTo(d.entropy(), within(0.0));
        assertThat(t.top()).containsExactly(new Alternative(1, "t1", d.logProb(1)), new Alternative(3, "t3", d.logProb(3)));
        assertThat(t.isScored()).isTrue();
    }

    @Test
    void unscoredTokenHasOnlyNulls() {
        TokenScore t = TokenScore.unscored(0, 9, "Hello", 0, 5, false);
        assertThat(t.logprob()).isNull();
        assertThat(t.prob()).isNull();
        assertThat(t.rank()).isNull();
        assertThat(t.entropy()).isNull();
        assertThat(t.top()).isEmpty();
        assertThat(t.isScored()).isFalse();
    }

    @Test
    void halfScoredTokenIsRefused() {
        assertThatThrownBy(() -> new TokenScore(0, 1, "a", 0, 1, false, -1.0, null, 1, 1.0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scoredTextComputesItsPerplexity() {
        List<TokenScore> tokens = List.of(TokenScore.unscored(0, 1, "a", 0, 1, false),
                new TokenScore(1, 2, "b", 1, 2, false, Math.log(0.5), 0.5, 1, 0.7, List.of()));
        ScoredText s = ScoredText.of("ab", false, new ModelSummary("m", 2, 1000, 8), tokens, Windows.plan(2, false, 8));
        assertThat(s.perplexity()).isCloseTo(2.0, within(1e-12));
        assertThat(s.windows().sliding()).isFalse();
    }
}
