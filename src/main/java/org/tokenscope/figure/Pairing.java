package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.TokenScore;

/** Model B's token for each of model A's: the one covering the same characters (as {@code Comparison} pairs them). */
final class Pairing {

    private Pairing() {
    }

    /** For each token of {@code a}, the token of {@code b} with the same span, or null. */
    static List<TokenScore> of(List<TokenScore> a, List<TokenScore> b) {
        Map<Long, TokenScore> bySpan = new HashMap<>();
        for (TokenScore t : b) bySpan.putIfAbsent(span(t), t);
        List<TokenScore> out = new ArrayList<>(a.size());
        for (TokenScore t : a) out.add(bySpan.get(span(t)));
        return Collections.unmodifiableList(out);
    }

    private static long span(TokenScore t) {
        return ((long) t.start() << 32) | (t.end() & 0xffffffffL);
    }
}
