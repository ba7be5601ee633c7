package org.tokenscope.analysis;

import java.util.List;
import java.util.Objects;

/**
 * A text scored by one model, token by token.
 *
 * @param text       the text as given
 * @param bos        whether a start token (GPT-2's {@code <|endoftext|>}, a tokenizer's BOS) was fed before the text (so that the first token is scored)
 * @param model      the model that scored it
 * @param tokens     one score per token, in order
 * @param perplexity {@link Perplexity#of(List)} over the scored tokens; NaN when none is scored
 * @param windows    how the text was cut into windows of the model's context (one window when it fit)
 */
public record ScoredText(String text, boolean bos, ModelSummary model, List<TokenScore> tokens,
                         double perplexity, WindowPlan windows) {

    public ScoredText {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(windows, "windows");
        tokens = List.copyOf(tokens);
    }

    /** A scored text whose perplexity is computed from its tokens. */
    public static ScoredText of(String text, boolean bos, ModelSummary model, List<TokenScore> tokens,
                                WindowPlan windows) {
        return new ScoredText(text, bos, model, tokens, Perplexity.of(tokens), windows);
    }
}
