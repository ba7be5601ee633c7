package org.tokenscope.analysis;

import java.util.List;
import java.util.Objects;

/**
 * Every head of every layer at a glance, as bertviz's model view shows them: each head's attention
 * max-pooled to a thumbnail, and three numbers that name the common patterns.
 *
 * @param model     the model's name
 * @param positions how many tokens the attention was over
 * @param layers    layers (rows)
 * @param heads     heads per layer (columns)
 * @param cells     one per head, layer by layer: cell {@code layer * heads + head}
 */
public record AttentionGrid(String model, int positions, int layers, int heads, List<Head> cells) {

    /**
     * One head's attention, summarised.
     *
     * @param thumbnail  [rows][columns]: the largest weight in each block of queries × keys (a square, at most the
     *                   thumbnail size a side)
     * @param toPrevious the mean weight a token gives the token just before it (NaN with fewer than two tokens)
     * @param toFirst    the mean weight a token gives the first token (NaN with fewer than two tokens)
     * @param toSelf     the mean weight a token gives itself, the first token left out (NaN with fewer than two)
     */
    public record Head(float[][] thumbnail, double toPrevious, double toFirst, double toSelf) {

        /** Summarises one head's weights [query][key], max-pooled to at most {@code size} × {@code size}. */
        public static Head of(float[][] weights, int size) {
            int n = weights.length;
            int s = Math.min(n, Math.max(1, size));
            float[][] thumb = new float[s][s];
            for (int q = 0; q < n; q++) {
                int r = (int) ((long) q * s / n);
                for (int k = 0; k <= q && k < weights[q].length; k++) {
                    int c = (int) ((long) k * s / n);
                    thumb[r][c] = Math.max(thumb[r][c], weights[q][k]);
                }
            }
            double previous = 0;
            double first = 0;
            double self = 0;
            for (int q = 1; q < n; q++) {
                previous += weights[q][q - 1];
                first += weights[q][0];
                self += weights[q][q];
            }
            double m = n > 1 ? n - 1 : Double.NaN;
            return new Head(thumb, previous / m, first / m, self / m);
        }
    }

    public AttentionGrid {
        Objects.requireNonNull(model, "model");
        cells = List.copyOf(cells);
        if (cells.size() != layers * heads) {
            throw new IllegalArgumentException(cells.size() + " cells for " + layers + " layers × " + heads + " heads.");
        }
    }

    public Head cell(int layer, int head) {
        return cells.get(layer * heads + head);
    }
}
