package org.tokenscope.analysis;

/**
 * One model's terms at each scored position i of a text (token x_i after x_&lt;i), with s its
 * next-token distribution there.
 *
 * @param logprob      log s(x_i): [n]
 * @param rank         rank of x_i in s, 1 = the top choice: [n]
 * @param entropy      H_i = −Σ_v s(v)·log s(v), nats: [n]
 * @param selfVariance Σ_v s(v)·(log s(v) + H_i)²: the variance of log s under s itself, Fast-DetectGPT's
 *                     σ²_i when the model is both scorer and reference (its μ_i is then −H_i): [n]
 */
public record ModelTerms(double[] logprob, int[] rank, double[] entropy, double[] selfVariance) {

    public ModelTerms {
        int n = logprob.length;
        if (rank.length != n || entropy.length != n || selfVariance.length != n) {
            throw new IllegalArgumentException("Every term needs one value per scored position.");
        }
    }

    public int positions() {
        return logprob.length;
    }

    /** exp(−mean log s(x_i)); NaN with no positions. */
    public double perplexity() {
        return Perplexity.of(logprob);
    }

    public Gltr gltr() {
        return Gltr.of(rank);
    }

    /** Fast-DetectGPT with this model as both scorer and reference. */
    public double fastDetectGpt() {
        double[] mean = new double[entropy.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = -entropy[i];
        }
        return Detection.fastDetectGpt(logprob, mean, selfVariance);
    }
}
