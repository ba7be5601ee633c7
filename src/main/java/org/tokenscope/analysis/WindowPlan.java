package org.tokenscope.analysis;

import java.util.List;

/**
 * The windows that score a text of {@code tokens} tokens with a model of {@code context} positions.
 * See {@link Windows#plan(int, boolean, int, int)} for how they are laid out.
 *
 * @param tokens  number of text tokens
 * @param bos     whether {@code <|endoftext|>} precedes the text (so that token 0 is scored)
 * @param context the model's maximum number of positions
 * @param stride  the stride asked for; each window after the first scores at most
 *                {@link #newTokensPerWindow()} tokens
 * @param windows the forward passes, in order; together they score every token once, except token 0
 *                when there is no BOS
 */
public record WindowPlan(int tokens, boolean bos, int context, int stride, List<Window> windows) {

    public WindowPlan {
        windows = List.copyOf(windows);
    }

    /** Whether the text needed more than one window. */
    public boolean sliding() {
        return windows.size() > 1;
    }

    /** How many new tokens each window after the first scores, at most: {@code min(stride, context − 1)}. */
    public int newTokensPerWindow() {
        return Math.min(stride, context - 1);
    }

    /** The first scored token: 0 with BOS, 1 without (token 0 has no context). */
    public int firstScored() {
        return bos ? 0 : Math.min(1, tokens);
    }

    /** Whether token {@code t} is scored at all. */
    public boolean isScored(int t) {
        return t >= firstScored() && t < tokens;
    }

    /** The window that scores token {@code t}. */
    public Window windowFor(int t) {
        for (Window w : windows) {
            if (w.scores(t)) return w;
        }
        throw new IllegalArgumentException("Token " + t + " of " + tokens + " is not scored"
                + (t == 0 && !bos ? " (the first token has no context without BOS)." : "."));
    }
}
