package org.tokenscope.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
     * Pairs the tokens of {@code a} and {@code b} that cover the same characters (equal start and end)
     * and are scored in both, then correlates their log-probabilities. Models that share a tokenizer
     * pair every scored token.
     */
    public static Comparison of(List<TokenScore> a, List<TokenScore> b) {
        Map<Long, Double> bySpan = new HashMap<>();
        for (TokenScore t : b) {
            if (t.isScored()) bySpan.put(span(t), t.logprob());
        }
        List<double[]> pairs = new ArrayList<>();
        for (TokenScore t : a) {
            Double other = t.isScored() ? bySpan.get(span(t)) : null;
            if (other != null) pairs.add(new double[] {t.logprob(), other});
        }
        double[] x = new double[pairs.size()];
        double[] y = new double[pairs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pairs.get(i)[0];
            y[i] = pairs.get(i)[1];
        }
        return new Comparison(Correlation.pearson(x, y), Correlation.spearman(x, y));
    }

    private static long span(TokenScore t) {
        return ((long) t.start() << 32) | (t.end() & 0xffffffffL);
    }
}
