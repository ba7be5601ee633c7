package org.tokenscope.analysis;

/**
 * One forward pass of a sliding-window scoring: which text tokens it feeds and which it scores.
 * Indices are text-token indices (0 = first token of the text; {@code <|endoftext|>} is not counted).
 *
 * <p>The model is fed {@code [<|endoftext|>] + tokens[start, end)} when {@code bos}, else
 * {@code tokens[start, end)}: {@link #length()} positions. It returns logits [length, vocab]; the
 * row that predicts token {@code t} (for {@code scoreFrom ≤ t < scoreTo}) is {@link #logitRow(int)}.
 *
 * @param bos       whether {@code <|endoftext|>} is fed before {@code tokens[start]} (first window only)
 * @param start     first text token fed
 * @param end       one past the last text token fed
 * @param scoreFrom first text token this window scores
 * @param scoreTo   one past the last text token this window scores ({@code = end})
 */
public record Window(boolean bos, int start, int end, int scoreFrom, int scoreTo) {

    public Window {
        if (start < 0 || start > end || scoreFrom > scoreTo || scoreTo > end
                || scoreFrom < start + (bos ? 0 : 1)) {
            throw new IllegalArgumentException("Inconsistent window " + start + ".." + end
                    + " scoring " + scoreFrom + ".." + scoreTo + (bos ? " with BOS" : "") + ".");
        }
    }

    /** Number of positions fed to the model: the text tokens, plus one for {@code <|endoftext|>}. */
    public int length() {
        return end - start + (bos ? 1 : 0);
    }

    /** Number of tokens this window scores. */
    public int scoredCount() {
        return scoreTo - scoreFrom;
    }

    /** Whether this window scores token {@code t}. */
    public boolean scores(int t) {
        return scoreFrom <= t && t < scoreTo;
    }

    /** The row of this window's logits [length, vocab] that predicts text token {@code t}. */
    public int logitRow(int t) {
        if (!scores(t)) {
            throw new IllegalArgumentException("Token " + t + " is not scored by window " + this + ".");
        }
        return t - start - 1 + (bos ? 1 : 0);
    }

    /** How many positions of context precede token {@code t} in this window ({@code logitRow(t) + 1}). */
    public int contextOf(int t) {
        return logitRow(t) + 1;
    }
}
