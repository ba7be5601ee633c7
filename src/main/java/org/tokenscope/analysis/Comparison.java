package org.tokenscope.analysis;

import java.util.List;

/**
 * How two models' per-token log-probabilities of the same text agree.
 *
 * @param pearson  Pearson's r of the paired log-probabilities
 * @param spearman Spearman's ρ of the same pairs
 */
public record Comparison(Correlation pearson, Correlation spearman) {

    /** The number of pairs. */
    public int n() {
        return pearson.n();
    }

    /**
     * Aligns the tokens of {@code a} and {@code b} by character spans ({@link SpanAlignment}) and
     * correlates the log-probabilities of the segments scored in both. Models that share a tokenizer
     * pair every scored token with itself; models with different tokenizers pair the smallest spans that
     * both cover with whole tokens, each side's log-probabilities summed over its tokens in the span.
     */
    public static Comparison of(List<TokenScore> a, List<TokenScore> b) {
        return of(SpanAlignment.of(a, b));
    }

    /** Correlates the summed log-probabilities of the alignment's paired segments. */
    public static Comparison of(SpanAlignment alignment) {
        double[][] pairs = alignment.pairs();
        double[] x = new double[pairs.length];
        double[] y = new double[pairs.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = pairs[i][0];
            y[i] = pairs[i][1];
        }
        return new Comparison(Correlation.pearson(x, y), Correlation.spearman(x, y));
    }
}
