package org.tokenscope.analysis;

import java.util.Arrays;

/**
 * The model's predictive distribution at one position, from one row of logits.
 *
 * <p>With {@code lse = log Σ_v exp(logit[v])} (computed stably in double):
 * {@code log p(v) = logit[v] − lse}. Entries of {@code −∞} (a filtered token) have probability 0.
 *
 * <p>The instance wraps the array without copying it, so that scoring a long text does not copy
 * every row: the caller must not modify the array afterwards. The static methods compute one
 * quantity straight from an array.
 */
public final class Distribution {

    private final float[] logits; // [vocab]
    private final double lse;
    private final double entropy; // NaN until asked for, when not made with the log-sum-exp

    private Distribution(float[] logits, double lse) {
        this(logits, lse, Double.NaN);
    }

    private Distribution(float[] logits, double lse, double entropy) {
        this.logits = logits;
        this.lse = lse;
        this.entropy = entropy;
    }

    /** The distribution {@code softmax(logits)}; {@code logits} must be non-empty. */
    public static Distribution of(float[] logits) { // [vocab]
        if (logits.length == 0) {
            throw new IllegalArgumentException("A distribution needs at least one logit.");
        }
        // one pass of exponentials for both the log-sum-exp and the entropy: a generation step asks
        // for both, and over a 152k vocabulary each pass is ~1 ms
        double m = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (v > m) m = v;
        }
        if (Double.isInfinite(m) || Double.isNaN(m)) {
            return new Distribution(logits, logSumExp(logits));
        }
        double sum = 0;      // Σ exp(v − m)
        double weighted = 0; // Σ exp(v − m)·(v − m)
        for (float v : logits) {
            double d = v - m;
            double e = Math.exp(d);
            sum += e;
            if (e > 0) weighted += e * d;
        }
        double log = Math.log(sum);
        return new Distribution(logits, m + log, Math.max(0.0, log - weighted / sum)); // H = lse − Σ p·v
    }

    public int vocabSize() {
        return logits.length;
    }

    /** {@code log Σ exp(logit)}. */
    public double logSumExp() {
        return lse;
    }

    /** Natural log-probability of token {@code id}: {@code logit[id] − lse}. */
    public double logProb(int id) {
        return logits[id] - lse;
    }

    public double prob(int id) {
        return Math.exp(logProb(id));
    }

    /** 1 for the model's top choice; ties share the best rank (1 + number of strictly greater logits). */
    public int rank(int id) {
        return rank(logits, id);
    }

    /** Entropy in nats. */
    public double entropy() {
        return Double.isNaN(entropy) ? entropy(logits, lse) : entropy;
    }

    /** The {@code k} most probable tokens (fewer if the vocabulary is smaller), best first. */
    public TopK top(int k) {
        return topK(logits, k, lse);
    }

    /** Log-softmax of the whole row, in double: {@code logit − lse}. */
    public double[] logProbs() { // [vocab]
        return logSoftmax(logits, lse);
    }

    // ---- static forms -------------------------------------------------------------------------

    /** {@code log Σ exp(x)} = {@code m + log Σ exp(x − m)} with {@code m = max x}; −∞ when empty or all −∞. */
    public static double logSumExp(float[] x) { // [vocab] -> scalar
        double m = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            if (v > m) m = v;
        }
        if (m == Double.NEGATIVE_INFINITY || Double.isNaN(m)) return m;
        if (m == Double.POSITIVE_INFINITY) return m;
        double s = 0;
        for (float v : x) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    /** As {@link #logSumExp(float[])}, for scores already in double (processed logits). */
    public static double logSumExp(double[] x) { // [vocab] -> scalar
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (v > m) m = v;
        }
        if (m == Double.NEGATIVE_INFINITY || Double.isNaN(m)) return m;
        if (m == Double.POSITIVE_INFINITY) return m;
        double s = 0;
        for (double v : x) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    /** {@code logit − logSumExp(logit)}. */
    public static double[] logSoftmax(float[] logits) { // [vocab] -> [vocab]
        return logSoftmax(logits, logSumExp(logits));
    }

    private static double[] logSoftmax(float[] logits, double lse) {
        double[] out = new double[logits.length];
        for (int v = 0; v < logits.length; v++) out[v] = logits[v] - lse;
        return out;
    }

    /** Natural log-probability of {@code id}. */
    public static double logProb(float[] logits, int id) {
        return logits[id] - logSumExp(logits);
    }

    /** 1 + the number of tokens with a strictly greater logit. */
    public static int rank(float[] logits, int id) {
        float x = logits[id];
        int greater = 0;
        for (float v : logits) {
            if (v > x) greater++;
        }
        return greater + 1;
    }

    /** Entropy in nats: {@code H = lse − Σ p·logit}; tokens of probability 0 contribute nothing. */
    public static double entropy(float[] logits) {
        return entropy(logits, logSumExp(logits));
    }

    private static double entropy(float[] logits, double lse) {
        double expected = 0; // Σ p·logit
        for (float v : logits) {
            double p = Math.exp(v - lse);
            if (p > 0) expected += p * v;
        }
        return Math.max(0.0, lse - expected);
    }

    /**
     * The {@code k} highest logits, best first, ties by lower id, with their log-probabilities.
     * A bounded heap selects them in {@code O(V log k)}; the vocabulary is never sorted.
     */
    public static TopK topK(float[] logits, int k) {
        return topK(logits, k, logSumExp(logits));
    }

    private static TopK topK(float[] logits, int k, double lse) {
        if (k < 0) throw new IllegalArgumentException("top-k must be at least 0, got " + k + ".");
        int n = Math.min(k, logits.length);
        if (n == 0) return new TopK(new int[0], new double[0]);
        // min-heap of ids: the root is the worst kept token (lowest logit, then highest id)
        int[] heap = new int[n];
        int size = 0;
        for (int v = 0; v < logits.length; v++) {
            if (size < n) {
                heap[size] = v;
                siftUp(heap, size++, logits);
            } else if (better(v, heap[0], logits)) {
                heap[0] = v;
                siftDown(heap, 0, size, logits);
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = heap[i];
        Arrays.sort(order, (a, b) -> better(a, b, logits) ? -1 : (better(b, a, logits) ? 1 : 0));
        int[] ids = new int[n];
        double[] logProbs = new double[n];
        for (int i = 0; i < n; i++) {
            ids[i] = order[i];
            logProbs[i] = logits[ids[i]] - lse;
        }
        return new TopK(ids, logProbs);
    }

    /** Whether token a ranks before token b: higher logit, then lower id. NaN ranks last. */
    private static boolean better(int a, int b, float[] logits) {
        float x = logits[a];
        float y = logits[b];
        if (x > y || (Float.isNaN(y) && !Float.isNaN(x))) return true;
        if (x < y || (Float.isNaN(x) && !Float.isNaN(y))) return false;
        return a < b;
    }

    private static void siftUp(int[] heap, int i, float[] logits) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!better(heap[parent], heap[i], logits)) break;
            swap(heap, parent, i);
            i = parent;
        }
    }

    private static void siftDown(int[] heap, int i, int size, float[] logits) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) return;
            int worst = left;
            int right = left + 1;
            if (right < size && better(heap[left], heap[right], logits)) worst = right;
            if (!better(heap[i], heap[worst], logits)) return;
            swap(heap, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
