package org.tokenscope.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Window;
import org.tokenscope.analysis.WindowPlan;
import org.tokenscope.analysis.Windows;
import org.tokenscope.model.InspectRequest;
import org.tokenscope.model.Internals;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.NextTokenStats;
import org.tokenscope.model.TokenizedText;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.backend.ScoredPass;
import org.tokenscope.backend.ScoreProgress;

/** Text → tokens → one forward pass per window → a score for every token. */
public final class TextScorer {

    private TextScorer() {
    }

    public static ModelSummary summary(LanguageModel model) {
        return new ModelSummary(model.name(), model.config().layers(), model.parameterCount(), model.contextLength(),
                model.weightFormat().label());
    }

    public static ScoredText score(LanguageModel model, String text, ScoreOptions options) {
        return score(model, text, options, () -> false, (done, total) -> { });
    }

    /**
     * Scores every token of {@code text}. A text longer than the context is scored in overlapping
     * windows (see {@link Windows}), each token with as much context as its window allows.
     *
     * @throws IllegalArgumentException for an empty text, with a sentence for the user
     * @throws java.util.concurrent.CancellationException when {@code cancel} says so
     */
    public static ScoredText score(LanguageModel model, String text, ScoreOptions options, BooleanSupplier cancel,
                                   ScoreProgress progress) {
        return scoreWithNext(model, text, options, cancel, progress).scored();
    }

