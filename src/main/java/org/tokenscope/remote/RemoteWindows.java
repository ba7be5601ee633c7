package org.tokenscope.remote;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Window;
import org.tokenscope.analysis.WindowPlan;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.service.TextScorer;
import org.tokenscope.backend.ScoreProgress;

/**
 * Scores a text longer than a remote model's context in overlapping windows of text, as the local
 * path does in windows of tokens: the server tokenizes, so windows are cut in characters.
 *
 * <h2>How</h2>
 * The server's refusal says how many tokens the text was ("you requested N tokens") and the context
 * ("maximum context length is C", or {@code max_model_len} from {@code /v1/models}), which gives the
 * characters per token. The first window is as many characters as 90 % of the context holds; each
 * next one scores the following half window of new text after half a window of text before it, so
 * every token is scored once, with at least half a context of text before it (except in the first
 * window). Windows are cut just before a whitespace character when one is near, so that a word keeps
 * the space a GPT-2 or SentencePiece tokenizer joins to it, and never inside a surrogate pair. From
 * each window only the tokens that start in its new text are kept, their spans moved to the whole
 * text's characters. A window the server still refuses is made 30 % shorter and sent again.
 * Requests go one at a time: concurrency is bounded by the one inference thread.
 */
final class RemoteWindows {

    /** Share of the context a window fills, room left for the start token and differing estimates. */
    static final double FILL = 0.9;
    private static final double SHRINK = 0.7;
    private static final int MAX_SHRINKS = 6;
    /** How far to look for whitespace to cut at, as a share of the window. */
    private static final double CUT_SLACK = 0.1;
    private static final Pattern REQUESTED = Pattern.compile("requested (\\d+) tokens");
    private static final Pattern MAXIMUM = Pattern.compile("maximum context length is (\\d+)");

    /** Scores one window of text in one request (the backend's single-request path). */
    interface Scorer {
        List<TokenScore> score(String window) throws IOException;
    }

    private RemoteWindows() {
    }

    static ScoredText score(String text, ScoreOptions options, RemoteException refusal, Integer maxModelLen,
                            ModelSummary summary, Scorer scorer, BooleanSupplier cancel, ScoreProgress progress)
            throws IOException {
        Integer context = maxModelLen != null ? maxModelLen : number(MAXIMUM, refusal.getMessage());
        Integer requested = number(REQUESTED, refusal.getMessage());
        if (context == null || context < 8) {
            throw refusal; // nothing to size windows by: the refusal's own sentence says what to do
        }
        double charsPerToken = requested != null && requested > 0
                ? (double) text.length() / requested
                : 3.0; // a cautious guess for English: BPE tokens average about four characters
        int window = Math.max(16, (int) (context * FILL * charsPerToken));
        int estimate = (int) Math.ceil(text.length() / (window / 2.0));

        List<TokenScore> out = new ArrayList<>();
        List<Window> plan = new ArrayList<>();
        int scoredTo = 0; // characters of the text whose tokens are kept
        int shrinks = 0;
        boolean bos = false;
        while (scoredTo < text.length()) {
            if (cancel.getAsBoolean()) {
                throw new CancellationException("Scoring was cancelled.");
            }
            boolean first = scoredTo == 0;
            int end = first ? cutBefore(text, Math.min(text.length(), window), window)
                    : cutBefore(text, Math.min(text.length(), scoredTo + window / 2), window);
            if (end <= scoredTo) {
                end = Math.min(text.length(), Math.max(scoredTo + 1, scoredTo + window / 2));
                end = safe(text, end);
            }
            int start = first ? 0 : cutAfter(text, Math.max(0, end - window), scoredTo, window);
            List<TokenScore> tokens;
            try {
                tokens = scorer.score(text.substring(start, end));
            } catch (RemoteException e) {
                if (e.kind() != RemoteException.Kind.CONTEXT_EXCEEDED || ++shrinks > MAX_SHRINKS) throw e;
                window = Math.max(16, (int) (window * SHRINK));
                continue;
            }
            int firstKept = out.size();
            int contextTokens = 0;
            for (TokenScore t : tokens) {
                int from = t.start() + start;
                boolean kept = first || (from >= scoredTo && t.end() > t.start());
                if (!kept) {
                    if (from < scoredTo) contextTokens++;
                    continue;
                }
                if (first && out.isEmpty()) {
                    bos = t.isScored();
                }
                int index = out.size();
                out.add(t.isScored()
                        ? new TokenScore(index, t.id(), t.text(), from, t.end() + start, t.partial(), t.logprob(),
                                t.prob(), t.rank(), t.entropy(), t.top())
                        : TokenScore.unscored(index, t.id(), t.text(), from, t.end() + start, t.partial()));
            }
            int lastKept = out.size();
            if (lastKept > firstKept) {
                plan.add(first
                        ? new Window(bos, 0, lastKept, bos ? 0 : Math.min(1, lastKept), lastKept)
                        : new Window(false, Math.max(0, firstKept - Math.max(1, contextTokens)), lastKept, firstKept,
                                lastKept));
            }
            scoredTo = end;
            progress.windowsDone(plan.size(), Math.max(plan.size(), estimate));
        }
        int n = out.size();
        int stride = Math.max(1, plan.size() > 1 ? plan.get(1).scoreTo() - plan.get(1).scoreFrom() : n);
        return ScoredText.of(text, bos, summary, out, new WindowPlan(n, bos, context, stride, plan));
    }

    /** A cut at or before {@code target}: just before the nearest whitespace within the slack, else there. */
    static int cutBefore(String text, int target, int window) {
        if (target >= text.length()) return text.length();
        int slack = Math.max(1, (int) (window * CUT_SLACK));
        for (int p = target; p > target - slack && p > 0; p--) {
            if (Character.isWhitespace(text.charAt(p))) return p;
        }
        return safe(text, target);
    }

    /** A window's first character at or after {@code target} (and before {@code limit}): at whitespace if near. */
    static int cutAfter(String text, int target, int limit, int window) {
        int slack = Math.max(1, (int) (window * CUT_SLACK));
        for (int p = target; p < target + slack && p < limit; p++) {
            if (Character.isWhitespace(text.charAt(p))) return p;
        }
        return safe(text, Math.min(target, limit));
    }

    /** {@code p}, moved back off the second half of a surrogate pair. */
    private static int safe(String text, int p) {
        return p > 0 && p < text.length() && Character.isLowSurrogate(text.charAt(p)) ? p - 1 : p;
    }

    private static Integer number(Pattern pattern, String message) {
        Matcher m = pattern.matcher(message == null ? "" : message);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }
}
