package org.tokenscope.analysis;

import java.util.List;

/** Perplexity: {@code exp(−(1/n) Σ log p)} over the n scored tokens. */
public final class Perplexity {

    private Perplexity() {
    }

    /** {@code exp(−mean(logprobs))}; NaN when there are none. */
    public static double of(double[] logprobs) { // [n] -> scalar
        if (logprobs.length == 0) return Double.NaN;
        double sum = 0;
        for (double lp : logprobs) sum += lp;
        return Math.exp(-sum / logprobs.length);
    }

    /** Perplexity over the scored tokens (unscored ones are left out); NaN when none is scored. */
    public static double of(List<TokenScore> tokens) {
        return of(tokens.stream().filter(TokenScore::isScored).mapToDouble(TokenScore::logprob).toArray());
    }
}
