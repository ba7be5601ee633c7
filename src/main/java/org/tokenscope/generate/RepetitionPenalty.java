package org.tokenscope.generate;

/**
 * CTRL's repetition penalty, as transformers' {@code RepetitionPenaltyLogitsProcessor}: for each
 * distinct token already in the sequence (the prompt included), a negative score is multiplied by
 * the penalty and any other divided by it, once per token. A penalty above 1 discourages repetition.
 *
 * @param penalty strictly positive; 1 changes nothing
 */
public record RepetitionPenalty(double penalty) implements LogitsProcessor {

    public RepetitionPenalty {
        if (!(penalty > 0) || !Double.isFinite(penalty)) {
            throw new IllegalArgumentException("The repetition penalty must be a positive number, got " + penalty + ".");
        }
    }

    @Override
    public double[] process(int[] sequence, double[] scores) { // [n], [vocab] -> [vocab]
        double[] out = scores.clone();
        boolean[] done = new boolean[scores.length];
        for (int id : sequence) {
            if (done[id]) continue;
            done[id] = true;
            double s = scores[id];
            out[id] = s < 0 ? s * penalty : s / penalty;
        }
        return out;
    }
}
