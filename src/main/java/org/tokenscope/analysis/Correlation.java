package org.tokenscope.analysis;

import java.util.Arrays;

/**
 * A correlation coefficient over n pairs, or NaN with the reason it is undefined.
 *
 * @param value  the coefficient in [−1, 1], or NaN
 * @param n      the number of pairs
 * @param reason why the value is NaN (null when it is defined)
 */
public record Correlation(double value, int n, String reason) {

    public boolean isDefined() {
        return reason == null;
    }

    /** Pearson's r: {@code Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²)}, two passes in double. */
    public static Correlation pearson(double[] x, double[] y) { // [n], [n] -> r
        String invalid = check(x, y);
        if (invalid != null) return new Correlation(Double.NaN, x.length, invalid);
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return new Correlation(Double.NaN, n, "one of the two series is constant (zero variance)");
        }
        double r = sxy / Math.sqrt(sxx * syy);
        return new Correlation(Math.max(-1, Math.min(1, r)), n, null);
    }

    /** Spearman's ρ: Pearson's r of the ranks, tied values sharing their average rank. */
    public static Correlation spearman(double[] x, double[] y) { // [n], [n] -> rho
        String invalid = check(x, y);
        if (invalid != null) return new Correlation(Double.NaN, x.length, invalid);
        return pearson(ranks(x), ranks(y));
    }

    /** Ranks from 1 (smallest) to n; tied values get the average of the ranks they span. */
    public static double[] ranks(double[] v) { // [n] -> [n]
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) j++;
            double average = (i + j) / 2.0 + 1; // ranks i+1 .. j+1
            for (int t = i; t <= j; t++) ranks[order[t]] = average;
            i = j + 1;
        }
        return ranks;
    }

    private static String check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("Paired series differ in length: " + x.length + " and " + y.length + ".");
        }
        if (x.length < 2) return "fewer than two pairs";
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) return "a value is not finite";
        }
        return null;
    }
}
