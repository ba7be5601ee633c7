package org.tokenscope.analysis;

/**
 * Zero-shot detectors of machine-written text, as pure functions of per-position terms.
 *
 * <ul>
 *   <li>Binoculars (Hans et al., 2024): the performer's log-perplexity over the observer→performer
 *       cross-entropy, both means over the same scored positions; lower is more machine-like.</li>
 *   <li>Fast-DetectGPT, analytic form (Bao et al., ICLR 2024): (Σ log s(x_i) − Σ μ_i) / √(Σ σ²_i);
 *       higher is more machine-like.</li>
 * </ul>
 */
public final class Detection {

    private Detection() {
    }

    /**
     * mean_i[−log q(x_i)] / mean_i[Σ_v p(v)·(−log q(v))]; NaN with no positions.
     *
     * @param performerLogprob log q(x_i): [n]
     * @param crossEntropy     Σ_v p(v)·(−log q(v)): [n]
     */
    public static double binoculars(double[] performerLogprob, double[] crossEntropy) { // [n], [n] -> scalar
        check(performerLogprob, crossEntropy);
        if (performerLogprob.length == 0) return Double.NaN;
        double surprise = 0;
        double cross = 0;
        for (int i = 0; i < performerLogprob.length; i++) {
            surprise -= performerLogprob[i];
            cross += crossEntropy[i];
        }
        return surprise / cross; // the 1/n of both means cancel
    }

    /**
     * (Σ log s(x_i) − Σ μ_i) / √(Σ σ²_i); NaN with no positions.
     *
     * @param scorerLogprob log s(x_i): [n]
     * @param mean          μ_i = Σ_v r(v)·log s(v): [n]
     * @param variance      σ²_i = Σ_v r(v)·(log s(v))² − μ_i²: [n]
     */
    public static double fastDetectGpt(double[] scorerLogprob, double[] mean, double[] variance) { // [n]×3 -> scalar
        check(scorerLogprob, mean);
        check(scorerLogprob, variance);
        if (scorerLogprob.length == 0) return Double.NaN;
        double gap = 0;
        double var = 0;
        for (int i = 0; i < scorerLogprob.length; i++) {
            gap += scorerLogprob[i] - mean[i];
            var += variance[i];
        }
        return gap / Math.sqrt(var);
    }

    /**
     * Each position's share of {@link #binoculars} − 1: (−log q(x_i) − ce_i) / Σ_j ce_j, so the
     * shares sum to the score minus one; negative where the performer found the token less surprising
     * than the observer expected it to (machine-like).
     */
    public static double[] binocularsContributions(double[] performerLogprob, double[] crossEntropy) {
        check(performerLogprob, crossEntropy);
        double cross = 0;
        for (double c : crossEntropy) cross += c;
        double[] out = new double[performerLogprob.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (-performerLogprob[i] - crossEntropy[i]) / cross;
        }
        return out;
    }

    /** Each position's share of {@link #fastDetectGpt}: (log s(x_i) − μ_i) / √(Σ_j σ²_j); they sum to the score. */
    public static double[] fastDetectGptContributions(double[] scorerLogprob, double[] mean, double[] variance) {
        check(scorerLogprob, mean);
        check(scorerLogprob, variance);
        double var = 0;
        for (double v : variance) var += v;
        double scale = Math.sqrt(var);
        double[] out = new double[scorerLogprob.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (scorerLogprob[i] - mean[i]) / scale;
        }
        return out;
    }

    private static void check(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Both terms need one value per scored position (" + a.length
                    + " and " + b.length + ").");
        }
    }
}
