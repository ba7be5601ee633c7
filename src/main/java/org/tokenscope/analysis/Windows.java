package org.tokenscope.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans the forward passes that score a text longer than the model's context, so that every token
 * is scored exactly once with as much left context as a window allows (after the Hugging Face guide
 * "Perplexity of fixed-length models").
 *
 * <h2>Layout</h2>
 * Work on the sequence the model sees: {@code seq = [<|endoftext|>] + text} with BOS ({@code N = n + 1}
 * positions; text token {@code t} is {@code seq[t + 1]}), or {@code seq = text} without ({@code N = n}).
 * Position {@code j} of {@code seq} is predicted by the logits at {@code j − 1}, so it can be scored by
 * a window {@code [b, e)} when {@code b < j < e}. Let {@code C} be the context and
 * {@code s = min(S, C − 1)} the number of new positions per window.
 * <ol>
 *   <li>If {@code N ≤ C}: one window {@code [0, N)} scoring positions {@code [1, N)}.</li>
 *   <li>Otherwise the first window is {@code [0, C)} and scores {@code [1, C)}. Each next window scores
 *       the next {@code s} positions {@code [p, e)} with {@code e = min(p + s, N)}, and starts
 *       {@code C} positions before its end: {@code [e − C, e)}. So every window is exactly {@code C}
 *       long and each position it scores sees at least {@code C − s} positions of context. Windows
 *       stop when {@code e = N}.</li>
 * </ol>
 * Middle windows coincide with the guide's ({@code begin = k·S}); the last window differs: the guide
 * shortens it, here it is shifted left to full length, so its tokens get more context. A stride of
 * {@code C} acts as {@code C − 1}: a window must keep at least one position of context before the first
 * token it scores, or that token would be scored from nothing (the guide silently drops it).
 *
 * <p>With BOS, {@code <|endoftext|>} is the first window's first position (that window holds
 * {@code 1 + (C − 1)} text tokens and scores all of them, token 0 from {@code <|endoftext|>} alone);
 * later windows are plain slices of the text. Without BOS, token 0 is never scored. Windows that
 * would score nothing are not planned: an empty text, or a single token without BOS, has no windows.
 */
public final class Windows {

    private Windows() {
    }

    /** The default stride: half the context (at least 1). */
    public static int defaultStride(int context) {
        return Math.max(1, context / 2);
    }

    /** {@link #plan(int, boolean, int, int)} with the default stride. */
    public static WindowPlan plan(int tokens, boolean bos, int context) {
        return plan(tokens, bos, context, defaultStride(context));
    }

    /**
     * @param tokens  number of text tokens n ≥ 0
     * @param bos     whether {@code <|endoftext|>} is prepended as the first window's context
     * @param context the model's context C ≥ 2
     * @param stride  S, 1 ≤ S ≤ C: how many new tokens each window after the first scores
     *                (S = C acts as C − 1)
     */
    public static WindowPlan plan(int tokens, boolean bos, int context, int stride) {
        if (tokens < 0) throw new IllegalArgumentException("The number of tokens cannot be negative: " + tokens + ".");
        if (context < 2) {
            throw new IllegalArgumentException("The context must hold at least 2 positions, got " + context + ".");
        }
        if (stride < 1 || stride > context) {
            throw new IllegalArgumentException("The stride must be between 1 and the context (" + context
                    + "), got " + stride + ".");
        }
        int offset = bos ? 1 : 0;           // seq position of text token 0
        int n = tokens + offset;            // N, the sequence length
        int step = Math.min(stride, context - 1);
        List<Window> windows = new ArrayList<>();
        int end = Math.min(n, context);
        add(windows, bos, offset, 0, end, 1);
        while (end < n) {
            int from = end;
            end = Math.min(from + step, n);
            add(windows, bos, offset, end - context, end, from);
        }
        return new WindowPlan(tokens, bos, context, stride, windows);
    }

    /** Adds window seq[b, e) scoring seq[from, e), in text coordinates, if it scores anything. */
    private static void add(List<Window> windows, boolean bos, int offset, int b, int e, int from) {
        if (from >= e) return;
        boolean hasBos = bos && b == 0;
        int start = hasBos ? 0 : b - offset;
        windows.add(new Window(hasBos, start, e - offset, from - offset, e - offset));
    }
}
