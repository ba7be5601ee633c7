package org.tokenscope.figure;

import java.util.List;
import java.util.Locale;
import org.tokenscope.analysis.TokenScore;

/** What a figure shows of each token. */
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
    SURPRISAL("surprisal", "nats");

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

    /** The token's value, or null when it is unscored or the backend does not know it (a remote server's rank outside its top k, its entropy). */
    public Double value(TokenScore t) {
        if (!t.isScored()) return null;
        return switch (this) {
            case PROB -> t.prob();
            case LOGPROB -> t.logprob();
            case RANK -> t.rank() == null ? null : (double) t.rank();
            case ENTROPY -> t.entropy();
            case SURPRISAL -> -t.logprob();
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

    /** The measure for a command-line word: prob, logprob, rank, entropy, surprisal. */
    public static Measure parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Measure m : values()) {
            if (m.name().toLowerCase(Locale.ROOT).equals(n)) return m;
        }
        if (n.equals("probability")) return PROB;
        throw new IllegalArgumentException("Unknown measure '" + name + "': use prob, logprob, rank, entropy or surprisal.");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
