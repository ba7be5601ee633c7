package org.tokenscope.analysis;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One classifier's verdicts on a list of pairs.
 *
 * @param model the classifier's name (a folder's name or a Hub id, with {@code @revision} when pinned)
 * @param architecture what it is, as config.json names it
 * @param parameters its parameter count
 * @param maxTokens the longest input it reads (longer pairs are cut)
 * @param labels its labels in output order: {@code ["score"]} for a single-output model
 * @param pairs the verdicts, in input order
 */
public record PairScores(String model, String architecture, long parameters, int maxTokens, List<String> labels,
                         List<PairScore> pairs) {

    public PairScores {
        labels = List.copyOf(labels);
        pairs = List.copyOf(pairs);
    }

    /**
     * The label a one-number summary shows (the bar in the Pairs tab): {@code score}, else the first
     * label that says the hypothesis follows (entailment, consistent, supported...), else the first.
     */
    public String primaryLabel() {
        for (String label : labels) {
            String l = label.toLowerCase(Locale.ROOT);
            if (l.equals("score") || l.startsWith("entail") || l.contains("consistent") && !l.contains("inconsistent")
                    || l.equals("supported") || l.equals("support")) {
                return label;
            }
        }
        return labels.getFirst();
    }

    /** The pairs ordered by {@code label}'s score, highest first (ties keep input order). */
    public List<PairScore> sortedBy(String label) {
        return pairs.stream().sorted(Comparator.comparingDouble((PairScore p) -> -p.score(label))).toList();
    }
}
