package org.tokenscope.service;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Generator;
import org.tokenscope.model.ChatTemplate;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.InspectRequest;

/**
 * Our own GPT-2 on the local DJL engine. Owns (and closes) the model, and keeps the key/value cache of
 * the last text it scored so that an edited text is scored again only from its first change.
 */
public final class LocalBackend implements Backend {

    private final LanguageModel model;
    private final IncrementalScorer scorer;

    public LocalBackend(LanguageModel model) {
        this.model = model;
        this.scorer = new IncrementalScorer(model);
    }

    public LanguageModel model() {
        return model;
    }

    @Override
    public ModelSummary summary() {
        return TextScorer.summary(model);
    }

    @Override
    public ScoredText score(String text, ScoreOptions options, BooleanSupplier cancel, TextScorer.Progress progress) {
        return scorer.score(text, options, cancel, progress);
    }

    /** Exact for every token, split characters included: the vocabulary's own bytes. */
    @Override
    public int[] byteLengths(ScoredText scored) {
        return scored.tokens().stream().mapToInt(t -> model.tokenBytes(t.id()).length).toArray();
    }

    @Override
    public GenerationResult generate(String prompt, GenerationSettings settings, GenerationListener listener,
                                     BooleanSupplier cancel) {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("The prompt is empty: give a text to continue.");
        }
        int[] ids = settings.chat()
                // the template writes the BOS and the turn markers itself; they are read as special tokens
                ? model.tokenizer().encode(ChatTemplate.render(model.tokenizer().chatFiles(),
                        List.of(new ChatTemplate.Message("user", prompt)), model.name())).ids()
                : model.tokenizer().encodeWithSpecialTokens(prompt); // the BOS its tokenizer adds included
        GenerationRequest request = GenerationRequest.builder().setPrompt(ids)
                .setMaxNewTokens(settings.maxNewTokens()).optStrategy(settings.strategy())
                .optStopStrings(settings.stopStrings()).optTopAlternatives(settings.topAlternatives()).build();
        return new Generator(model).generate(request, listener, cancel);
    }

    /** From the last scoring when it was of {@code text} with at least {@code k} alternatives: no pass of its own. */
    @Override
    public List<Alternative> nextAlternatives(String text, int k, BooleanSupplier cancel) throws IOException {
        List<Alternative> kept = scorer.nextAlternatives();
        if (text.equals(scorer.lastText()) && kept.size() >= Math.min(k, model.vocabSize())) {
            return kept.subList(0, Math.min(k, kept.size()));
        }
        return Backend.super.nextAlternatives(text, k, cancel);
    }

    @Override
    public int tokenId(String token) {
        return Brancher.resolveToken(model, token);
    }

    @Override
    public Brancher.Branch branch(String text, int at, String token, GenerationSettings settings,
                                  GenerationListener listener, BooleanSupplier cancel) {
        return Brancher.branch(model, text, at, token, settings, listener, cancel);
    }

    @Override
    public Brancher.Branch branch(int[] ids, int at, int with, GenerationSettings settings,
                                  GenerationListener listener, BooleanSupplier cancel) {
        return Brancher.branch(model, ids, at, with, settings, listener, cancel);
    }

    @Override
    public Inspection inspect(String text, InspectRequest request, BooleanSupplier cancel) {
        return Inspector.inspect(model, text, request, cancel);
    }

    @Override
    public void close() {
        scorer.close();
        model.close();
    }
}
