package org.tokenscope.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 bookkeeping for byte-level tokens. */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * Maps tokens' bytes onto the text's UTF-16 indices. When the bytes do not add up to the text
     * (a tokenizer that normalizes), spans fall back to the whole text for safety.
     */
    static void spans(String text, byte[][] pieces, int[] starts, int[] ends, boolean[] partial) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        // charStart[b] = UTF-16 index of the character that byte b belongs to; charEnd[b] = after it
        int[] charStart = new int[utf8.length + 1];
        int[] charEnd = new int[utf8.length + 1];
        int b = 0;
        for (int u = 0; u < text.length(); ) {
            int cp = text.codePointAt(u);
            int units = Character.charCount(cp);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            for (int k = 0; k < len && b + k < utf8.length; k++) {
                charStart[b + k] = u;
                charEnd[b + k] = u + units;
            }
            b += len;
            u += units;
        }
        charStart[utf8.length] = text.length();
        charEnd[utf8.length] = text.length();
        boolean[] boundary = new boolean[utf8.length + 1];
        for (int i = 0; i <= utf8.length; i++) {
            boundary[i] = i == utf8.length || (utf8[i] & 0xC0) != 0x80;
        }
        int total = 0;
        for (byte[] p : pieces) {
            total += p.length;
        }
        boolean aligned = total == utf8.length;
        int offset = 0;
        for (int i = 0; i < pieces.length; i++) {
            int len = pieces[i].length;
            if (!aligned || offset + len > utf8.length) {
                starts[i] = 0;
                ends[i] = text.length();
                partial[i] = false;
                continue;
            }
            starts[i] = charStart[offset];
            ends[i] = len == 0 ? starts[i] : charEnd[offset + len - 1];
            partial[i] = !boundary[offset] || !boundary[offset + len];
            offset += len;
        }
    }

    /** The bytes as text where they are whole UTF-8, else each byte as {@code \xNN}. */
    public static String readable(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            StringBuilder sb = new StringBuilder();
            for (byte x : bytes) {
                sb.append(String.format("\\x%02X", x & 0xFF));
            }
            return sb.toString();
        }
    }
}
