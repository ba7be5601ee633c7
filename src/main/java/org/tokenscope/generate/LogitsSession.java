package org.tokenscope.generate;

/**
 * A decoding session over one sequence: the model with its key/value cache.
 * Feeding tokens extends the sequence; each call costs only the new positions.
 * Implementations own native memory, so close them.
 */
public interface LogitsSession extends AutoCloseable {

    /** Appends {@code ids} to the sequence and returns the logits that predict the next token. */
    float[] append(int[] ids); // [vocab]

    /** An independent copy of this session (same tokens, same cache), for beam search. */
    LogitsSession fork();

    /** How many tokens the session has consumed. */
    int length();

    @Override
    void close();
}
