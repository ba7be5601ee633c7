package org.tokenscope.generate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Stop strings matched on UTF-8 bytes, as transformers' {@code StopStringCriteria}: a stop string is hit
 * when it ends within the newest token (it may start in earlier tokens, the prompt included, and the
 * token may run past its end).
 */
final class StopStrings {

    private final byte[][] patterns;
    private final int longest;

    StopStrings(List<String> stopStrings) {
        patterns = new byte[stopStrings.size()][];
        int max = 0;
        for (int i = 0; i < patterns.length; i++) {
            patterns[i] = stopStrings.get(i).getBytes(StandardCharsets.UTF_8);
            max = Math.max(max, patterns[i].length);
        }
        longest = max;
    }

    boolean isEmpty() {
        return patterns.length == 0;
    }

    /** How many trailing prompt bytes a match can reach back into. */
    int lookBehind() {
        return Math.max(0, longest - 1);
    }

    /** Whether a stop string ends in {@code text[newFrom, length)}. */
    boolean hit(byte[] text, int length, int newFrom) {
        for (byte[] p : patterns) {
            for (int end = Math.max(newFrom + 1, p.length); end <= length; end++) {
                if (Arrays.equals(text, end - p.length, end, p, 0, p.length)) return true;
            }
        }
        return false;
    }
}
