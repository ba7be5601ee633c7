package org.tokenscope.generate;

/**
 * How the next token is chosen. Each strategy is an immutable value holding the
 * {@link LogitsProcessor} it applies to the model's scores before choosing.
 */
public sealed interface Strategy permits Greedy, Sampling, BeamSearch {

    /** What is applied to the scores before choosing: logits for greedy and sampling, log-probs in beam search. */
    LogitsProcessor processor();
}
