package org.tokenscope.analysis;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one forward pass over a text looked like from inside, as plain values.
 *
 * @param model      the model that ran
 * @param heads      attention heads per layer
 * @param text       the text as given
 * @param tokens     its tokens (unscored: ids and spans), fed without {@code <|endoftext|>} before them and cut
 *                   to the model's context
 * @param textTokens how many tokens the whole text has (more than {@code tokens.size()} when it was cut)
 * @param attention  layer → [head][query][key] weights, only for the layers asked for
 * @param lens       the logit lens, or null when it was not asked for
 */
public record Inspection(ModelSummary model, int heads, String text, List<TokenScore> tokens, int textTokens,
                         Map<Integer, float[][][]> attention, LogitLens lens) {

    public Inspection {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        tokens = List.copyOf(tokens);
        attention = Collections.unmodifiableMap(new TreeMap<>(attention));
    }

    /** Whether the text was longer than the model's context, so that only its first tokens were run. */
    public boolean truncated() {
        return textTokens > tokens.size();
    }
}
