package org.tokenscope.service;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Strategy;

/**
 * A language model the app and the command line can look through: our own GPT-2 on the local
 * engine, or a remote inference server. Not thread-safe: one inference thread uses a backend.
 */
public interface Backend extends AutoCloseable {

    ModelSummary summary();

    /** Scores every token of {@code text} (see {@link TextScorer#score}). */
    ScoredText score(String text, ScoreOptions options, BooleanSupplier cancel, TextScorer.Progress progress)
            throws IOException;

    /** Continues {@code prompt}; steps and text stream through {@code listener} on the calling thread. */
    GenerationResult generate(String prompt, GenerationSettings settings, GenerationListener listener,
                              BooleanSupplier cancel) throws IOException;

    @Override
    void close();

    /**
     * What to generate, independent of how the backend tokenizes.
     *
     * @param topAlternatives alternatives recorded per step
     */
    record GenerationSettings(int maxNewTokens, Strategy strategy, List<String> stopStrings, int topAlternatives) {
        public GenerationSettings {
            stopStrings = List.copyOf(stopStrings);
        }
    }
}
