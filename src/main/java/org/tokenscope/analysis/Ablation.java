package org.tokenscope.analysis;

import java.util.List;

/**
 * What zeroing one part of the model does to every token: its log-probability with the model
 * whole and with the part zero-ablated (a head's output before the output projection, or a block's
 * MLP output). NaN where a token is not scored (the first, without a start token).
 *
 * @param head the head (from 0), or -1 for the MLP of {@code layer}
 */
public record Ablation(String model, String text, List<TokenScore> tokens, int layer, int head, double[] logprob,
                       double[] logprobAblated) {

    public Ablation {
        tokens = List.copyOf(tokens);
        logprob = logprob.clone();
        logprobAblated = logprobAblated.clone();
    }

    /** "head 3.5" or "MLP 3", as {@code inspect} counts. */
    public String label() {
        return head >= 0 ? "head " + layer + "." + head : "MLP " + layer;
    }

    /** log p ablated − log p, per token (NaN where unscored). */
    public double[] delta() {
        double[] d = new double[logprob.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = logprobAblated[i] - logprob[i];
        }
        return d;
    }
}
