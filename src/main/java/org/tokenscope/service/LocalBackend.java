package org.tokenscope.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.PatchGrid;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.generate.DecoderModel;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Generator;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.Branch;
import org.tokenscope.backend.Capabilities;
import org.tokenscope.backend.InsideRequest;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.backend.ScoreProgress;
import org.tokenscope.backend.ScoredPass;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.model.ChatTemplate;
import org.tokenscope.model.LanguageModel;

/**
 * Our own decoder on the local DJL engine. Owns (and closes) the model, and keeps the key/value cache of
 * the last text it scored so that an edited text is scored again only from its first change
 * ({@link IncrementalScorer}).
 */
public final class LocalBackend implements Backend {

    private final LanguageModel model;
    private final IncrementalScorer scorer;

    public LocalBackend(LanguageModel model) {
        this.model = model;
        this.scorer = new IncrementalScorer(model);
    }

    /** The scorer that keeps the last text's cache (for benchmarks of re-scoring after an edit). */
    public IncrementalScorer scorer() {
        return scorer;
    }

    @Override
    public ModelSummary summary() {
        return TextScorer.summary(model);
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.local(model.vocabSize());
    }

    /** The width of the residual stream (for benchmarks' records). */
    public int width() {
        return model.config().width();
    }

    /** Bytes of the weight matrices as held (see {@link LanguageModel#weightBytes}). */
    public long weightBytes() {
        return model.weightBytes();
    }

    /** The model as the generation loop drives it (for benchmarks that time its steps). */
    public DecoderModel decoder() {
        return model;
    }

    @Override
    public ScoredText score(String text, ScoreOptions options, BooleanSupplier cancel, ScoreProgress progress) {
        return scorer.score(text, options, cancel, progress);
    }

    @Override
    public ScoredPass scoreWithNext(String text, ScoreOptions options, BooleanSupplier cancel,
                                    ScoreProgress progress) {
        return scorer.scoreWithNext(text, options, cancel, progress);
    }

    /** Scores token ids that come without a text (see {@link TextScorer#scoreIds}). */
    public ScoredText scoreIds(int[] ids, ScoreOptions options, BooleanSupplier cancel, ScoreProgress progress) {
        return TextScorer.scoreIds(model, ids, options, cancel, progress);
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
                // the start-of-text rule of scoring: after the model's start token when asked
                : StartOfText.prepend(StartOfText.token(model, settings.bos()), model.tokenizer().encode(prompt).ids());
        GenerationRequest request = GenerationRequest.builder().setPrompt(ids)
                .setMaxNewTokens(settings.maxNewTokens()).optStrategy(settings.strategy())
                .optStopStrings(settings.stopStrings()).optTopAlternatives(settings.topAlternatives()).build();
        GenerationResult result = new Generator(model).generate(request, listener, cancel);
        for (Sequence sequence : result.sequences()) {
            for (Step step : sequence.steps()) {
                if (Double.isNaN(step.logprob()) || Double.isNaN(step.entropy())) {
                    // the prompt and what was generated, as the step that overflowed read it (its last context)
                    int[] all = Arrays.copyOf(ids, ids.length + sequence.ids().length);
                    System.arraycopy(sequence.ids(), 0, all, ids.length, sequence.ids().length);
                    int[] window = Arrays.copyOfRange(all, Math.max(0, all.length - model.contextLength()), all.length);
                    throw new IllegalStateException(model.name() + "'s forward pass gives logits that are not finite"
                            + " (NaN or infinity), from " + TextScorer.firstNonFiniteLayer(model, window, cancel)
                            + " on, so the steps have no numbers: its weights are finite, but the activations overflow.");
                }
            }
        }
        return result;
    }

    @Override
    public int tokenId(String token) {
        return Brancher.resolveToken(model, token);
    }

    @Override
    public Branch branch(String text, int at, String token, GenerationSettings settings, GenerationListener listener,
                         BooleanSupplier cancel) {
        return Brancher.branch(model, text, at, token, settings, listener, cancel);
    }

    @Override
    public Branch branch(int[] ids, int at, int with, GenerationSettings settings, GenerationListener listener,
                         BooleanSupplier cancel) {
        return Brancher.branch(model, ids, at, with, settings, listener, cancel);
    }

    @Override
    public Inspection inspect(String text, InsideRequest request, BooleanSupplier cancel) {
        return Inspector.inspect(model, text, request, cancel);
    }

    @Override
    public java.util.Optional<LanguageModel> localModel() {
        return java.util.Optional.of(model);
    }

    @Override
    public Attribution attribute(String text, int position, String contrast, Attribution.Method method, int steps,
                                 BooleanSupplier cancel, ScoreProgress progress) {
        return Explanations.attribute(model, text, position, Explanations.optionalTokenId(model, contrast), method, steps,
                cancel);
    }

    /** The text as {@code score} feeds it, after the model's start token where it has one. */
    @Override
    public Fed feed(String text, BooleanSupplier cancel) {
        Explanations.Fed fed = Explanations.feed(model, text, "text");
        return new Fed(fed.tokens(), fed.ids(), fed.lead());
    }

    /** Each sequence's last token scored by a pass over the sequence (one at a time: occlusion batches its own). */
    @Override
    public List<Alternative> lastLogprobs(List<int[]> sequences, BooleanSupplier cancel, ScoreProgress progress) {
        List<Alternative> out = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            int[] context = Arrays.copyOf(s, s.length - 1);
            int[] targets = new int[context.length]; // targets[t]: the token row t predicts
            Arrays.fill(targets, -1);
            int last = s[s.length - 1];
            targets[context.length - 1] = last;
            double lp = model.scoreNext(context, targets, 0, cancel).logprob()[context.length - 1];
            out.add(new Alternative(last, model.tokenizer().pieceText(last), lp));
            progress.windowsDone(out.size(), sequences.size());
        }
        return out;
    }

    @Override
    public Ablation intervene(String text, int layer, int head, BooleanSupplier cancel) {
        return Explanations.intervene(model, text, layer, head, cancel);
    }

    @Override
    public PatchGrid patch(String clean, String corrupted, int position, String target, String contrast,
                           BooleanSupplier cancel) {
        return Explanations.patch(model, clean, corrupted, position, Explanations.tokenId(model, target),
                Explanations.optionalTokenId(model, contrast), cancel);
    }

    /** Integrated gradients over bare ids (for benchmarks; see {@link Explanations#integratedGradients}). */
    public Explanations.Integrated integratedGradients(int[] ids, int target, int steps, BooleanSupplier cancel) {
        return Explanations.integratedGradients(model, ids, target, steps, cancel);
    }

    @Override
    public void close() {
        scorer.close();
        model.close();
    }
}
