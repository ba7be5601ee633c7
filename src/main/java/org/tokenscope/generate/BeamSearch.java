package org.tokenscope.generate;

/**
 * Beam search as transformers' {@code _beam_search} (with {@code do_sample=False}). At each step every
 * running beam's scores are {@code processor(log_softmax(logits))}; a candidate's score is its beam's
 * running sum plus that; the best {@code 2·beams} candidates over all beams are kept; those among the
 * first {@code beams} that end (end-of-text, a stop string, or {@code maxNewTokens}) become finished
 * hypotheses scored {@code sum / generated^lengthPenalty}, where {@code generated} counts the new
 * tokens including the end-of-text; the best {@code beams} candidates that don't end run on.
 * Every finished hypothesis is returned, best first.
 *
 * @param beams         number of beams, at least 1
 * @param lengthPenalty exponent of the length in the final score; above 0 favours longer sequences
 * @param earlyStopping when to stop
 * @param processor     applied to the log-probabilities of each step (only a repetition penalty
 *                      makes sense here, as in transformers without sampling)
 */
public record BeamSearch(int beams, double lengthPenalty, EarlyStopping earlyStopping, LogitsProcessor processor)
        implements Strategy {

    public BeamSearch {
        if (beams < 1) throw new IllegalArgumentException("Beam search needs at least 1 beam, got " + beams + ".");
        if (!Double.isFinite(lengthPenalty)) {
            throw new IllegalArgumentException("The length penalty must be a finite number, got " + lengthPenalty + ".");
        }
        java.util.Objects.requireNonNull(earlyStopping, "earlyStopping");
        java.util.Objects.requireNonNull(processor, "processor");
    }

    /** transformers' defaults: length penalty 1, {@code early_stopping=False}, no processor. */
    public static BeamSearch of(int beams) {
        return new BeamSearch(beams, 1.0, EarlyStopping.HEURISTIC, LogitsProcessor.identity());
    }

    public BeamSearch withLengthPenalty(double lengthPenalty) {
        return new BeamSearch(beams, lengthPenalty, earlyStopping, processor);
    }

    public BeamSearch withEarlyStopping(EarlyStopping earlyStopping) {
        return new BeamSearch(beams, lengthPenalty, earlyStopping, processor);
    }

    /** With a repetition penalty (1 means none). */
    public BeamSearch withRepetitionPenalty(double penalty) {
        LogitsProcessor p = penalty == 1.0 ? LogitsProcessor.identity() : ProcessorChain.of(new RepetitionPenalty(penalty));
        return new BeamSearch(beams, lengthPenalty, earlyStopping, p);
    }
}
