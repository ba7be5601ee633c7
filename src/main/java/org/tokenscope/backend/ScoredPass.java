package org.tokenscope.backend;

import java.util.List;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ScoredText;

/**
 * One scoring pass over a text: every token's score and, from the same pass (its last position), the
 * most likely tokens after the text.
 *
 * @param next best first; empty when the backend could not predict past the text
 */
public record ScoredPass(ScoredText scored, List<Alternative> next) {

    public ScoredPass {
        next = List.copyOf(next);
    }
}
