package org.tokenscope.analysis;

import java.util.List;

/**
 * Activation patching as TransformerLens' demos draw it: for each block l and position p, the
 * fraction of the clean-vs-corrupted metric restored when the corrupted run takes the clean run's
 * residual stream after block l at p. The metric is the logit difference target − contrast, or the
 * target's log-probability without a contrast, read where the token at {@code position} is predicted.
 *
 * @param tokens the clean text's tokens, as {@code score} indexes them
 * @param effect [layers][positions]: (patched − corrupted) / (clean − corrupted)
 */
public record PatchGrid(String model, List<TokenScore> tokens, List<TokenScore> corruptedTokens, int position,
                        Alternative target, Alternative contrast, double clean, double corrupted, double[][] effect) {

    public PatchGrid {
        tokens = List.copyOf(tokens);
        corruptedTokens = List.copyOf(corruptedTokens);
        effect = copy(effect);
    }

    public int layers() {
        return effect.length;
    }

    public int positions() {
        return tokens.size();
    }

    /**
     * The effects of patched metrics {@code patched[l][p]}.
     *
     * @throws IllegalArgumentException when the clean and corrupted texts give the same metric
     */
    public static double[][] effects(double clean, double corrupted, double[][] patched) {
        double gap = clean - corrupted;
        if (!(Math.abs(gap) > 1e-9 * Math.max(1, Math.abs(clean)))) {
            throw new IllegalArgumentException("The clean and the corrupted text give the same metric ("
                    + String.format(java.util.Locale.ROOT, "%.4f", clean) + "): there is nothing for patching to restore.");
        }
        double[][] out = new double[patched.length][];
        for (int l = 0; l < patched.length; l++) {
            out[l] = new double[patched[l].length];
            for (int p = 0; p < patched[l].length; p++) {
                out[l][p] = (patched[l][p] - corrupted) / gap;
            }
        }
        return out;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
