package org.tokenscope.remote;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Where each of a server's tokens lies in the prompt: UTF-16 spans, as Java strings and
 * {@link org.tokenscope.analysis.TokenScore} count, from the server's own token strings.
 *
 * <h2>With {@code text_offset}</h2>
 * The legacy completions API gives each token's offset in the echoed text. OpenAI and the Python
 * servers count Python characters (code points); a Java string counts UTF-16 units, which differ after
 * every character outside the Basic Multilingual Plane (emoji). So the offsets are tried both ways, as
 * UTF-16 indices and as code point indices converted to UTF-16, and a reading is used only if every
 * token with certain text ({@link ServerToken#certain()}) is found in the prompt exactly at its offset.
 * When neither reading checks out — vLLM's offsets count a start token's text such as {@code <s>}, and
 * llama-cpp-python's skip the characters of tokens it decoded to nothing — the offsets are dropped and
 * the strings are matched instead.
 *
 * <h2>By matching</h2>
 * A cursor walks the prompt. A token with certain text is placed where the prompt continues with it;
 * if the prompt continues with whitespace first, the token takes that whitespace too (SentencePiece
 * tokenizers decode {@code ▁world} on its own as {@code world}); if tokens of uncertain text wait
 * before it, it is placed at its next occurrence (with the whitespace just before that) and the waiting
 * tokens share the text between. A token that cannot be placed (a start token {@code <s>}, a string the
 * server normalised) waits too.
 *
 * <h2>Tokens between placed ones</h2>
 * Tokens of uncertain text (parts of a character: U+FFFD, empty, {@code bytes:}) and unplaced tokens
 * share the text between the placed tokens around them. When the server gave every one of their
 * bytes, the bytes are laid over the text's UTF-8 and each token gets the characters its bytes touch —
 * exact. Otherwise each takes its literal prefix (the space of {@code " \uFFFD"}; for the first of
 * them, whitespace its decoding dropped) and then one
 * character, several tokens sharing a character when there are more tokens than characters (the usual
 * case: one emoji in two or three tokens) and the last taking whatever is left. For a run of several
 * multi-byte characters split into several tokens each this is an approximation: the spans stay
 * within the run, but which token belongs to which character is a guess. Such tokens are marked
 * partial; their span is the whole character(s) they belong to. A token placed nowhere gets an empty
 * span where it stands ({@code <s>} at 0).
 */
final class TokenSpans {

    /** Where the spans came from. */
    enum Source { OFFSETS_UTF16, OFFSETS_CODE_POINTS, MATCHED }

    /**
     * @param start   UTF-16 index of each token's first character
     * @param end     UTF-16 index just past each token's last character
     * @param partial whether each token is only part of a character (or its text was uncertain)
     */
    record Spans(int[] start, int[] end, boolean[] partial, Source source) {
    }

    private TokenSpans() {
    }

    /**
     * @param offsets the server's {@code text_offset}, one per token, or null
     */
    static Spans align(String text, List<ServerToken> tokens, int[] offsets) {
        if (offsets != null && offsets.length == tokens.size()) {
            Spans s = fromOffsets(text, tokens, offsets, false);
            if (s == null) s = fromOffsets(text, tokens, offsets, true);
            if (s != null) return s;
        }
        return byMatching(text, tokens);
    }

    private static Spans fromOffsets(String text, List<ServerToken> tokens, int[] offsets, boolean codePoints) {
        int n = tokens.size();
        int cps = text.codePointCount(0, text.length());
        int[] start = new int[n];
        int[] end = new int[n];
        boolean[] anchored = new boolean[n];
        int certain = 0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            int o = offsets[i];
            if (o < 0 || o > (codePoints ? cps : text.length())) return null;
            int at = codePoints ? text.offsetByCodePoints(0, o) : o;
            if (at < last && anchoredBefore(anchored, i)) return null;
            ServerToken t = tokens.get(i);
            if (t.certain()) {
                String s = t.searchText();
                if (!text.startsWith(s, at) || at < last) return null;
                start[i] = at;
                end[i] = at + s.length();
                anchored[i] = true;
                last = end[i];
                certain++;
            }
        }
        if (certain == 0) return null;
        boolean[] partial = new boolean[n];
        fill(text, tokens, anchored, start, end, partial);
        return new Spans(start, end, partial, codePoints ? Source.OFFSETS_CODE_POINTS : Source.OFFSETS_UTF16);
    }

    private static boolean anchoredBefore(boolean[] anchored, int i) {
        for (int j = 0; j < i; j++) if (anchored[j]) return true;
        return false;
    }

    private static Spans byMatching(String text, List<ServerToken> tokens) {
        int n = tokens.size();
        int[] start = new int[n];
        int[] end = new int[n];
        boolean[] anchored = new boolean[n];
        int cursor = 0;
        boolean waiting = false; // tokens wait to be placed before this one
        for (int i = 0; i < n; i++) {
            ServerToken t = tokens.get(i);
            if (!t.certain()) {
                waiting = true;
                continue;
            }
            int[] span = place(text, t.searchText(), cursor, waiting);
            if (span == null && t.searchText().indexOf('\u2581') >= 0) { // a raw SentencePiece piece
                String spaced = t.searchText().replace('\u2581', ' ');
                span = place(text, spaced, cursor, waiting);
                if (span == null && spaced.length() > 1 && spaced.startsWith(" ")) {
                    span = place(text, spaced.substring(1), cursor, waiting); // the prefix space SentencePiece adds
                }
            }
            if (span == null) {
                waiting = true;
                continue;
            }
            start[i] = span[0];
            end[i] = span[1];
            anchored[i] = true;
            cursor = span[1];
            waiting = false;
        }
        boolean[] partial = new boolean[n];
        fill(text, tokens, anchored, start, end, partial);
        return new Spans(start, end, partial, Source.MATCHED);
    }

    /** The span of {@code s} at the cursor (taking whitespace before it), or at its next occurrence when tokens wait. */
    private static int[] place(String text, String s, int cursor, boolean waiting) {
        if (text.startsWith(s, cursor)) return new int[] {cursor, cursor + s.length()};
        int c = cursor;
        while (c < text.length() && Character.isWhitespace(text.charAt(c))) c++;
        if (c > cursor && text.startsWith(s, c)) return new int[] {cursor, c + s.length()};
        if (waiting) {
            int p = text.indexOf(s, cursor);
            if (p < 0) return null;
            int from = p;
            while (from > cursor && Character.isWhitespace(text.charAt(from - 1))) from--; // the space a decoded ▁word lost
            return new int[] {from, p + s.length()};
        }
        return null;
    }

    /** Gives the tokens between placed ones the text between those (see the class comment). */
    private static void fill(String text, List<ServerToken> tokens, boolean[] anchored, int[] start, int[] end,
                             boolean[] partial) {
        int n = tokens.size();
        int i = 0;
        int gapStart = 0;
        while (i < n) {
            if (anchored[i]) {
                gapStart = end[i];
                i++;
                continue;
            }
            int j = i;
            while (j < n && !anchored[j]) j++;
            int gapEnd = j < n ? Math.max(gapStart, start[j]) : text.length();
            share(text, tokens, i, j, gapStart, Math.max(gapStart, gapEnd), start, end, partial);
            i = j;
        }
    }

    /** Spreads tokens {@code [from, to)} over {@code text[g0, g1)}. */
    private static void share(String text, List<ServerToken> tokens, int from, int to, int g0, int g1,
                              int[] start, int[] end, boolean[] partial) {
        if (byBytes(text, tokens, from, to, g0, g1, start, end, partial)) return;
        int g = g0;
        for (int k = from; k < to; k++) {
            ServerToken t = tokens.get(k);
            int remainingTokens = to - k;
            int s = g;
            String literal = literalPrefix(t);
            if (!literal.isEmpty() && text.startsWith(literal, g) && g + literal.length() <= g1) {
                g += literal.length();
            } else if (k == from && literal.isEmpty() && !t.certain()) {
                while (g < g1 && Character.isWhitespace(text.charAt(g))) g++; // a space the server's decoding dropped
            }
            boolean unknownPart = !t.certain();
            int e = g;
            if (remainingTokens == 1) {
                e = g1;
                g = g1;
            } else if (unknownPart && g < g1) {
                int width = Character.charCount(text.codePointAt(g));
                int remainingChars = text.codePointCount(g, g1);
                e = Math.min(g1, g + width);
                if (remainingTokens <= remainingChars) g = e; // else the next token shares this character
            }
            start[k] = s;
            end[k] = Math.max(s, e);
            boolean shares = k > from && end[k] > start[k] && start[k] < end[k - 1];
            partial[k] = (t.known() && !t.certain()) || shares;
            if (shares) partial[k - 1] = true;
        }
    }

    /** The text before a token's first uncertain part ({@code " "} of {@code " \uFFFD"}). */
    private static String literalPrefix(ServerToken t) {
        if (!t.known() || t.bytes() != null) return "";
        int r = t.text().indexOf(ServerToken.REPLACEMENT);
        return r < 0 ? t.text() : t.text().substring(0, r);
    }

    /** Exact placement when every token of the run has bytes that add up to the gap's UTF-8. */
    private static boolean byBytes(String text, List<ServerToken> tokens, int from, int to, int g0, int g1,
                                   int[] start, int[] end, boolean[] partial) {
        byte[] gap = text.substring(g0, g1).getBytes(StandardCharsets.UTF_8);
        int total = 0;
        for (int k = from; k < to; k++) {
            if (tokens.get(k).bytes() == null) return false;
            total += tokens.get(k).bytes().length;
        }
        if (total != gap.length) return false;
        int[] charOfByte = new int[gap.length + 1]; // UTF-16 index (from g0) of the character holding each byte
        boolean[] boundary = new boolean[gap.length + 1];
        int b = 0;
        for (int c = 0; c < g1 - g0; ) {
            int cp = text.codePointAt(g0 + c);
            int width = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            boundary[b] = true;
            for (int x = 0; x < width; x++) charOfByte[b + x] = c;
            b += width;
            c += Character.charCount(cp);
        }
        charOfByte[gap.length] = g1 - g0;
        boundary[gap.length] = true;
        int at = 0;
        for (int k = from; k < to; k++) {
            byte[] tb = tokens.get(k).bytes();
            if (!Arrays.equals(gap, at, at + tb.length, tb, 0, tb.length)) return false;
            at += tb.length;
        }
        at = 0;
        for (int k = from; k < to; k++) {
            int len = tokens.get(k).bytes().length;
            int s = g0 + charOfByte[at];
            int e = len == 0 ? s : g0 + charOfByte[at + len - 1]
                    + Character.charCount(text.codePointAt(g0 + charOfByte[at + len - 1]));
            start[k] = s;
            end[k] = e;
            partial[k] = !boundary[at] || !boundary[at + len];
            at += len;
        }
        return true;
    }
}
