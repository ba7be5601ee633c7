package org.tokenscope.analysis;

/**
 * Two models' joint terms at each scored position i, with p = A's (observer, scorer s) and q = B's
 * (performer, reference r) next-token distributions.
 *
 * @param crossEntropy Σ_v p(v)·(−log q(v)): Binoculars' observer→performer cross-entropy: [n]
 * @param fdgMean      μ_i = Σ_v q(v)·log p(v): Fast-DetectGPT's expected log-likelihood of the scorer
 *                     under the reference: [n]
 * @param fdgVariance  σ²_i = Σ_v q(v)·(log p(v) − μ_i)²: [n]
 */
public record PairTerms(double[] crossEntropy, double[] fdgMean, double[] fdgVariance) {

    public PairTerms {
        if (fdgMean.length != crossEntropy.length || fdgVariance.length != crossEntropy.length) {
            throw new IllegalArgumentException("Every term needs one value per scored position.");
        }
    }

    public int positions() {
        return crossEntropy.length;
    }
}
