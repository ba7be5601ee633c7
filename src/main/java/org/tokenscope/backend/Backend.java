package org.tokenscope.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.PatchGrid;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Strategy;

/**
 * A language model the app and the command line can look through: our own GPT-2 on the local
 * engine, or a remote inference server. Not thread-safe: one inference thread uses a backend.
 */
public interface Backend extends AutoCloseable {

    ModelSummary summary();

    /** What this backend can do (top-k limit, internals, beam search, entropy). */
    Capabilities capabilities();

    /** Scores every token of {@code text} (one pass per window of the model's context). */
    ScoredText score(String text, ScoreOptions options, BooleanSupplier cancel, ScoreProgress progress)
            throws IOException;

    /**
     * Scores every token of {@code text} and, from the same pass, the {@code options.topK()} most likely
     * tokens after it (under the same start-of-text rule as the scores). By default the tokens after the
     * text come from one greedy step of {@link #generate}; the local model reads them off its scoring pass.
     */
    default ScoredPass scoreWithNext(String text, ScoreOptions options, BooleanSupplier cancel,
                                     ScoreProgress progress) throws IOException {
        ScoredText scored = score(text, options, cancel, progress);
        GenerationResult one = generate(text, new GenerationSettings(1, new Greedy(), List.of(), options.topK())
                .withBos(options.bos()), GenerationListener.NONE, cancel);
        return new ScoredPass(scored, one.best().steps().isEmpty() ? List.of() : one.best().steps().get(0).top());
    }

    /** Continues {@code prompt}; steps and text stream through {@code listener} on the calling thread. */
    GenerationResult generate(String prompt, GenerationSettings settings, GenerationListener listener,
                              BooleanSupplier cancel) throws IOException;

    /**
     * Runs {@code text} once (without {@code <|endoftext|>} before it, cut to the context) and keeps what
     * {@code request} asks for of the model's insides .
     */
    default Inspection inspect(String text, InsideRequest request, BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException("Looking inside the model (attention, logit lens) is not available "
                + "for " + summary().name() + ": it needs a local model.");
    }

    /**
     * Forks {@code text} at its token {@code at}: {@code token} (an id, or a text that is one token)
     * replaces it and the model continues (see {@code service.Brancher}).
     */
    default Branch branch(String text, int at, String token, GenerationSettings settings,
                                   GenerationListener listener, BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException(NO_BRANCHES);
    }

    /** Forks the token ids {@code ids} at {@code at} with token {@code with} (see {@code service.Brancher}). */
    default Branch branch(int[] ids, int at, int with, GenerationSettings settings,
                                   GenerationListener listener, BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException(NO_BRANCHES);
    }

    /** A token given as its id (digits) or as a text that is exactly one token . */
    default int tokenId(String token) {
        throw new UnsupportedOperationException(NO_BRANCHES);
    }

    /** Why a backend without branches has none. */
    String NO_BRANCHES = "What-if branches need a local model: they are scored from the whole next-token distribution, which a remote server does not send.";

    /**
     * Why token {@code position} of {@code text} (see {@code Explanations.attribute}), rather than
     * {@code contrast} (a token id or one token's text; null for none). By default only occlusion, through
     * {@link #feed} and {@link #lastLogprobs} (see {@link Occlusion}); the other methods need the model's
     * gradients or attention, which {@link Capabilities#whyNot} explains.
     *
     * @param progress how many of the texts to score are scored (occlusion)
     */
    default Attribution attribute(String text, int position, String contrast, Attribution.Method method, int steps,
                                  BooleanSupplier cancel, ScoreProgress progress) throws IOException {
        String refused = capabilities().whyNot(method);
        if (refused != null) {
            throw new UnsupportedOperationException(refused);
        }
        return Occlusion.attribute(this, text, position, contrast, cancel, progress);
    }

    /**
     * A text as this backend feeds it to score it: its start token(s), then the text's tokens.
     *
     * @param tokens the text's tokens, as {@link #score} indexes them (ids known)
     * @param ids    every id fed: {@code lead} start tokens, then the text's
     */
    record Fed(List<TokenScore> tokens, int[] ids, int lead) {
        public Fed {
            tokens = List.copyOf(tokens);
            ids = ids.clone();
            if (ids.length != lead + tokens.size()) {
                throw new IllegalArgumentException("the start tokens and the text's tokens must make up the ids");
            }
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }
    }

    /** {@code text} tokenized as {@link #score} feeds it, with the ids of every token (see {@link Fed}). */
    default Fed feed(String text, BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException(summary().name() + " does not give a text's token ids.");
    }

    /**
     * The log-probability of each sequence's last token after the tokens before it, the ids fed as they
     * are (no start token added), with that token's id and text: {@code sequences.size()} alternatives, in
     * order. A backend batches them as it can; {@code progress} counts the sequences scored.
     */
    default List<Alternative> lastLogprobs(List<int[]> sequences, BooleanSupplier cancel, ScoreProgress progress)
            throws IOException {
        throw new UnsupportedOperationException(summary().name() + " does not score token ids.");
    }

    /** Every token's log-probability with a head (or, for head < 0, an MLP) zeroed (see {@code Explanations.intervene}). */
    default Ablation intervene(String text, int layer, int head, BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException("Interventions need the model's insides: they are not available for "
                + "remote models.");
    }

    /**
     * Activation patching from {@code clean} into {@code corrupted} (see {@code Explanations.patch}); target and
     * contrast are token ids or one token's text, contrast null for none.
     */
    default PatchGrid patch(String clean, String corrupted, int position, String target, String contrast,
                            BooleanSupplier cancel) throws IOException {
        throw new UnsupportedOperationException("Activation patching needs the model's insides: it is not available "
                + "for remote models.");
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

    /**
     * The local model behind this backend, whose whole next-token distributions the detectors
     * (Binoculars, Fast-DetectGPT) need; empty for a remote server, which returns only its top k.
     */
    default java.util.Optional<org.tokenscope.model.LanguageModel> localModel() {
        return java.util.Optional.empty();
    }

    @Override
    void close();

    /**
     * What to generate, independent of how the backend tokenizes.
     *
     * @param topAlternatives alternatives recorded per step
     * @param chat            the prompt is a user's chat message: put it through the model's chat template, and
     *                        stop at the model's end-of-turn tokens
     * @param bos             continue the prompt after the model's start token, as a text is scored (the
     *                        start-of-text rule of {@link ScoreOptions#bos}); a remote server applies its own
     */
    record GenerationSettings(int maxNewTokens, Strategy strategy, List<String> stopStrings, int topAlternatives,
                              boolean chat, boolean bos) {
        public GenerationSettings {
            stopStrings = List.copyOf(stopStrings);
        }

        /** Continue the prompt as it is (not a chat message), fed alone as {@code transformers}' {@code generate()} does. */
        public GenerationSettings(int maxNewTokens, Strategy strategy, List<String> stopStrings, int topAlternatives) {
            this(maxNewTokens, strategy, stopStrings, topAlternatives, false, false);
        }

        /** A chat message or not, the prompt fed alone. */
        public GenerationSettings(int maxNewTokens, Strategy strategy, List<String> stopStrings, int topAlternatives,
                                  boolean chat) {
            this(maxNewTokens, strategy, stopStrings, topAlternatives, chat, false);
        }

        /** The same settings, the prompt after the model's start token or not. */
        public GenerationSettings withBos(boolean value) {
            return new GenerationSettings(maxNewTokens, strategy, stopStrings, topAlternatives, chat, value);
        }
    }
}
