package org.tokenscope.generate;

/**
 * Transforms the scores of the next token given the sequence so far, like a transformers
 * {@code LogitsProcessor}. Processors are small immutable values that compose with {@link #andThen}.
 *
 * <p>Scores are logits for greedy decoding and sampling, and log-probabilities
 * ({@code log_softmax(logits)}) in beam search, as in transformers. A filtered token gets −∞.
 */
@FunctionalInterface
public interface LogitsProcessor {

    /**
     * @param sequence the sequence so far, prompt included [n]
     * @param scores   scores of the next token [vocab]; not modified
     * @return new scores [vocab]
     */
    double[] process(int[] sequence, double[] scores);

    /** This processor, then {@code next}. */
    default LogitsProcessor andThen(LogitsProcessor next) {
        return ProcessorChain.of(this, next);
    }

    /** The processor that changes nothing. */
    static LogitsProcessor identity() {
        return ProcessorChain.EMPTY;
    }
}
