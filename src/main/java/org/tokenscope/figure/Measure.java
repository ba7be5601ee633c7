package org.tokenscope.figure;

import java.util.List;
import java.util.Locale;
import org.tokenscope.analysis.TokenScore;

/**
 * What a figure shows of each token: one model's scores of it, or (the detection measures) a term of
 * the zero-shot detectors at it, which a {@link org.tokenscope.analysis.TextDetection} holds, not a
 * {@link TokenScore}.
 */
public enum Measure {

    /** The probability the model gave the token, in [0, 1]. */
    PROB("probability", ""),
    /** Its natural log-probability, ≤ 0. */
    LOGPROB("log-probability", "nats"),
    /** Its rank among the model's choices, shown in GLTR's buckets: top 10, 100, 1000, the rest. */
    RANK("rank", ""),
    /** The entropy of the distribution that predicted it, in nats. */
    ENTROPY("entropy", "nats"),
    /** Its surprisal {@code −log p}, in nats. */
    SURPRISAL("surprisal", "nats"),
    /**
     * Binoculars' per-token term: the cross-entropy from A's next-token distribution to B's,
     * Σ_v p(v)·(−log q(v)), in nats (A observer, B performer; needs B with A's tokenizer).
     */
    CROSS_ENTROPY("cross-entropy A→B", "nats"),
    /**
     * Each token's share of Binoculars − 1: (−log q(x) − cross-entropy) / Σ cross-entropy; the shares
     * sum to the score − 1, negative (red) is machine-like. Needs B with A's tokenizer.
     */
    BINOCULARS("Binoculars share", ""),
    /**
     * Each token's share of Fast-DetectGPT: (log p(x) − μ) / √Σσ² (A scorer, B reference, or A itself
     * without B); the shares sum to the score, positive (red) is machine-like.
     */
    FAST_DETECTGPT("Fast-DetectGPT share", "");

    /** GLTR's bucket edges: a rank ≤ 10 is bucket 0, ≤ 100 bucket 1, ≤ 1000 bucket 2, else 3. */
    public static final List<Integer> RANK_EDGES = List.of(10, 100, 1000);

    /** The buckets' names, best first. */
    public static final List<String> RANK_BUCKETS = List.of("top 10", "top 100", "top 1000", "rest");

    private final String label;
    private final String unit;

    Measure(String label, String unit) {
        this.label = label;
        this.unit = unit;
    }

    /** What it is called on an axis or a legend. */
    public String label() {
        return label;
    }

    /** Its unit, or "" for none. */
    public String unit() {
        return unit;
    }

    /** The label with its unit: "log-probability (nats)". */
    public String axisLabel() {
        return unit.isEmpty() ? label : label + " (" + unit + ")";
    }

    /** Whether it is shown in a few discrete classes (rank) rather than on a continuous scale. */
    public boolean isDiscrete() {
        return this == RANK;
    }

    /** Whether it is a term of the detectors, taken from a text's detection rather than from a {@link TokenScore}. */
    public boolean isDetection() {
        return this == CROSS_ENTROPY || this == BINOCULARS || this == FAST_DETECTGPT;
    }

    /** Whether it needs a second model (B) with A's tokenizer. */
    public boolean needsPair() {
        return this == CROSS_ENTROPY || this == BINOCULARS;
    }

    /** Whether it is signed around zero, shown on the diverging palette with machine-like red. */
    public boolean isSigned() {
        return this == BINOCULARS || this == FAST_DETECTGPT;
    }

    /** For a signed measure: whether its positive values are the machine-like ones (Fast-DetectGPT's are; Binoculars' negative ones are). */
    public boolean positiveIsMachine() {
        return this == FAST_DETECTGPT;
    }

    /** The measures of one model's token scores, for the figures that draw {@link TokenScore}s only. */
    public static List<Measure> tokenMeasures() {
        return java.util.Arrays.stream(values()).filter(m -> !m.isDetection()).toList();
    }

    /**
     * The token's value, or null when it is unscored or the backend does not know it (a remote server's
     * rank outside its top k, its entropy); always null for a detection measure, which a token score
     * does not hold.
     */
    public Double value(TokenScore t) {
        if (!t.isScored() || isDetection()) return null;
        return switch (this) {
            case PROB -> t.prob();
            case LOGPROB -> t.logprob();
            case RANK -> t.rank() == null ? null : (double) t.rank();
            case ENTROPY -> t.entropy();
            case SURPRISAL -> -t.logprob();
            case CROSS_ENTROPY, BINOCULARS, FAST_DETECTGPT -> null;
        };
    }

    /**
     * The value as it is placed on a scale: the value itself, except rank, which is placed by
     * {@code log10(rank)} (1 → 0, 1000 → 3).
     */
    public Double scaled(TokenScore t) {
        Double v = value(t);
        if (v == null) return null;
        return this == RANK ? Math.log10(v) : v;
    }

    /** GLTR's bucket of a rank (1 = the top choice): 0 to 3. */
    public static int rankBucket(int rank) {
        for (int i = 0; i < RANK_EDGES.size(); i++) {
            if (rank <= RANK_EDGES.get(i)) return i;
        }
        return RANK_EDGES.size();
    }

    /**
     * The measure for a command-line word: prob, logprob, rank, entropy, surprisal, cross-entropy,
     * binoculars, fast-detectgpt.
     */
    public static Measure parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Measure m : values()) {
            if (m.name().toLowerCase(Locale.ROOT).replace("_", "").equals(n)) return m;
        }
        if (n.equals("probability")) return PROB;
        if (n.equals("fdg")) return FAST_DETECTGPT;
        throw new IllegalArgumentException("Unknown measure '" + name + "': use prob, logprob, rank, entropy, surprisal, "
                + "cross-entropy, binoculars or fast-detectgpt.");
    }

    /** The command-line word: prob, …, cross-entropy, fast-detectgpt. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
