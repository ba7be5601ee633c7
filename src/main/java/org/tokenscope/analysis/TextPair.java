package org.tokenscope.analysis;

import java.util.Objects;

/** Two texts a pair classifier reads together: does the hypothesis follow from the premise? */
public record TextPair(String premise, String hypothesis) {

    public TextPair {
        Objects.requireNonNull(premise, "premise");
        Objects.requireNonNull(hypothesis, "hypothesis");
    }
}
