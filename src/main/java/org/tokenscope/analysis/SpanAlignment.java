package org.tokenscope.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two tokenizations of the same text, aligned by character spans, so that models with different
 * tokenizers (local GPT-2 against a remote Llama) can be compared.
 *
 * <h2>How</h2>
 * A position {@code p} of the text is a <em>cut</em> of a tokenization when no token of it straddles
 * {@code p} ({@code start < p < end}). The segments are the stretches between consecutive positions
 * that are cuts of both tokenizations: the smallest pieces of text that each tokenization covers with
 * whole tokens. Every token lies in exactly one segment (a token with an empty span, such as a start
 * token, in the one its position opens). A segment's log-probability under a model is the sum of the
 * log-probabilities of that model's tokens in it: by the chain rule, the log-probability of the
 * segment's text given the text before it, whichever way it was cut into tokens, so the two sums are
 * comparable. Where both models cut the text the same way, segments are tokens and the sums are the
 * tokens' own log-probabilities.
 *
 * <p>A segment is <em>paired</em> when each side has at least one token in it and every one of those
 * tokens is scored; only paired segments enter a {@link Comparison}. Tokens that are only part of a
 * character (an emoji split across byte-level tokens) share that character's span, so they always
 * fall in one segment together.
 *
 * @param segments  the segments in text order
 * @param identical whether both tokenizations have the same spans, token for token (then the
 *                  comparison is of tokens, not of summed spans)
 */
public record SpanAlignment(List<Segment> segments, boolean identical) {

    public SpanAlignment {
        segments = List.copyOf(segments);
    }

    /**
     * One stretch of text and the tokens of each side in it.
     *
     * @param start     UTF-16 index of the segment's first character
     * @param end       UTF-16 index just past its last character
     * @param a         indices (into the first list) of the tokens in the segment
     * @param b         indices (into the second list) of the tokens in the segment
     * @param aLogprob  the sum of the first side's log-probabilities, or null when not paired
     * @param bLogprob  the sum of the second side's log-probabilities, or null when not paired
     */
    public record Segment(int start, int end, int[] a, int[] b, Double aLogprob, Double bLogprob) {

        public Segment {
            a = a.clone();
            b = b.clone();
        }

        @Override
        public int[] a() {
            return a.clone();
        }

        @Override
        public int[] b() {
            return b.clone();
        }

        public boolean paired() {
            return aLogprob != null && bLogprob != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Segment s && start == s.start && end == s.end && Arrays.equals(a, s.a)
                    && Arrays.equals(b, s.b) && java.util.Objects.equals(aLogprob, s.aLogprob)
                    && java.util.Objects.equals(bLogprob, s.bLogprob);
        }

        @Override
        public int hashCode() {
            return (start * 31 + end) * 31 + Arrays.hashCode(a) * 17 + Arrays.hashCode(b);
        }

        @Override
        public String toString() {
            return "Segment[" + start + ", " + end + ", a=" + Arrays.toString(a) + ", b=" + Arrays.toString(b)
                    + ", aLogprob=" + aLogprob + ", bLogprob=" + bLogprob + "]";
        }
    }

    /** The paired segments' summed log-probabilities: {@code [n][2]}, first side then second. */
    public double[][] pairs() {
        return segments.stream().filter(Segment::paired)
                .map(s -> new double[] {s.aLogprob(), s.bLogprob()}).toArray(double[][]::new);
    }

    /** Aligns {@code a} and {@code b}, two tokenizations of one text (see the class comment). */
    public static SpanAlignment of(List<TokenScore> a, List<TokenScore> b) {
        int length = 0;
        for (TokenScore t : a) length = Math.max(length, t.end());
        for (TokenScore t : b) length = Math.max(length, t.end());
        boolean[] straddled = new boolean[length + 1]; // straddled[p]: some token of a or b has start < p < end
        mark(a, straddled);
        mark(b, straddled);
        int[] cuts = cuts(a, b, straddled, length);       // sorted, distinct
        List<List<Integer>> inA = assign(a, cuts);
        List<List<Integer>> inB = assign(b, cuts);
        List<Segment> segments = new ArrayList<>();
        for (int s = 0; s < cuts.length; s++) {
            List<Integer> ta = inA.get(s);
            List<Integer> tb = inB.get(s);
            if (ta.isEmpty() && tb.isEmpty()) continue;
            int end = s + 1 < cuts.length ? cuts[s + 1] : length;
            segments.add(new Segment(cuts[s], end, toArray(ta), toArray(tb), sum(a, ta), sum(b, tb)));
        }
        return new SpanAlignment(segments, sameSpans(a, b));
    }

    private static void mark(List<TokenScore> tokens, boolean[] straddled) {
        for (TokenScore t : tokens) {
            for (int p = Math.max(0, t.start() + 1); p < t.end(); p++) straddled[p] = true;
        }
    }

    /** Candidate cut positions (every token boundary, and 0) that no token of either side straddles. */
    private static int[] cuts(List<TokenScore> a, List<TokenScore> b, boolean[] straddled, int length) {
        List<Integer> candidates = new ArrayList<>();
        candidates.add(0);
        for (List<TokenScore> side : List.of(a, b)) {
            for (TokenScore t : side) {
                candidates.add(t.start());
                candidates.add(t.end());
            }
        }
        return candidates.stream().mapToInt(Integer::intValue)
                .filter(p -> p >= 0 && p <= length && !straddled[p]).distinct().sorted().toArray();
    }

    /** For each segment (opened by {@code cuts[s]}), the indices of the tokens that start in it. */
    private static List<List<Integer>> assign(List<TokenScore> tokens, int[] cuts) {
        List<List<Integer>> bySegment = new ArrayList<>(cuts.length);
        for (int s = 0; s < cuts.length; s++) bySegment.add(new ArrayList<>());
        for (int i = 0; i < tokens.size(); i++) {
            int at = Arrays.binarySearch(cuts, Math.max(0, tokens.get(i).start()));
            int s = at >= 0 ? at : -at - 2; // the last cut at or before the token's start
            if (s >= 0) bySegment.get(s).add(i);
        }
        return bySegment;
    }

    /** The sum of the tokens' log-probabilities, or null when there are none or one is unscored. */
    private static Double sum(List<TokenScore> tokens, List<Integer> indices) {
        if (indices.isEmpty()) return null;
        double sum = 0;
        for (int i : indices) {
            TokenScore t = tokens.get(i);
            if (!t.isScored()) return null;
            sum += t.logprob();
        }
        return sum;
    }

    private static boolean sameSpans(List<TokenScore> a, List<TokenScore> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).start() != b.get(i).start() || a.get(i).end() != b.get(i).end()) return false;
        }
        return true;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
