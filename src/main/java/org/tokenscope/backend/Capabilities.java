package org.tokenscope.backend;

import org.tokenscope.analysis.Attribution;

/**
 * What a {@link Backend} can do, so that callers ask it instead of testing its class.
 *
 * @param maxTopK    the most alternatives per position it gives (a remote server's limit: vLLM refuses more
 *                   than its {@code --max-logprobs}, 20 by default)
 * @param internals  whether it can look inside the model (attention, logit lens: {@link Backend#inspect})
 * @param beamSearch whether it generates by beam search
 * @param entropy    whether its scores carry each position's entropy (a server's top-k does not determine it)
 * @param where      where it runs, for the status bar: "CPU" or "remote server"
 */
public record Capabilities(int maxTopK, boolean internals, boolean beamSearch, boolean entropy, String where) {

    public Capabilities {
        if (maxTopK < 0) {
            throw new IllegalArgumentException("maxTopK must be 0 or more, not " + maxTopK + ".");
        }
    }

    /** Our own model on the local engine: everything, as many alternatives as the vocabulary has. */
    public static Capabilities local(int vocabulary) {
        return new Capabilities(vocabulary, true, true, true, "CPU");
    }

    /**
     * Why this backend cannot attribute by {@code method}, in one sentence; null when it can. Occlusion
     * only scores texts, so every backend can; the others need the model's gradients or attention.
     */
    public String whyNot(Attribution.Method method) {
        if (internals || method == Attribution.Method.OCCLUSION) {
            return null;
        }
        return "Attribution by " + method.label() + " needs a local model (its gradients or attention); on a "
                + where + " pick occlusion, which only scores texts.";
    }

    /** {@code wanted} alternatives, or as many as this backend gives. */
    public int topK(int wanted) {
        return Math.min(wanted, maxTopK);
    }
}