    /**
     * As {@link #score}, and the {@code options.topK()} most likely tokens after the text, read off the
     * same pass: its last position, which follows the text's last token.
     */
    public static ScoredPass scoreWithNext(LanguageModel model, String text, ScoreOptions options, BooleanSupplier cancel,
                                           ScoreProgress progress) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to score.");
        }
        TokenizedText tokens = model.tokenizer().encode(text);
        if (tokens.size() == 0) {
            throw new IllegalArgumentException("The text has no tokens to score.");
        }
        return scoreTokens(model, tokens, options, cancel, progress);
    }

    /**
     * Scores token ids that come without a text (benchmarks, tools) exactly as {@link #score} scores
     * a text's tokens. Each token reads as its piece ({@link org.tokenscope.model.Tokenizer#pieceText});
     * the scored text is the pieces joined.
     *
     * @throws IllegalArgumentException for no ids or an id outside the vocabulary
     */
    public static ScoredText scoreIds(LanguageModel model, int[] ids, ScoreOptions options, BooleanSupplier cancel,
                                      ScoreProgress progress) {
        return scoreTokens(model, tokensOf(model, ids), options, cancel, progress).scored();
    }

    /** Ids as a text: each token reads as its piece, the text is the pieces joined. */
    static TokenizedText tokensOf(LanguageModel model, int[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("There are no token ids to score.");
        }
        int n = ids.length;
        StringBuilder text = new StringBuilder();
        int[] starts = new int[n];
        int[] ends = new int[n];
        byte[][] bytes = new byte[n][];
        for (int t = 0; t < n; t++) {
            if (ids[t] < 0 || ids[t] >= model.vocabSize()) {
                throw new IllegalArgumentException("Token id " + ids[t] + " is outside the vocabulary (0.."
                        + (model.vocabSize() - 1) + ").");
            }
            starts[t] = text.length();
            text.append(model.tokenizer().pieceText(ids[t]));
            ends[t] = text.length();
            bytes[t] = model.tokenBytes(ids[t]);
        }
        return new TokenizedText(text.toString(), ids.clone(), starts, ends, new boolean[n], bytes);
    }


    /** One forward pass per window over {@code tokens} (at least one), a score for every token. */
    private static ScoredPass scoreTokens(LanguageModel model, TokenizedText tokens, ScoreOptions options,
                                          BooleanSupplier cancel, ScoreProgress progress) {
        String text = tokens.text();
        int n = tokens.size();
        // the start token is the model's (GPT-2's <|endoftext|>, the BOS its tokenizer adds by itself);
        // a model without one leaves the first token unscored, as --no-bos does
        int start = StartOfText.token(model, options.bos());
        boolean bos = start >= 0;
        List<Alternative> next = List.of();
        WindowPlan plan = options.stride() > 0
                ? Windows.plan(n, bos, model.contextLength(), Math.min(options.stride(), model.contextLength()))
                : Windows.plan(n, bos, model.contextLength());
        TokenScore[] scores = new TokenScore[n];
        List<Window> windows = plan.windows();
        for (int w = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            int[] input = new int[window.length()];
            int offset = 0;
            if (window.bos()) {
                input[offset++] = start;
            }
            for (int t = window.start(); t < window.end(); t++) {
                input[offset++] = tokens.ids()[t];
            }
            int[] targets = new int[input.length];
            Arrays.fill(targets, -1);
            for (int t = window.scoreFrom(); t < window.scoreTo(); t++) {
                targets[window.logitRow(t)] = tokens.ids()[t];
            }
            int after = input.length - 1; // the last window's last row follows the text's last token
            boolean last = window.end() == n && targets[after] < 0;
            if (last) {
                targets[after] = 0; // any token: only the distribution (its top-k) is read at this row
            }
            NextTokenStats stats = model.scoreNext(input, targets, options.topK(), cancel);
            requireFinite(model, input, stats, cancel);
            for (int t = window.scoreFrom(); t < window.scoreTo(); t++) {
                scores[t] = scored(model, tokens, t, stats, window.logitRow(t));
            }
            if (last) {
                next = alternatives(model, stats, after);
            }
            progress.windowsDone(w + 1, windows.size());
        }
        List<TokenScore> list = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            list.add(scores[t] != null ? scores[t] : TokenScore.unscored(t, tokens.ids()[t], tokens.display(t),
                    tokens.starts()[t], tokens.ends()[t], tokens.partial()[t]));
        }
        return new ScoredPass(ScoredText.of(text, bos, summary(model), list, plan), next);
    }

    /**
     * Refuses a forward pass whose predictions are not finite (weights that are finite but overflow
     * F32 in the activations, as an F16 fine-tune can), naming the first layer whose output is not.
     *
     * @throws IllegalStateException one sentence: the model, and where the pass stops being finite
     */
    static void requireFinite(LanguageModel model, int[] input, NextTokenStats stats, BooleanSupplier cancel) {
        for (int row = 0; row < stats.entropy().length; row++) {
            boolean finite = Float.isFinite(stats.entropy()[row])
                    && (!stats.scored()[row] || !Float.isNaN(stats.logprob()[row]));
            if (!finite) {
                throw new IllegalStateException(model.name() + "'s forward pass gives logits that are not finite (NaN or"
                        + " infinity), from " + firstNonFiniteLayer(model, input, cancel) + " on, so there are no"
                        + " numbers to show: its weights are finite, but the activations overflow.");
            }
        }
    }

    /**
     * Where a forward pass over {@code input} first stops being finite, read off the logit lens (each
     * layer's residual through the final norm and the head): "the embeddings", "block 3 (layer 4 of
     * 12)", counted from 0 as the files name blocks (h.3, model.layers.3), or "the final layer norm or the head" when every layer reads finite.
     */
    static String firstNonFiniteLayer(LanguageModel model, int[] input, BooleanSupplier cancel) {
        Internals inside = model.inspect(input, new InspectRequest(Set.of(), true, 1, false), cancel);
        for (int level = 0; level <= inside.layers(); level++) {
            for (float[] top : inside.lensTopLogprobs()[level]) {
                if (top.length == 0 || !Float.isFinite(top[0])) {
                    return level == 0 ? "the embeddings"
                            : "block " + (level - 1) + " (layer " + level + " of " + inside.layers() + ")";
                }
            }
        }
        return "the final norm or the head";
    }

    static List<Alternative> alternatives(LanguageModel model, NextTokenStats stats, int row) {
        List<Alternative> top = new ArrayList<>();
        for (int i = 0; i < stats.topIds()[row].length; i++) {
            int id = stats.topIds()[row][i];
            top.add(new Alternative(id, model.tokenizer().pieceText(id), stats.topLogprobs()[row][i]));
        }
        return top;
    }

    static TokenScore scored(LanguageModel model, TokenizedText tokens, int t, NextTokenStats stats, int row) {
        double lp = stats.logprob()[row];
        List<Alternative> top = alternatives(model, stats, row);
        return new TokenScore(t, tokens.ids()[t], tokens.display(t), tokens.starts()[t], tokens.ends()[t],
                tokens.partial()[t], lp, Math.exp(lp), stats.rank()[row], (double) stats.entropy()[row], top);
    }
}
