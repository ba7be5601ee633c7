package org.tokenscope.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
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

    /** Why token {@code position} of {@code text} (see {@link Explanations#attribute}); contrast < 0 for none. */
    default Attribution attribute(String text, int position, int contrast, Attribution.Method method, int steps,
                                  BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException("Attributions are not available for remote models yet.");
    }

    /** Every token's log-probability with a head (or, for head < 0, an MLP) zeroed (see {@link Explanations#intervene}). */
    default Ablation intervene(String text, int layer, int head, BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException("Interventions need the model's insides: they are not available for "
                + "remote models.");
    }

    /**
     * Each token's length in UTF-8 bytes. By default the bytes of the characters it spans, and -1
     * (unknown) for a token that holds only part of a character; a backend that knows its
     * vocabulary's bytes gives them all.
     */
    default int[] byteLengths(ScoredText scored) {
        int[] lengths = new int[scored.tokens().size()];
        String text = scored.text();
        for (int i = 0; i < lengths.length; i++) {
            TokenScore t = scored.tokens().get(i);
            boolean spans = !t.partial() && t.start() >= 0 && t.end() <= text.length() && t.start() <= t.end();
            lengths[i] = spans ? text.substring(t.start(), t.end()).getBytes(StandardCharsets.UTF_8).length : -1;
        }
        return lengths;
    }

    @Override
    void close();

    /**
     * What to generate, independent of how the backend tokenizes.
     *
     * @param topAlternatives alternatives recorded per step
     * @param chat the prompt is a user's chat message: put it through the model's chat template, and
     *     stop at the model's end-of-turn tokens
     */
    record GenerationSettings(int maxNewTokens, Strategy strategy, List<String> stopStrings, int topAlternatives,
                              boolean chat) {
        public GenerationSettings {
            stopStrings = List.copyOf(stopStrings);
        }

        /** Continue the prompt as it is (not a chat message). */
        public GenerationSettings(int maxNewTokens, Strategy strategy, List<String> stopStrings, int topAlternatives) {
            this(maxNewTokens, strategy, stopStrings, topAlternatives, false);
        }
    }
}
