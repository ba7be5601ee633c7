package org.tokenscope.analysis;

import java.util.List;
import java.util.Objects;

/**
 * One layer's attention over a text, for one head or the mean over its heads.
 *
 * @param model   the model's name
 * @param text    the text as given
 * @param tokens  its tokens (their spans in {@code text})
 * @param layer   the block, from 0
 * @param head    the head, from 0, or null for the mean over heads
 * @param heads   how many heads the layer has
 * @param weights [query][key]: how much query {@code q} attends to key {@code k} (zero for {@code k > q};
 *                each row sums to 1)
 */
public record AttentionMap(String model, String text, List<TokenScore> tokens, int layer, Integer head, int heads,
                           float[][] weights) {

    public AttentionMap {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        tokens = List.copyOf(tokens);
        if (weights.length != tokens.size()) {
            throw new IllegalArgumentException(weights.length + " rows of weights for " + tokens.size() + " tokens.");
        }
    }

    /** The attention of {@code layer} in an inspection: head {@code head}, or the mean over heads when null. */
    public static AttentionMap of(Inspection inspection, int layer, Integer head) {
        float[][][] perHead = inspection.attention().get(layer);
        if (perHead == null) {
            throw new IllegalArgumentException("The inspection holds no attention for layer " + layer + ".");
        }
        if (head != null && (head < 0 || head >= perHead.length)) {
            throw new IllegalArgumentException("Head " + head + " is not between 0 and " + (perHead.length - 1) + ".");
        }
        return new AttentionMap(inspection.model().name(), inspection.text(), inspection.tokens(), layer, head,
                perHead.length, head == null ? mean(perHead) : perHead[head]);
    }

    /** The mean over heads: [heads][query][key] → [query][key]. */
    public static float[][] mean(float[][][] perHead) {
        if (perHead.length == 0) return new float[0][];
        int n = perHead[0].length;
        float[][] mean = new float[n][n];
        for (float[][] h : perHead) {
            for (int q = 0; q < n; q++) {
                for (int k = 0; k <= q && k < h[q].length; k++) mean[q][k] += h[q][k];
            }
        }
        for (float[] row : mean) {
            for (int k = 0; k < n; k++) row[k] /= perHead.length;
        }
        return mean;
    }

    /** How many tokens (queries and keys). */
    public int size() {
        return tokens.size();
    }

    /** What it is: "layer 3, head 5" or "layer 3, mean of 12 heads". */
    public String label() {
        return "layer " + layer + ", " + (head == null ? "mean of " + heads + " heads" : "head " + head);
    }
}
