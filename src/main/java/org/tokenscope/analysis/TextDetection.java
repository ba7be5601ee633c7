package org.tokenscope.analysis;

/**
 * A text's detection terms at its scored tokens, and the scores they make.
 *
 * @param tokens    how many tokens the text has
 * @param positions the text-token index of each scored position, in order: [n]
 * @param a         model A's terms (observer of Binoculars, scorer of Fast-DetectGPT)
 * @param b         model B's terms (performer, reference), or null when there is no B
 * @param pair      A's and B's joint terms, or null when there is no B
 */
public record TextDetection(int tokens, int[] positions, ModelTerms a, ModelTerms b, PairTerms pair) {

    public TextDetection {
        if (a.positions() != positions.length || (b != null && b.positions() != positions.length)
                || (pair != null && pair.positions() != positions.length) || (b == null) != (pair == null)) {
            throw new IllegalArgumentException("A's, B's and the joint terms must cover the same positions.");
        }
    }

    /** Binoculars with A observing and B performing; NaN without B or without scored tokens. */
    public double binoculars() {
        return pair == null ? Double.NaN : Detection.binoculars(b.logprob(), pair.crossEntropy());
    }

    /** Fast-DetectGPT with A scoring and B as reference (A itself without B); NaN without scored tokens. */
    public double fastDetectGpt() {
        return pair == null ? a.fastDetectGpt()
                : Detection.fastDetectGpt(a.logprob(), pair.fdgMean(), pair.fdgVariance());
    }

    /** Per-position values ([n], in {@link #positions()}' order) spread over the text's tokens: [tokens], NaN where a token is not scored. */
    public double[] byToken(double[] perPosition) {
        if (perPosition.length != positions.length) {
            throw new IllegalArgumentException("One value per scored position is needed (" + positions.length + "), not "
                    + perPosition.length + ".");
        }
        double[] out = new double[tokens];
        java.util.Arrays.fill(out, Double.NaN);
        for (int i = 0; i < positions.length; i++) {
            out[positions[i]] = perPosition[i];
        }
        return out;
    }

    /** Each scored token's share of {@link #binoculars()} − 1 (see {@link Detection#binocularsContributions}); null without B. */
    public double[] binocularsContributions() {
        return pair == null ? null : Detection.binocularsContributions(b.logprob(), pair.crossEntropy());
    }

    /** Each scored token's share of {@link #fastDetectGpt()}; they sum to it. */
    public double[] fastDetectGptContributions() {
        if (pair == null) {
            double[] mean = new double[a.positions()];
            for (int i = 0; i < mean.length; i++) mean[i] = -a.entropy()[i];
            return Detection.fastDetectGptContributions(a.logprob(), mean, a.selfVariance());
        }
        return Detection.fastDetectGptContributions(a.logprob(), pair.fdgMean(), pair.fdgVariance());
    }
}
