package org.tokenscope.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.backend.ScoreProgress;
import org.tokenscope.backend.ScoredPass;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Window;
import org.tokenscope.analysis.WindowPlan;
import org.tokenscope.analysis.Windows;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.NextTokenStats;
import org.tokenscope.model.TokenizedText;

/**
 * Scores texts one after another with one model, keeping the key/value cache of the last window it
 * ran and the scores of the last text, so that an edit costs only what it changed:
 * <ul>
 *   <li>a token keeps its score when everything it was scored from is unchanged: its own id, every id
 *       before it in its window, and the window's start (same options too);</li>
 *   <li>a window with any other token to score runs from the first position the cache does not hold
 *       (the common prefix of the cached ids and the window's ids), or from the first row it must
 *       score if that comes earlier: typing at the end of a 1,000-token text runs a few positions
 *       over 1,000 cached ones, an edit in the middle runs the positions after it;</li>
 *   <li>texts longer than the context: windows the edit does not touch keep their scores; the
 *       touched ones are scored again (one cache, so the last of them is what stays cached).</li>
 * </ul>
 * The result equals {@link TextScorer#score} up to the engine's rounding (the same maths, with the
 * prefix's keys and values read from the cache). A failed or cancelled update leaves the last
 * analysis and a consistent cache: the next update starts from what is really cached.
 *
 * <p>Not thread-safe: the inference thread that owns the model owns this. Owns a decoding session
 * (native memory): close it.
 */
public final class IncrementalScorer implements AutoCloseable {

    private final LanguageModel model;
    private LanguageModel.Session session; // made on first use
    private int[] cached = new int[0]; // the ids whose keys and values the session holds, in order
    private Analysis last;             // the last complete analysis
    private int fed;                   // positions the last update ran through the model
    private int reused;                // tokens whose scores the last update kept

    /** What the last analysis scored, in the coordinates of its fed sequence. */
    private record Analysis(ScoreOptions options, String text, int[] sequence, WindowPlan plan, TokenScore[] scores,
                            int[] lastInput, List<Alternative> next) {
    }

    public IncrementalScorer(LanguageModel model) {
        this.model = model;
    }

    /** Scores {@code text} as {@link TextScorer#score} does, reusing what the last text shares with it. */
    public ScoredText score(String text, ScoreOptions options, BooleanSupplier cancel, ScoreProgress progress) {
        return scoreWithNext(text, options, cancel, progress).scored();
    }

