package org.tokenscope.generate;

/** Why a sequence ended. */
public enum StopReason {
    /** The model produced the end-of-text token (kept as the last id and step). */
    END_OF_TEXT,
    /** The text reached one of the stop strings (kept in the text). */
    STOP_STRING,
    /** {@code maxNewTokens} tokens were generated. */
    MAX_NEW_TOKENS,
    /** The caller cancelled; the sequence is what was generated so far. */
    CANCELLED
}
