package org.tokenscope.model;

/**
 * A text cut into tokens. Spans are UTF-16 indices into {@code text} (what {@link String} uses).
 * A byte-level token may hold only part of a character (an emoji is often two or three tokens):
 * then {@code partial[i]} is true and its span covers the whole character it belongs to.
 *
 * @param ids token ids: [n]
 * @param starts start of each token's span: [n]
 * @param ends end (exclusive) of each token's span: [n]
 * @param partial whether the token holds only part of a character: [n]
 * @param bytes the UTF-8 bytes each token stands for: [n][*]
 */
public record TokenizedText(String text, int[] ids, int[] starts, int[] ends, boolean[] partial, byte[][] bytes) {

    public int size() {
        return ids.length;
    }

    /** The token's text as it reads: the whole character when the token holds only part of one. */
    public String display(int i) {
        return text.substring(starts[i], ends[i]);
    }
}
