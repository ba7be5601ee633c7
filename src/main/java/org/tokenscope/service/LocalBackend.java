package org.tokenscope.service;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.analysis.Attribution;
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

/** Our own GPT-2 on the local DJL engine. Owns (and closes) the model. */
public final class LocalBackend implements Backend {

    private final LanguageModel model;

    public LocalBackend(LanguageModel model) {
        this.model = model;
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
        return TextScorer.score(model, text, options, cancel, progress);
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

    @Override
    public Inspection inspect(String text, InspectRequest request, BooleanSupplier cancel) {
        return Inspector.inspect(model, text, request, cancel);
    }

    @Override
    public Attribution attribute(String text, int position, int contrast, Attribution.Method method, int steps,
                                 BooleanSupplier cancel) {
        return Explanations.attribute(model, text, position, contrast, method, steps, cancel);
    }

    @Override
    public Ablation intervene(String text, int layer, int head, BooleanSupplier cancel) {
        return Explanations.intervene(model, text, layer, head, cancel);
    }

    @Override
    public void close() {
        model.close();
    }
}
