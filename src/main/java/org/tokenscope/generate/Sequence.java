package org.tokenscope.generate;

import java.util.Arrays;
import java.util.List;

/**
 * One generated continuation.
 *
 * @param ids        the new token ids (the prompt is not repeated), end-of-text included when produced
 * @param text       their text, the end-of-text token left out; incomplete characters as {@code \xNN}
 * @param score      greedy and sampling: the joint log-probability {@code Σ step.logprob} of the
 *                   continuation under the model; beam search: the beam score
 *                   {@code Σ step.processedLogprob / ids.length^lengthPenalty}
 * @param steps      one per id
 * @param stopReason why it ended
 */
public record Sequence(int[] ids, String text, double score, List<Step> steps, StopReason stopReason) {

    public Sequence {
        ids = ids.clone();
        steps = List.copyOf(steps);
        if (ids.length != steps.size()) throw new IllegalArgumentException("One step per id is needed.");
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    public int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sequence s && Arrays.equals(ids, s.ids) && text.equals(s.text)
                && Double.compare(score, s.score) == 0 && steps.equals(s.steps) && stopReason == s.stopReason;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + steps.hashCode();
    }

    @Override
    public String toString() {
        return "Sequence[ids=" + Arrays.toString(ids) + ", text=" + text + ", score=" + score
                + ", stopReason=" + stopReason + "]";
    }
}
