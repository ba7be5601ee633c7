package org.tokenscope.generate;

import java.util.List;

/**
 * Receives generation as it happens, on the generating thread. A UI batches these calls onto its own
 * thread; the generator knows nothing of it.
 */
public interface GenerationListener {

    /** Does nothing. */
    GenerationListener NONE = new GenerationListener() {
    };

    /** Greedy and sampling: a token was chosen. */
    default void onStep(Step step) {
    }

    /**
     * Greedy and sampling: more text, only ever whole characters (a character split across tokens comes
     * once complete). The end-of-text token sends no text. Bytes still incomplete at the end are sent
     * as {@code \xNN}. The pieces join into {@link Sequence#text()}.
     */
    default void onText(String text) {
    }

    /** Beam search: the candidates of step {@code step}, with their fates. */
    default void onBeamStep(int step, List<BeamTree.Node> candidates) {
    }
}
