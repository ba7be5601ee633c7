package org.tokenscope.generate;

import java.util.Arrays;
import org.tokenscope.analysis.ByteText;

/**
 * Turns a stream of byte-level tokens into text that only ever contains whole characters: bytes that
 * could still become a character wait for the next token; bytes that cannot are written as U+FFFD, as
 * {@code transformers}' decode writes them.
 * Not thread-safe; one per sequence.
 */
public final class Utf8Stream {

    private byte[] pending = new byte[0]; // at most 3 bytes of an incomplete character

    /** The text that the bytes so far complete; may be empty. */
    public String push(byte[] bytes) {
        byte[] all = Arrays.copyOf(pending, pending.length + bytes.length);
        System.arraycopy(bytes, 0, all, pending.length, bytes.length);
        int keep = ByteText.incompleteTail(all, all.length);
        pending = Arrays.copyOfRange(all, all.length - keep, all.length);
        return ByteText.decode(all, 0, all.length - keep);
    }

    /** Ends the stream: an unfinished character left over, as one U+FFFD. */
    public String finish() {
        String rest = ByteText.decode(pending, 0, pending.length);
        pending = new byte[0];
        return rest;
    }
}
