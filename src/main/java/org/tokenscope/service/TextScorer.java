package org.tokenscope.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Window;
import org.tokenscope.analysis.WindowPlan;
import org.tokenscope.analysis.Windows;
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
        return new ModelSummary(model.name(), model.config().layers(), model.parameterCount(), model.contextLength());
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
        TokenizedText tokens = new TokenizedText(text.toString(), ids.clone(), starts, ends, new boolean[n], bytes);
        return scoreTokens(model, tokens, options, cancel, progress).scored();
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

    private static List<Alternative> alternatives(LanguageModel model, NextTokenStats stats, int row) {
        List<Alternative> top = new ArrayList<>();
        for (int i = 0; i < stats.topIds()[row].length; i++) {
            int id = stats.topIds()[row][i];
            top.add(new Alternative(id, model.tokenizer().pieceText(id), stats.topLogprobs()[row][i]));
        }
        return top;
    }

    private static TokenScore scored(LanguageModel model, TokenizedText tokens, int t, NextTokenStats stats, int row) {
        double lp = stats.logprob()[row];
        List<Alternative> top = alternatives(model, stats, row);
        return new TokenScore(t, tokens.ids()[t], tokens.display(t), tokens.starts()[t], tokens.ends()[t],
                tokens.partial()[t], lp, Math.exp(lp), stats.rank()[row], (double) stats.entropy()[row], top);
    }
}
