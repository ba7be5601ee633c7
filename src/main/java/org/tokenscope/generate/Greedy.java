package org.tokenscope.generate;

/**
 * Greedy decoding: the token with the highest processed score (ties: lowest id), as transformers'
 * {@code generate()} with {@code do_sample=False, num_beams=1}. Only the repetition penalty applies
 * there; temperature, top-k and top-p don't change an argmax worth speaking of and are not offered.
 *
 * @param processor applied to the logits before the argmax
 */
public record Greedy(LogitsProcessor processor) implements Strategy {

    /** Plain greedy decoding. */
    public Greedy() {
        this(LogitsProcessor.identity());
    }

    /** Greedy decoding after a repetition penalty (1 means none). */
    public static Greedy withRepetitionPenalty(double penalty) {
        return penalty == 1.0 ? new Greedy() : new Greedy(ProcessorChain.of(new RepetitionPenalty(penalty)));
    }
}
