package org.tokenscope.analysis;

import java.util.List;
import java.util.Locale;

/**
 * Why a model predicted one token of a text: a score for each token before it, by one method.
 * Positive scores pushed the target up (or, for a contrast, towards the target rather than the
 * alternative); negative ones pushed it down.
 *
 * @param tokens every token of the text, as {@code score} indexes them
 * @param scores one per token before the target: {@code scores[i]} belongs to token i
 * @param completenessError for integrated gradients, |Σ scores − (f(x) − f(baseline))|; else null
 */
public record Attribution(String model, String text, List<TokenScore> tokens, Target target, Method method,
                          double[] scores, Double completenessError) {

    public Attribution {
        tokens = List.copyOf(tokens);
        scores = scores.clone();
        if (scores.length != target.position()) {
            throw new IllegalArgumentException("one score per token before the target");
        }
    }

    /** The token explained: its log-probability, and the alternative it is contrasted with (or null). */
    public record Target(int position, int id, String text, double logprob, Contrast contrast) {
        /** f: log p(target), or log p(target) − log p(contrast). */
        public double value() {
            return contrast == null ? logprob : logprob - contrast.logprob();
        }
    }

    /** "Why X rather than Y": Y's id, text and log-probability at the same position. */
    public record Contrast(int id, String text, double logprob) {
    }

    /** How the scores were made. */
    public enum Method {
        GRADIENT_X_INPUT("grad-x-input", "gradient × input"),
        INTEGRATED_GRADIENTS("integrated-gradients", "integrated gradients"),
        ROLLOUT("rollout", "attention rollout"),
        OCCLUSION("occlusion", "occlusion");

        private final String id;
        private final String label;

        Method(String id, String label) {
            this.id = id;
            this.label = label;
        }

        /** The name on the command line and in JSON. */
        public String id() {
            return id;
        }

        public String label() {
            return label;
        }

        /** Rollout's scores are shares of attention (≥ 0), the others signed changes of f. */
        public boolean signed() {
            return this != ROLLOUT;
        }

        public static Method parse(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (Method m : values()) {
                if (m.id.equals(n) || m.name().equalsIgnoreCase(n.replace('-', '_'))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("Unknown method \"" + name
                    + "\": use grad-x-input, integrated-gradients, rollout or occlusion.");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** The largest |score|: the end of a symmetric colour scale (0 when there are no scores). */
    public double largest() {
        double m = 0;
        for (double s : scores) {
            if (Double.isFinite(s)) {
                m = Math.max(m, Math.abs(s));
            }
        }
        return m;
    }
}
