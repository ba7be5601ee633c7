package org.tokenscope.generate;

import org.tokenscope.analysis.Distribution;

/**
 * Nucleus (top-p) filtering, as transformers' {@code TopPLogitsWarper}: keeps the smallest set of
 * most probable tokens whose probability mass reaches {@code p} (at least one token), and gives the
 * rest −∞.
 *
 * <p>transformers sorts ascending and removes tokens whose cumulative mass is {@code ≤ 1 − p}; that
 * is the same set as keeping tokens, best first, while the mass of the tokens before them is
 * {@code < p}, which is what this does (in double). Tokens are taken in order of score, ties by lower
 * id, straight from a heap, so only the nucleus is ever ordered.
 *
 * @param p in [0, 1]; 1 changes nothing, 0 keeps only the top token
 */
public record TopPFilter(double p) implements LogitsProcessor {

    public TopPFilter {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("top-p must be between 0 and 1, got " + p + ".");
    }

    @Override
    public double[] process(int[] sequence, double[] scores) { // [vocab] -> [vocab]
        int n = scores.length;
        double lse = Distribution.logSumExp(scores);
        int[] heap = new int[n]; // max-heap of ids by (score desc, id asc)
        for (int v = 0; v < n; v++) heap[v] = v;
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(heap, i, n, scores);
        boolean[] keep = new boolean[n];
        double before = 0; // mass of the tokens already kept
        int size = n;
        while (size > 0) {
            int top = heap[0];
            if (before >= p && before > 0) break;
            keep[top] = true;
            before += Math.exp(scores[top] - lse);
            heap[0] = heap[--size];
            siftDown(heap, 0, size, scores);
        }
        double[] out = scores.clone();
        for (int v = 0; v < n; v++) {
            if (!keep[v]) out[v] = Double.NEGATIVE_INFINITY;
        }
        return out;
    }

    private static boolean before(int a, int b, double[] s) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void siftDown(int[] heap, int i, int size, double[] s) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) return;
            int best = (l + 1 < size && before(heap[l + 1], heap[l], s)) ? l + 1 : l;
            if (!before(heap[best], heap[i], s)) return;
            int t = heap[i];
            heap[i] = heap[best];
            heap[best] = t;
            i = best;
        }
    }
}
