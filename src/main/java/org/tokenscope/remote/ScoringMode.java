package org.tokenscope.remote;

/** How a server scores the tokens of a prompt, as found by asking it. */
public enum ScoringMode {
    /** vLLM's {@code prompt_logprobs} on {@code /v1/completions}: log-probability, rank and top-k with token ids. */
    PROMPT_LOGPROBS,
    /**
     * The legacy OpenAI form {@code echo: true, logprobs: k, max_tokens: 0|1}: token strings, their
     * log-probabilities, {@code text_offset} and the top k as strings (no ids, no ranks beyond the top k).
     */
    ECHO,
    /** Neither: the server only generates. */
    NONE
}
