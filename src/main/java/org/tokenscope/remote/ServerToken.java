package org.tokenscope.remote;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * A token as a server wrote it: its text, and its exact UTF-8 bytes when the server gives them
 * (OpenAI's {@code "bytes:\xe2\x80"} token strings, the chat API's {@code bytes} arrays).
 *
 * <p>Servers decode each token on its own, so a token that is only part of a character comes as
 * U+FFFD (vLLM, Hugging Face tokenizers), as an empty string (llama-cpp-python decodes with
 * {@code errors="ignore"}) or as {@code bytes:} (OpenAI). Such a token's text is <em>uncertain</em>:
 * {@link TokenSpans} places it by the tokens around it.
 *
 * @param text  the token's text as sent (for {@code bytes:} tokens, the bytes as {@code \xNN})
 * @param bytes the token's UTF-8 bytes when known exactly, else null
 * @param known false when the server sent no text at all for this token (the first prompt token of
 *              vLLM's {@code prompt_logprobs}, whose entry is null)
 */
record ServerToken(String text, byte[] bytes, boolean known) {

    static final char REPLACEMENT = '\uFFFD';

    /** A token the server sent no text for. */
    static ServerToken unknown() {
        return new ServerToken("", null, false);
    }

    /** A token string from a server, {@code bytes:\xNN…} decoded. */
    static ServerToken of(String text) {
        if (text != null && text.startsWith("bytes:")) {
            byte[] bytes = escapedBytes(text.substring(6));
            return new ServerToken(display(bytes), bytes, true);
        }
        return new ServerToken(text == null ? "" : text, null, text != null);
    }

    /** A token with the bytes the chat API gives beside its text. */
    static ServerToken of(String text, List<Integer> bytes) {
        if (bytes == null) return of(text);
        byte[] b = new byte[bytes.size()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (int) bytes.get(i);
        return new ServerToken(display(b), b, true);
    }

    /** Whether the text stands for whole characters that can be looked for in the prompt. */
    boolean certain() {
        if (!known) return false;
        if (bytes != null) return isWholeUtf8(bytes);
        return !text.isEmpty() && text.indexOf(REPLACEMENT) < 0;
    }

    /** The text to look for in the prompt. */
    String searchText() {
        return bytes != null && isWholeUtf8(bytes) ? new String(bytes, StandardCharsets.UTF_8) : text;
    }

    /**
     * The token's text for display, never with a replacement character: whole characters as they are,
     * bytes that are only part of a character as {@code \xNN}; U+FFFD from a server that sent no
     * bytes as {@code \x??}.
     */
    String displayText() {
        if (bytes != null) return display(bytes);
        return text.replace(String.valueOf(REPLACEMENT), "\\x??");
    }

    /** The bytes' whole characters as text, and every byte that is not part of one as {@code \xNN}. */
    static String display(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            int len = b < 0x80 ? 1 : b >= 0xF0 && b < 0xF8 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
            if (len > 0 && i + len <= bytes.length) {
                byte[] one = java.util.Arrays.copyOfRange(bytes, i, i + len);
                if (isWholeUtf8(one)) {
                    sb.append(new String(one, StandardCharsets.UTF_8));
                    i += len;
                    continue;
                }
            }
            sb.append("\\x").append(HexFormat.of().withUpperCase().toHexDigits(bytes[i]));
            i++;
        }
        return sb.toString();
    }

    static boolean isWholeUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** {@code \xf0\x9f} (and any literal characters between, as UTF-8) to bytes. */
    private static byte[] escapedBytes(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length() && isHex(s.charAt(i + 2)) && isHex(s.charAt(i + 3))) {
                out.write(HexFormat.fromHexDigits(s, i + 2, i + 4));
                i += 4;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerToken t && text.equals(t.text) && java.util.Arrays.equals(bytes, t.bytes)
                && known == t.known;
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ServerToken[" + displayText() + (known ? "" : ", unknown") + "]";
    }
}
