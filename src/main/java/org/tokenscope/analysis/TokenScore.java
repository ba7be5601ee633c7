package org.tokenscope.analysis;

import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * One token of a scored text.
 *
 * <p>The scores are those of the model's distribution at the position that predicts this token,
 * given everything before it. They are all {@code null} (and {@code top} empty) when the token is
 * unscored: the first token of a text fed without {@code <|endoftext|>} has nothing before it.
 * A scored token always has its log-probability; its rank and entropy may still be {@code null} when
 * the backend cannot know them (a remote server reports only the top k of the distribution: the
 * rank of a token outside them is unknown, and the entropy cannot be computed from them at all).
 *
 * @param index    position of the token in the text, from 0
 * @param id       token id, or −1 when the backend does not say (a remote server that sends only token strings)
 * @param text     what the token stands for, never a replacement character: its characters, or,
 *                 for a token that is only part of a character, that character or its bytes
 *                 ({@code \xF0\x9F}) as the scorer chooses
 * @param start    UTF-16 index of the token's first character in the text
 * @param end      UTF-16 index just past the token's last character
 * @param partial  whether the token holds only part of a character (multi-byte UTF-8 split across tokens)
 * @param logprob  natural log-probability, or null when unscored
 * @param prob     {@code exp(logprob)}, or null when unscored
 * @param rank     1 when the token was the model's top choice, or null when unscored or unknown
 * @param entropy  entropy of the predictive distribution in nats, or null when unscored or unknown
 * @param top      the most probable tokens at this position, best first (empty when unscored)
 */
public record TokenScore(int index, int id, String text, int start, int end, boolean partial,
                         Double logprob, Double prob, Integer rank, Double entropy, List<Alternative> top) {

    public TokenScore {
        Objects.requireNonNull(text, "text");
        top = List.copyOf(top);
        boolean scored = logprob != null;
        if ((prob != null) != scored) {
            throw new IllegalArgumentException("logprob and prob must be both present or both null.");
        }
        if (!scored && (rank != null || entropy != null)) {
            throw new IllegalArgumentException("An unscored token has no rank and no entropy.");
        }
        if (!scored && !top.isEmpty()) {
            throw new IllegalArgumentException("An unscored token has no alternatives.");
        }
    }

    /** A token scored from the distribution {@code d} that predicts it, with its {@code topK} alternatives. */
    public static TokenScore scored(int index, int id, String text, int start, int end, boolean partial,
                                    Distribution d, int topK, IntFunction<String> tokenText) {
        double lp = d.logProb(id);
        return new TokenScore(index, id, text, start, end, partial, lp, Math.exp(lp), d.rank(id), d.entropy(),
                d.top(topK).alternatives(tokenText));
    }

    /** A token with nothing before it to predict it. */
    public static TokenScore unscored(int index, int id, String text, int start, int end, boolean partial) {
        return new TokenScore(index, id, text, start, end, partial, null, null, null, null, List.of());
    }

    public boolean isScored() {
        return logprob != null;
    }
}
