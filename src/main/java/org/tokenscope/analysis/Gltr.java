package org.tokenscope.analysis;

/**
 * GLTR's four disjoint rank buckets (Gehrmann, Strobelt and Rush, 2019): the fractions of scored
 * tokens whose rank in the model's distribution is ≤ 10, 11–100, 101–1000 and > 1000. They sum to 1;
 * all are NaN when no token was scored.
 *
 * @param tokens how many ranks were counted
 */
public record Gltr(double top10, double top100, double top1000, double rest, int tokens) {

    /** The buckets of {@code ranks} (1 = the model's top choice). */
    public static Gltr of(int[] ranks) { // [n] -> 4 fractions
        if (ranks.length == 0) {
            return new Gltr(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int[] counts = new int[4];
        for (int r : ranks) {
            if (r < 1) {
                throw new IllegalArgumentException("A rank starts at 1, got " + r + ".");
            }
            counts[r <= 10 ? 0 : r <= 100 ? 1 : r <= 1000 ? 2 : 3]++;
        }
        double n = ranks.length;
        return new Gltr(counts[0] / n, counts[1] / n, counts[2] / n, counts[3] / n, ranks.length);
    }
}
