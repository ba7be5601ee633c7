package org.tokenscope.analysis;

/**
 * Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"): each
 * layer's attention averaged over heads, mixed half and half with the identity for the residual
 * connection (Ã = ½A + ½I, rows still summing to 1), multiplied through the layers from the last
 * to the first. Row r of Ã_L·…·Ã_1 says how much of position r's output flows from each input.
 */
public final class Rollout {

    private Rollout() {
    }

    /**
     * The rollout of position {@code row}: [row + 1] shares of the inputs 0..row, summing to 1.
     *
     * @param attention per layer (in order), per head, the weights [query][key] of at least row + 1 positions
     */
    public static double[] of(float[][][][] attention, int row) {
        if (attention.length == 0) {
            throw new IllegalArgumentException("A model without layers has no attention to roll out.");
        }
        double[] v = new double[row + 1]; // e_row: the flow into row, traced back layer by layer
        v[row] = 1;
        for (int l = attention.length - 1; l >= 0; l--) {
            double[][] mixed = residualMixed(attention[l], row);
            double[] next = new double[row + 1];
            for (int q = 0; q <= row; q++) {           // v · Ã
                if (v[q] != 0) {
                    for (int k = 0; k <= q; k++) {
                        next[k] += v[q] * mixed[q][k];
                    }
                }
            }
            v = next;
        }
        return v;
    }

    /** ½·mean over heads + ½·I on the first n = row + 1 positions, rows renormalised: [n][n]. */
    static double[][] residualMixed(float[][][] heads, int row) {
        int n = row + 1;
        double[][] a = new double[n][n];
        for (float[][] h : heads) {
            for (int q = 0; q < n; q++) {
                for (int k = 0; k <= q; k++) {
                    a[q][k] += h[q][k] / (double) heads.length;
                }
            }
        }
        for (int q = 0; q < n; q++) {
            double sum = 0;
            for (int k = 0; k <= q; k++) {
                a[q][k] = 0.5 * a[q][k] + (k == q ? 0.5 : 0);
                sum += a[q][k];
            }
            for (int k = 0; k <= q; k++) {
                a[q][k] /= sum;
            }
        }
        return a;
    }
}
