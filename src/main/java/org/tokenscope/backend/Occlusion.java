package org.tokenscope.backend;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.TokenScore;

/**
 * Occlusion through any {@link Backend} that gives a text's token ids and scores id sequences (a remote
 * vLLM server does both): for every token i before the target, f(x) − f(x without token i), where f is
 * log p(X) — or log p(X) − log p(Y) for "why X rather than Y" — at the position where the target X is
 * predicted. Every f is the backend's own score, so it is exact and needs nothing of the model's insides.
 * Positions are {@code score}'s; the start token the backend feeds is context, never removed.
 */
public final class Occlusion {

    private Occlusion() {
    }

    /**
     * @param contrast a token id (digits) or, where the backend can look it up, one token's text; null for none
     * @param progress counts the sequences scored: the text, then the text without each token
     */
    public static Attribution attribute(Backend backend, String text, int position, String contrast,
                                        BooleanSupplier cancel, ScoreProgress progress) throws IOException {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to explain.");
        }
        Backend.Fed fed = backend.feed(text, cancel);
        List<TokenScore> tokens = fed.tokens();
        int n = tokens.size();
        if (position < 0 || position >= n) {
            throw new IllegalArgumentException("--position " + position + " is outside the text's " + n + " tokens (0 to "
                    + (n - 1) + ").");
        }
        if (position == 0) {
            throw new IllegalArgumentException("Token 0 has no token before it to attribute to; pick a later position.");
        }
        int row = fed.lead() + position; // the target's place among the ids fed
        if (row < 2) {
            throw new IllegalArgumentException("Token 1 is predicted from token 0 alone here (no start token): removing "
                    + "it leaves nothing to score; pick a later position.");
        }
        int id = tokens.get(position).id();
        int y = contrastId(backend, contrast);
        if (y == id) {
            throw new IllegalArgumentException("The contrast is the target itself; pick another token.");
        }
        int[] context = Arrays.copyOf(fed.ids(), row); // [row]: the start token(s) and the tokens before the target
        int[] next = y >= 0 ? new int[] {id, y} : new int[] {id};
        List<int[]> sequences = new ArrayList<>();
        for (int removed = -1; removed < position; removed++) { // -1: the whole text
            int[] kept = removed < 0 ? context : without(context, fed.lead() + removed);
            for (int token : next) {
                int[] s = Arrays.copyOf(kept, kept.length + 1);
                s[kept.length] = token;
                sequences.add(s);
            }
        }
        List<Alternative> scored = backend.lastLogprobs(sequences, cancel, progress);
        if (scored.size() != sequences.size()) {
            throw new IllegalStateException(backend.summary().name() + " scored " + scored.size() + " of "
                    + sequences.size() + " sequences.");
        }
        int per = next.length;
        double full = value(scored, 0, per);
        double[] scores = new double[position];
        for (int i = 0; i < position; i++) {
            scores[i] = full - value(scored, (i + 1) * per, per);
        }
        Attribution.Contrast c = y >= 0 ? new Attribution.Contrast(y, contrastText(tokens.get(position), scored.get(1)),
                scored.get(1).logprob()) : null;
        Attribution.Target target = new Attribution.Target(position, id, tokens.get(position).text(),
                scored.get(0).logprob(), c);
        return new Attribution(backend.summary().name(), text, tokens, target, Attribution.Method.OCCLUSION, scores, null);
    }

    /** f of one variant: log p(X), minus log p(Y) when contrasted. */
    private static double value(List<Alternative> scored, int at, int per) {
        return per == 1 ? scored.get(at).logprob() : scored.get(at).logprob() - scored.get(at + 1).logprob();
    }

    /** {@code ids} with index {@code drop} left out. */
    static int[] without(int[] ids, int drop) {
        int[] out = new int[ids.length - 1];
        System.arraycopy(ids, 0, out, 0, drop);
        System.arraycopy(ids, drop + 1, out, drop, ids.length - 1 - drop);
        return out;
    }

    private static int contrastId(Backend backend, String contrast) {
        if (contrast == null) {
            return -1;
        }
        if (contrast.matches("\\d+")) {
            return Integer.parseInt(contrast);
        }
        try {
            return backend.tokenId(contrast);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("Give the contrast as a token id on " + backend.summary().name()
                    + " (the Top-k tab shows the alternatives' ids): \"" + contrast + "\" cannot be looked up there.");
        }
    }

    /** The contrast's text as the target's alternatives show it, else as the backend scored it. */
    private static String contrastText(TokenScore target, Alternative scored) {
        return target.top().stream().filter(a -> a.id() == scored.id()).map(Alternative::text).findFirst()
                .orElse(scored.text());
    }
}
