package org.tokenscope.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier's verdict on one pair.
 *
 * @param scores each label's score, in label order: a sigmoid (one output, label "score") or a softmax
 * @param top the label with the highest score
 * @param tokens how many tokens the classifier read, special tokens included
 * @param truncated whether the pair was cut to fit the classifier
 */
public record PairScore(TextPair pair, Map<String, Double> scores, String top, int tokens, boolean truncated) {

    public PairScore {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** The scores of {@code labels} in order, and the best of them as {@link #top}. */
    public static PairScore of(TextPair pair, List<String> labels, double[] scores, int tokens, boolean truncated) {
        if (labels.size() != scores.length || labels.isEmpty()) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.size() + " labels.");
        }
        Map<String, Double> map = new LinkedHashMap<>();
        int best = 0;
        for (int i = 0; i < scores.length; i++) {
            map.put(labels.get(i), scores[i]);
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return new PairScore(pair, map, labels.get(best), tokens, truncated);
    }

    /** The score of {@code label}, or NaN when the classifier has no such label. */
    public double score(String label) {
        Double s = scores.get(label);
        return s == null ? Double.NaN : s;
    }
}
