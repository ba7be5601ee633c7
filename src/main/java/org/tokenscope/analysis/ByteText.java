package org.tokenscope.analysis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text for byte-level tokens. GPT-2 tokens are byte sequences, and a character of several UTF-8
 * bytes (an emoji, most CJK) may be split across tokens. These functions never produce the
 * replacement character: bytes that are not (yet) a whole character are written as {@code \xNN}.
 *
 * <p>Well-formed means Unicode's table 3-7 (no overlong forms, no surrogates, nothing above U+10FFFF).
 */
public final class ByteText {

    private ByteText() {
    }

    /**
     * The well-formed UTF-8 sequences of {@code bytes} decoded, and every other byte written as
     * {@code \xNN} (upper-case hex): {@code [F0 9F]} gives {@code "\xF0\x9F"}, {@code [61 F0 9F]} gives
     * {@code "a\xF0\x9F"}.
     */
    public static String display(byte[] bytes) {
        return display(bytes, 0, bytes.length);
    }

    /** {@link #display(byte[])} of {@code bytes[from, to)}. */
    public static String display(byte[] bytes, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int len = sequenceLength(bytes, i, to);
            if (len > 0) {
                out.append(new String(bytes, i, len, StandardCharsets.UTF_8));
                i += len;
            } else {
                out.append(escape(bytes[i]));
                i++;
            }
        }
        return out.toString();
    }

    /**
     * Text to read, as {@code transformers}' decode gives it: the well-formed sequences of
     * {@code bytes[from, to)} decoded, a character cut off by {@code to} one U+FFFD, and every other
     * byte (a stray piece of a character) one U+FFFD. Generated text is shown so: never {@code \xNN}.
     */
    public static String decode(byte[] bytes, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int len = sequenceLength(bytes, i, to);
            if (len > 0) {
                out.append(new String(bytes, i, len, StandardCharsets.UTF_8));
                i += len;
            } else {
                out.append(REPLACEMENT);
                i = len < 0 ? to : i + 1; // an unfinished character at the end: one mark for all of it
            }
        }
        return out.toString();
    }

    /** The character transformers' decode writes for bytes that are not a whole character. */
    public static final char REPLACEMENT = '\uFFFD';

    /**
     * What each of consecutive byte pieces (a sequence's generated tokens) shows, as the heatmap shows
     * tokens: its whole characters, and a character whose bytes are split across pieces as that
     * character with the part this piece holds, "😀¹⁄₂" then "😀²⁄₂"; bytes that never make a
     * character as U+FFFD.
     */
    public static List<String> pieceTexts(List<byte[]> pieces) {
        int total = 0;
        for (byte[] p : pieces) total += p.length;
        byte[] all = new byte[total];
        int[] owner = new int[total]; // piece of each byte
        int at = 0;
        for (int k = 0; k < pieces.size(); k++) {
            byte[] p = pieces.get(k);
            System.arraycopy(p, 0, all, at, p.length);
            Arrays.fill(owner, at, at + p.length, k);
            at += p.length;
        }
        StringBuilder[] texts = new StringBuilder[pieces.size()];
        for (int k = 0; k < texts.length; k++) texts[k] = new StringBuilder();
        int i = 0;
        while (i < total) {
            int len = sequenceLength(all, i, total);
            if (len <= 0) {
                texts[owner[i]].append(REPLACEMENT);
                i = len < 0 ? skipOwned(owner, i, total) : i + 1;
                continue;
            }
            String character = new String(all, i, len, StandardCharsets.UTF_8);
            int first = owner[i];
            int last = owner[i + len - 1];
            for (int k = first; k <= last; k++) {
                if (k > first && pieces.get(k).length == 0) continue;
                texts[k].append(character);
                if (last > first) texts[k].append(partMark(k - first + 1, last - first + 1));
            }
            i += len;
        }
        List<String> out = new ArrayList<>(texts.length);
        for (StringBuilder t : texts) out.add(t.toString());
        return out;
    }

    /** An unfinished character at the end: its bytes in later pieces get one mark each, as each piece shows something. */
    private static int skipOwned(int[] owner, int i, int total) {
        int k = owner[i];
        int j = i + 1;
        while (j < total && owner[j] == k) j++;
        return j;
    }

    /** "¹⁄₂": part {@code k} of {@code n}, as figures mark the parts of a split character. */
    public static String partMark(int k, int n) {
        return digits(k, "⁰¹²³⁴⁵⁶⁷⁸⁹") + "⁄" + digits(n, "₀₁₂₃₄₅₆₇₈₉");
    }

    private static String digits(int v, String glyphs) {
        StringBuilder sb = new StringBuilder();
        for (char c : Integer.toString(v).toCharArray()) sb.append(glyphs.charAt(c - '0'));
        return sb.toString();
    }

    /** Whether {@code bytes} is entirely well-formed UTF-8 (no partial or invalid bytes). */
    public static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int len = sequenceLength(bytes, i, bytes.length);
            if (len <= 0) return false;
            i += len;
        }
        return true;
    }

    /**
     * The length (0 to 3) of the incomplete character at the end of {@code bytes[0, to)}: a lead byte
     * followed by fewer continuation bytes than it needs, all valid so far. More bytes may complete it.
     */
    public static int incompleteTail(byte[] bytes, int to) {
        for (int back = 1; back <= 3 && to - back >= 0; back++) {
            int b = bytes[to - back] & 0xff;
            if (isContinuation(b)) continue;
            int need = needed(b);
            if (need <= back) return 0; // ASCII, invalid, or a complete sequence
            // a lead byte; the bytes after it must be valid continuations so far
            return sequenceLength(bytes, to - back, to) == -1 ? back : 0;
        }
        return 0;
    }

    /** {@code \xNN} for one byte. */
    public static String escape(byte b) {
        return String.format("\\x%02X", b & 0xff);
    }

    /**
     * Length of the well-formed sequence starting at {@code bytes[i]} (within {@code to}), 0 if the bytes
     * there are invalid, or −1 if they are a valid but incomplete prefix cut off by {@code to}.
     */
    private static int sequenceLength(byte[] bytes, int i, int to) {
        int b0 = bytes[i] & 0xff;
        int need = needed(b0);
        if (need == 0) return 0;
        if (need == 1) return 1;
        for (int k = 1; k < need; k++) {
            if (i + k >= to) return -1;
            int b = bytes[i + k] & 0xff;
            int lo = 0x80;
            int hi = 0xBF;
            if (k == 1) {
                if (b0 == 0xE0) lo = 0xA0;
                else if (b0 == 0xED) hi = 0x9F;
                else if (b0 == 0xF0) lo = 0x90;
                else if (b0 == 0xF4) hi = 0x8F;
            }
            if (b < lo || b > hi) return 0;
        }
        return need;
    }

    /** Bytes in the sequence that lead byte {@code b} starts: 1 to 4, or 0 if it cannot start one. */
    private static int needed(int b) {
        if (b < 0x80) return 1;
        if (b >= 0xC2 && b <= 0xDF) return 2;
        if (b >= 0xE0 && b <= 0xEF) return 3;
        if (b >= 0xF0 && b <= 0xF4) return 4;
        return 0;
    }

    private static boolean isContinuation(int b) {
        return b >= 0x80 && b <= 0xBF;
    }
}
