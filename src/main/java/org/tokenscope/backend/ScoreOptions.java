package org.tokenscope.backend;

/**
 * How to score a text.
 *
 * @param bos feed the model's start token before the text so that its first token is scored too: GPT-2's
 *     {@code <|endoftext|>}, or the BOS the model's tokenizer adds by itself (none for Qwen: then the first
 *     token stays unscored whatever this says)
 * @param topK how many alternatives to keep per position
 * @param stride window stride for texts longer than the context, or 0 for half the context
 */
public record ScoreOptions(boolean bos, int topK, int stride) {

    public static final ScoreOptions DEFAULT = new ScoreOptions(true, 5, 0);

    public ScoreOptions {
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be 0 or more, not " + topK + ".");
        }
        if (stride < 0) {
            throw new IllegalArgumentException("The stride must be positive, not " + stride + ".");
        }
    }
}
