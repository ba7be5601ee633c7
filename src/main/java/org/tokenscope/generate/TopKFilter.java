package org.tokenscope.generate;

import java.util.Arrays;

/**
 * Top-k filtering, as transformers' {@code TopKLogitsWarper}: tokens whose score is below the k-th
 * largest score get −∞. Tokens tied with the k-th are kept, so more than k may remain.
 *
 * @param k at least 1; a k at or above the vocabulary size changes nothing
 */
public record TopKFilter(int k) implements LogitsProcessor {

    public TopKFilter {
        if (k < 1) throw new IllegalArgumentException("top-k must be at least 1, got " + k + ".");
    }

    @Override
    public double[] process(int[] sequence, double[] scores) { // [vocab] -> [vocab]
        double[] out = scores.clone();
        if (k >= scores.length) return out;
        double threshold = kthLargest(scores, k);
        for (int v = 0; v < out.length; v++) {
            if (out[v] < threshold) out[v] = Double.NEGATIVE_INFINITY;
        }
        return out;
    }

    /** The k-th largest value, by a bounded min-heap of the k largest seen (no full sort). */
    static double kthLargest(double[] x, int k) {
        double[] heap = new double[k]; // min-heap: heap[0] is the smallest of the k largest
        int size = 0;
        for (double v : x) {
            if (size < k) {
                int i = size++;
                heap[i] = v;
                while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
                    swap(heap, i, (i - 1) / 2);
                    i = (i - 1) / 2;
                }
            } else if (v > heap[0]) {
                heap[0] = v;
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    if (l >= size) break;
                    int m = (l + 1 < size && heap[l + 1] < heap[l]) ? l + 1 : l;
                    if (heap[i] <= heap[m]) break;
                    swap(heap, i, m);
                    i = m;
                }
            }
        }
        return Arrays.stream(heap, 0, size).min().orElse(Double.NEGATIVE_INFINITY);
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
