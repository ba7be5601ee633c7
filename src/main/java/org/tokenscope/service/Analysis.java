package org.tokenscope.service;

import java.util.List;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Comparison;
import org.tokenscope.analysis.ScoredText;

/**
 * One text analysed by model A and, when comparing, model B: every token's scores, the comparison, and
 * each model's most likely tokens after the text, all from the same pass per model.
 *
 * @param b          null without a second model (and then {@code comparison} is null and {@code nextB} empty)
 * @param millis     how long the analysis took
 * @param nextA      A's alternatives after the text, best first
 * @param bytesA     each of A's tokens' length in UTF-8 bytes (-1: unknown)
 */
public record Analysis(String text, ScoredText a, ScoredText b, Comparison comparison, long millis,
                       List<Alternative> nextA, List<Alternative> nextB, int[] bytesA) {

    public Analysis {
        nextA = List.copyOf(nextA);
        nextB = List.copyOf(nextB);
    }

    /** The runs, A first: one or two. */
    public List<ScoredText> runs() {
        return b == null ? List.of(a) : List.of(a, b);
    }

    /** The alternatives after the text of the run at {@code index} (0: A, 1: B). */
    public List<Alternative> next(int index) {
        return index == 0 ? nextA : nextB;
    }
}
