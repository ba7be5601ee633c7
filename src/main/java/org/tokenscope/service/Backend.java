package org.tokenscope.service;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Strategy;
import org.tokenscope.model.InspectRequest;

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

    /**
     * Runs {@code text} once (without {@code <|endoftext|>} before it, cut to the context) and keeps what
     * {@code request} asks for of the model's insides (see {@link Inspector#inspect}).
     */
    default Inspection inspect(String text, InspectRequest request, BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException("Looking inside the model (attention, logit lens) is not available "
                + "for remote models.");
    }

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
