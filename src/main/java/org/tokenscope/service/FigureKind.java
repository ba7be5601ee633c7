package org.tokenscope.service;

import java.util.Arrays;
import java.util.Locale;

/**
 * Every figure there is, by the name {@code export --figure} takes (with hyphens: {@code lens-rank}).
 * Those from {@link #ATTENTION} on look inside one model.
 */
public enum FigureKind {
    HEATMAP, COMPARE, PLOT, SCATTER, TOPK, TOKENS, STEPS,
    ATTENTION, ATTENTION_MATRIX, ATTENTION_GRID, LENS, LENS_RANK, LENS_HEATMAP;

    /** Whether it looks inside the model (attention, logit lens), which only a local model can. */
    public boolean inside() {
        return ordinal() >= ATTENTION.ordinal();
    }

    /** Whether it needs two models. */
    public boolean needsTwo() {
        return this == COMPARE || this == SCATTER;
    }

    /** Whether it is drawn from an analysis (one scoring pass per model). */
    public boolean scored() {
        return ordinal() <= TOKENS.ordinal();
    }

    /** The attention figures (rather than the logit lens's). */
    public boolean attention() {
        return this == ATTENTION || this == ATTENTION_MATRIX || this == ATTENTION_GRID;
    }

    /** The name as written on the command line. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The figure named {@code value} (case and hyphens or underscores as you like). */
    public static FigureKind parse(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (FigureKind k : values()) {
            if (k.toString().equals(wanted)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown figure '" + value + "': use one of " + String.join(", ",
                Arrays.stream(values()).map(FigureKind::toString).toList()) + ".");
    }
}
