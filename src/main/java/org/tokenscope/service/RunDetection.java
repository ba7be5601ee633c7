package org.tokenscope.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Gltr;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.model.LanguageModel;

/**
 * The detectors beside a {@code score}: for each run its GLTR buckets and Fast-DetectGPT with that
 * model as both scorer and reference, and for two runs Binoculars and Fast-DetectGPT with A observing
 * and scoring, B performing and referring. What cannot be computed is null with a sentence why, never
 * guessed.
 *
 * @param runs     one per scored run, in order
 * @param pair     A's and B's joint terms (with A's and B's own), or null
 * @param pairNote why {@code pair} is null when there are two runs; null otherwise
 */
public record RunDetection(List<Run> runs, TextDetection pair, String pairNote) {

    static final String TOP_K_ONLY = "Binoculars and Fast-DetectGPT need the model's whole distribution at every "
            + "position; a remote server returns only its top k.";

    /**
     * One run's own scores.
     *
     * @param gltr          the rank buckets, or null when some rank is unknown (a remote server's top-k)
     * @param fastDetectGpt that model as scorer and reference, or null for a remote model
     * @param note          why something is null; null when nothing is
     */
    public record Run(Gltr gltr, Double fastDetectGpt, String note) {
    }

    /**
     * Computes what the runs' backends allow: one more pass through each local model (both at once
     * when they are paired).
     */
    public static RunDetection of(List<Backend> backends, List<ScoredText> scored, ScoreOptions options,
                                  BooleanSupplier cancel) {
        String text = scored.get(0).text();
        Optional<LanguageModel> a = backends.get(0).localModel();
        Optional<LanguageModel> b = backends.size() > 1 ? backends.get(1).localModel() : Optional.empty();
        TextDetection pair = null;
        String pairNote = null;
        TextDetection[] own = new TextDetection[backends.size()];
        if (backends.size() > 1) {
            if (a.isEmpty() || b.isEmpty()) {
                pairNote = TOP_K_ONLY;
            } else {
                pairNote = Detector.whyNotPaired(a.get(), b.get());
                if (pairNote == null && !java.util.Arrays.equals(a.get().tokenizer().encode(text).ids(),
                        b.get().tokenizer().encode(text).ids())) {
                    pairNote = "Binoculars and Fast-DetectGPT need both models to cut the text into the same tokens.";
                }
                if (pairNote == null) {
                    pair = Detector.detect(a.get(), b.get(), text, options.bos(), options.stride(), cancel);
                    own[0] = pair;
                    own[1] = new TextDetection(pair.tokens(), pair.positions(), pair.b(), null, null);
                }
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            Optional<LanguageModel> model = backends.get(i).localModel();
            if (own[i] == null && model.isPresent()) {
                own[i] = Detector.detect(model.get(), null, text, options.bos(), options.stride(), cancel);
            }
            Gltr gltr = gltr(scored.get(i));
            Double fdg = own[i] == null ? null : finite(own[i].a().fastDetectGpt());
            String note = own[i] == null ? TOP_K_ONLY : null;
            if (gltr == null) {
                note = (note == null ? "" : note + " ") + "GLTR needs every token's rank; the server did not give them all.";
            }
            runs.add(new Run(gltr, fdg, note));
        }
        return new RunDetection(runs, pair, pair == null ? pairNote : null);
    }

    /** GLTR over a run's scored tokens, or null when a scored token's rank is unknown. */
    public static Gltr gltr(ScoredText run) {
        List<TokenScore> scored = run.tokens().stream().filter(TokenScore::isScored).toList();
        if (scored.stream().anyMatch(t -> t.rank() == null)) {
            return null;
        }
        return Gltr.of(scored.stream().mapToInt(TokenScore::rank).toArray());
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
