package org.tokenscope.backend;

import org.tokenscope.generate.GenerationResult;

/**
 * A what-if fork and what followed it: a token of a sequence replaced by another, and the model's
 * continuation from there.
 *
 * @param prompt the text before the fork
 * @param fork   where it forked, what was there and what replaced it
 * @param result the generation from the edited prefix: {@code promptIds} are the ids before the fork, the
 *               one sequence's ids start with the alternative (its step scored as the fork's), then the
 *               continuation; its score is the joint log-probability of all of them
 */
public record Branch(String prompt, Fork fork, GenerationResult result) {

    /**
     * One token, before and after the fork.
     *
     * @param logprob its log-probability after the ids before the fork (at position 0, after the model's
     *                start token, as a text's first token is scored)
     */
    public record Choice(int id, String text, double logprob) {
    }

    /** Where the sequence forks (a token index), what was there and what replaces it. */
    public record Fork(int position, Choice replaced, Choice with) {
    }
}
