package org.tokenscope.generate;

/** When beam search stops, as transformers' {@code early_stopping}. */
public enum EarlyStopping {

    /**
     * {@code early_stopping=True}: stop as soon as there are {@code beams} finished hypotheses.
     */
    ON,

    /**
     * {@code early_stopping=False} (transformers' default): stop once the best running beam, scored as if
     * it ended now ({@code score / generated^lengthPenalty}), cannot beat the worst finished hypothesis.
     */
    HEURISTIC,

    /**
     * {@code early_stopping="never"}: as {@link #HEURISTIC}, but with a positive length penalty the best
     * running beam is scored as if it reached {@code maxNewTokens}; the canonical beam search.
     */
    NEVER;

    /** From transformers' spelling: {@code true}, {@code false} or {@code never}. */
    public static EarlyStopping fromHf(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> ON;
            case "false" -> HEURISTIC;
            case "never" -> NEVER;
            default -> throw new IllegalArgumentException(
                    "early stopping must be true, false or never, got '" + value + "'.");
        };
    }
}