    /** As {@link #score}, and the tokens after the text from the same pass (see {@link TextScorer#scoreWithNext}). */
    public ScoredPass scoreWithNext(String text, ScoreOptions options, BooleanSupplier cancel, ScoreProgress progress) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to score.");
        }
        TokenizedText tokens = model.tokenizer().encode(text);
        if (tokens.size() == 0) {
            throw new IllegalArgumentException("The text has no tokens to score.");
        }
        return update(tokens, options, cancel, progress);
    }

    /** Scores ids as {@link TextScorer#scoreIds} does, reusing what the last ids share with them. */
    public ScoredText scoreIds(int[] ids, ScoreOptions options, BooleanSupplier cancel, ScoreProgress progress) {
        return update(TextScorer.tokensOf(model, ids), options, cancel, progress).scored();
    }

    /** Positions the last successful update ran through the model (all of them for a first text). */
    public int lastFed() {
        return fed;
    }

    /** Tokens whose scores the last successful update kept from the text before. */
    public int lastReused() {
        return reused;
    }

    /**
     * The {@code options.topK()} most likely tokens after the whole of the last text scored, best first,
     * or none before the first text: what the last position predicts, computed with the text.
     */
    public List<Alternative> nextAlternatives() {
        return last == null ? List.of() : last.next();
    }

    /** The text of the last successful update (ids: their pieces joined), or null before the first. */
    public String lastText() {
        return last == null ? null : last.text();
    }

    /** Forgets the cache and the last analysis: the next text is scored from nothing. */
    public void forget() {
        last = null;
        cached = new int[0];
        if (session != null) {
            session.truncate(0);
        }
    }

    private ScoredPass update(TokenizedText tokens, ScoreOptions options, BooleanSupplier cancel,
                              ScoreProgress progress) {
        int n = tokens.size();
        // as TextScorer: after the model's start token (GPT-2's <|endoftext|>), none when it has none
        int start = StartOfText.token(model, options.bos());
        boolean bos = start >= 0;
        int context = model.contextLength();
        WindowPlan plan = options.stride() > 0
                ? Windows.plan(n, bos, context, Math.min(options.stride(), context))
                : Windows.plan(n, bos, context);
        int offset = bos ? 1 : 0;
        int[] sequence = new int[n + offset]; // what the windows are cut from: [start token] + ids
        if (bos) sequence[0] = start;
        System.arraycopy(tokens.ids(), 0, sequence, offset, n);

        Analysis before = last != null && last.options().equals(options) ? last : null;
        int unchanged = before == null ? 0 : commonPrefix(before.sequence(), sequence);
        TokenScore[] scores = new TokenScore[n];
        int keptCount = 0;
        int fedCount = 0;
        List<Window> windows = plan.windows();
        List<Alternative> next = null;
        int[] lastInput = null;
        for (int w = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            int[] input = Arrays.copyOfRange(sequence, window.start() + (window.bos() ? 0 : offset),
                    window.end() + offset);                                  // [length]
            int[] targets = new int[input.length];
            Arrays.fill(targets, -1);
            boolean any = false;
            for (int t = window.scoreFrom(); t < window.scoreTo(); t++) {
                TokenScore kept = before == null ? null : keptScore(before, t, unchanged - offset, window);
                if (kept != null) {
                    scores[t] = new TokenScore(t, kept.id(), tokens.display(t), tokens.starts()[t], tokens.ends()[t],
                            tokens.partial()[t], kept.logprob(), kept.prob(), kept.rank(), kept.entropy(), kept.top());
                    keptCount++;
                } else {
                    targets[window.logitRow(t)] = tokens.ids()[t];
                    any = true;
                }
            }
            boolean isLast = w == windows.size() - 1;
            if (isLast) {
                lastInput = input;
                if (before != null && Arrays.equals(before.lastInput(), input)) {
                    next = before.next();
                } else {
                    targets[input.length - 1] = 0; // any id: the row after the text is run for its top-k
                    any = true;
                }
            }
            if (any) {
                Run run = runWindow(input, targets, options.topK(), cancel);
                if (isLast && next == null) {
                    next = List.copyOf(TextScorer.alternatives(model, run.stats(), input.length - 1 - run.from()));
                }
                fedCount += run.fed();
                for (int t = window.scoreFrom(); t < window.scoreTo(); t++) {
                    if (scores[t] == null) {
                        scores[t] = TextScorer.scored(model, tokens, t, run.stats(), window.logitRow(t) - run.from());
                    }
                }
            }
            progress.windowsDone(w + 1, windows.size());
        }
        List<TokenScore> list = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            list.add(scores[t] != null ? scores[t] : TokenScore.unscored(t, tokens.ids()[t], tokens.display(t),
                    tokens.starts()[t], tokens.ends()[t], tokens.partial()[t]));
        }
        last = new Analysis(options, tokens.text(), sequence, plan, scores, lastInput, next == null ? List.of() : next);
        fed = fedCount;
        reused = keptCount;
        return new ScoredPass(ScoredText.of(tokens.text(), bos, TextScorer.summary(model), list, plan), last.next());
    }

    /**
     * The last analysis's score of token {@code t} if it still holds: the token and every id before it
     * are unchanged ({@code t < unchangedTokens}) and it was scored by a window starting where
     * {@code window} starts.
     */
    private static TokenScore keptScore(Analysis before, int t, int unchangedTokens, Window window) {
        if (t >= unchangedTokens || t >= before.scores().length || before.scores()[t] == null) {
            return null;
        }
        Window then = before.plan().windowFor(t);
        return then.bos() == window.bos() && then.start() == window.start() ? before.scores()[t] : null;
    }

    /** Stats of rows {@code from..} of a window (row r of the stats is the window's row from + r). */
    private record Run(NextTokenStats stats, int from, int fed) {
    }

    /**
     * Runs one window's ids through the session: from the first position the cache does not hold,
     * or from the first row to score if earlier. Afterwards the cache holds {@code input}.
     */
    private Run runWindow(int[] input, int[] targets, int topK, BooleanSupplier cancel) {
        int firstRow = 0;
        while (targets[firstRow] < 0) firstRow++;
        int from = Math.min(commonPrefix(cached, input), firstRow);
        if (session == null) {
            session = model.newSession();
        }
        session.truncate(from);
        cached = Arrays.copyOf(input, from); // what the cache holds if the run fails
        NextTokenStats stats = session.scoreAppend(Arrays.copyOfRange(input, from, input.length),
                Arrays.copyOfRange(targets, from, targets.length), topK, cancel);
        cached = input.clone();
        return new Run(stats, from, input.length - from);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
        cached = new int[0];
        last = null;
    }
}
