package org.tokenscope.service;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Comparison;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.backend.ScoredPass;

/** Analyses a text with one model or two: the use case behind the app's figures and {@code score}/{@code export}. */
public final class Analyser {

    /** How many alternatives are kept per position when nobody asks for a number (the app's top-k pane shows up to this many). */
    public static final int TOP_K = 50;

    private Analyser() {
    }

    /** The app's scoring: after {@code <|endoftext|>}, {@link #TOP_K} alternatives or as many as {@code backend} gives. */
    public static ScoreOptions options(Backend backend) {
        return options(backend, true, TOP_K);
    }

    /** Scoring with or without {@code <|endoftext|>} first, keeping {@code topK} alternatives or as many as {@code backend} gives. */
    public static ScoreOptions options(Backend backend, boolean bos, int topK) {
        return options(backend, new ScoreOptions(bos, topK, 0));
    }

    /** {@code wanted}, keeping as many alternatives as {@code backend} gives when it gives fewer. */
    public static ScoreOptions options(Backend backend, ScoreOptions wanted) {
        return new ScoreOptions(wanted.bos(), backend.capabilities().topK(wanted.topK()), wanted.stride());
    }

    /**
     * Scores {@code text} with {@code a} and, when given, {@code b} (each with {@link #options(Backend, ScoreOptions)}),
     * compares them and keeps what each expected after the text.
     *
     * @param b null for one model
     */
    public static Analysis analyse(String text, Backend a, Backend b, ScoreOptions wanted, BooleanSupplier cancel,
                                   Progress progress) throws IOException {
        long start = System.nanoTime();
        double share = b == null ? 1 : 0.5;
        ScoredPass pa = a.scoreWithNext(text, options(a, wanted), cancel, (done, total) ->
                progress.update(share * done / total, "Scoring with " + a.summary().name() + "…"));
        ScoredPass pb = null;
        Comparison comparison = null;
        if (b != null) {
            pb = b.scoreWithNext(text, options(b, wanted), cancel, (done, total) ->
                    progress.update(0.5 + 0.5 * done / total, "Scoring with " + b.summary().name() + "…"));
            comparison = Comparison.of(pa.scored().tokens(), pb.scored().tokens());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Analysis(text, pa.scored(), pb == null ? null : pb.scored(), comparison, millis, pa.next(),
                pb == null ? List.of() : pb.next(), a.byteLengths(pa.scored()));
    }

    /** The app's analysis: after {@code <|endoftext|>}, {@link #TOP_K} alternatives. */
    public static Analysis analyse(String text, Backend a, Backend b, BooleanSupplier cancel, Progress progress)
            throws IOException {
        return analyse(text, a, b, new ScoreOptions(true, TOP_K, 0), cancel, progress);
    }
}
