package org.tokenscope.generate;

import java.util.Arrays;
import java.util.List;

/**
 * What a generation produced.
 *
 * @param promptIds the prompt as given (no BOS added)
 * @param strategy  the strategy that ran
 * @param sequences one for greedy and sampling; for beam search every final beam, best first
 * @param cancelled whether the caller cancelled before the end
 * @param beamTree  for beam search, every candidate of every step with its parent; null otherwise
 */
public record GenerationResult(int[] promptIds, Strategy strategy, List<Sequence> sequences, boolean cancelled,
                               BeamTree beamTree) {

    public GenerationResult {
        promptIds = promptIds.clone();
        sequences = List.copyOf(sequences);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    /** The first (for beam search, best) sequence. */
    public Sequence best() {
        return sequences.get(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationResult r && Arrays.equals(promptIds, r.promptIds)
                && strategy.equals(r.strategy) && sequences.equals(r.sequences) && cancelled == r.cancelled
                && java.util.Objects.equals(beamTree, r.beamTree);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(promptIds) * 31 + sequences.hashCode();
    }

    @Override
    public String toString() {
        return "GenerationResult[prompt=" + Arrays.toString(promptIds) + ", strategy=" + strategy
                + ", sequences=" + sequences + ", cancelled=" + cancelled + "]";
    }
}
