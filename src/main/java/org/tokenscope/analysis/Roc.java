package org.tokenscope.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The receiver operating characteristic of a score that is higher for the positive class: a document
 * is called positive when its score is ≥ a threshold.
 *
 * @param curve       (FPR, TPR) from (0, 0) to (1, 1), one point per distinct score (tied scores
 *                    move both rates at once: a diagonal step)
 * @param auroc       the area under the curve, which equals P(score₊ &gt; score₋) + ½·P(score₊ = score₋)
 *                    (ties count half); NaN without both classes
 * @param tprAt1PctFpr the highest true-positive rate at a threshold that is one of the scores and whose
 *                    false-positive rate is at most 1 %; 0 when no score is such a threshold
 * @param threshold   that threshold (of the scores reaching that rate, the highest: the fewest false
 *                    positives), or NaN when there is none
 */
public record Roc(List<Point> curve, double auroc, double tprAt1PctFpr, double threshold, int positives,
                  int negatives) {

    /** The false-positive rate a detector may spend in {@link #tprAt1PctFpr}. */
    public static final double FPR_BUDGET = 0.01;

    public Roc {
        curve = List.copyOf(curve);
    }

    /** One point of the curve, reached by calling positive everything scored ≥ {@code threshold}. */
    public record Point(double fpr, double tpr, double threshold) {
    }

    /**
     * @param scores   one per document, higher = more positive; NaN ones are left out
     * @param positive whether each document is of the positive class
     */
    public static Roc of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("Each score needs a label (" + scores.length + " scores, "
                    + positive.length + " labels).");
        }
        List<double[]> rows = new ArrayList<>(); // {score, 1 if positive}
        int p = 0;
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) continue;
            rows.add(new double[] {scores[i], positive[i] ? 1 : 0});
            if (positive[i]) p++; else n++;
        }
        rows.sort(Comparator.comparingDouble((double[] r) -> r[0]).reversed());
        List<Point> curve = new ArrayList<>();
        curve.add(new Point(0, 0, Double.POSITIVE_INFINITY));
        double area = 0;
        double bestTpr = 0;
        double bestThreshold = Double.NaN;
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < rows.size(); ) {
            double score = rows.get(i)[0];
            int dtp = 0;
            int dfp = 0;
            for (; i < rows.size() && rows.get(i)[0] == score; i++) {
                if (rows.get(i)[1] == 1) dtp++; else dfp++;
            }
            // trapezoid over the step: a tie of k positives and m negatives counts half of k·m
            area += dfp * (tp + dtp / 2.0);
            tp += dtp;
            fp += dfp;
            double fpr = n == 0 ? Double.NaN : (double) fp / n;
            double tpr = p == 0 ? Double.NaN : (double) tp / p;
            curve.add(new Point(fpr, tpr, score));
            if (n > 0 && p > 0 && fp <= FPR_BUDGET * n && tpr > bestTpr) {
                bestTpr = tpr;
                bestThreshold = score;
            }
        }
        double auroc = p == 0 || n == 0 ? Double.NaN : area / ((double) p * n);
        double tprAt = p == 0 || n == 0 ? Double.NaN : bestTpr;
        return new Roc(curve, auroc, tprAt, bestThreshold, p, n);
    }

    /** {@link #of} for a score that is lower for the positive class: the scores negated, thresholds given back as they were. */
    public static Roc ofLowerIsPositive(double[] scores, boolean[] positive) {
        double[] negated = Arrays.stream(scores).map(s -> -s).toArray();
        Roc roc = of(negated, positive);
        List<Point> curve = roc.curve().stream().map(pt -> new Point(pt.fpr(), pt.tpr(), -pt.threshold())).toList();
        return new Roc(curve, roc.auroc(), roc.tprAt1PctFpr(), -roc.threshold(), roc.positives(), roc.negatives());
    }
}
