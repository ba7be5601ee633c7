package org.tokenscope.analysis;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The logit lens (nostalgebraist, 2020): the residual stream after each layer read through the final
 * LayerNorm and the unembedding, as if the model stopped there. Level 0 is the embeddings, level
 * {@code l + 1} the output of block {@code l}; the last level is the model's own prediction. Position
 * {@code t} predicts token {@code t + 1}.
 *
 * @param model   the model's name
 * @param text    the text as given
 * @param tokens  its tokens (their spans in {@code text})
 * @param rank    the rank of the token that came next: [levels][positions], 1 for the top choice, 0 at the last
 *                position (nothing came next)
 * @param logprob its log-probability: [levels][positions], NaN at the last position
 * @param top     the most probable tokens: [levels][positions][k], best first
 */
public record LogitLens(String model, String text, List<TokenScore> tokens, int[][] rank, float[][] logprob,
                        Alternative[][][] top) {

    public LogitLens {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        tokens = List.copyOf(tokens);
        if (logprob.length != rank.length || top.length != rank.length) {
            throw new IllegalArgumentException("rank, logprob and top have different numbers of levels.");
        }
    }

    /** Levels: the embeddings and each block's output. */
    public int levels() {
        return rank.length;
    }

    public int positions() {
        return tokens.size();
    }

    /** The rank of the token after {@code position} at {@code level}, or null at the end of the text. */
    public Integer nextRank(int level, int position) {
        return position + 1 < positions() ? rank[level][position] : null;
    }

    /** The token after {@code position}, or null at the end of the text. */
    public TokenScore next(int position) {
        return position + 1 < positions() ? tokens.get(position + 1) : null;
    }

    /** The predictions at {@code level} and {@code position}, best first. */
    public List<Alternative> top(int level, int position) {
        return Arrays.asList(top[level][position]);
    }

    /** A level's short name: "emb" for the embeddings, else its block ("0", "1", …). */
    public static String levelName(int level) {
        return level == 0 ? "emb" : Integer.toString(level - 1);
    }

    /** A level in words: "the embeddings", "layer 3". */
    public static String levelLabel(int level) {
        return level == 0 ? "the embeddings" : "layer " + (level - 1);
    }
}
