package org.tokenscope.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.ModelTerms;
import org.tokenscope.analysis.PairTerms;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.analysis.Window;
import org.tokenscope.analysis.WindowPlan;
import org.tokenscope.analysis.Windows;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.PairReductions;
import org.tokenscope.model.TokenizedText;

/**
 * Binoculars, Fast-DetectGPT and GLTR terms for texts, from one local model (A) or two that share a
 * tokenizer (A observer/scorer, B performer/reference). Texts longer than the context are cut into
 * the windows {@link TextScorer} uses (with the smaller context of the two models), and each token's
 * terms come from the window that scores it. Several texts go through the engine together.
 */
public final class Detector {

    private Detector() {
    }

    /**
     * Why A and B cannot be paired for Binoculars and Fast-DetectGPT, or null when they can: both
     * distributions must be over the same tokens.
     */
    public static String whyNotPaired(LanguageModel a, LanguageModel b) {
        if (a.vocabSize() != b.vocabSize()) {
            return "Binoculars and Fast-DetectGPT need two models over the same vocabulary; " + a.name() + " has "
                    + a.vocabSize() + " tokens and " + b.name() + " " + b.vocabSize() + ".";
        }
        int n = a.tokenizer().vocabSize();
        boolean same = n == b.tokenizer().vocabSize() && a.startTokenId() == b.startTokenId();
        for (int id = 0; same && id < n; id++) {
            same = Arrays.equals(a.tokenBytes(id), b.tokenBytes(id));
        }
        return same ? null : "Binoculars and Fast-DetectGPT need two models that share a tokenizer; " + a.name()
                + " and " + b.name() + " have different ones.";
    }

    /** Tokenizes {@code text} with A's tokenizer and detects it (see {@link #detect(LanguageModel, LanguageModel, List, boolean, int, BooleanSupplier)}). */
    public static TextDetection detect(LanguageModel a, LanguageModel b, String text, boolean bos, int stride,
                                       BooleanSupplier cancel) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to score.");
        }
        String why = b == null ? null : whyNotPaired(a, b); // said before the text's own tokens
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        TokenizedText tokens = a.tokenizer().encode(text);
        if (b != null && !Arrays.equals(tokens.ids(), b.tokenizer().encode(text).ids())) {
            throw new IllegalArgumentException(a.name() + " and " + b.name() + " cut this text into different tokens.");
        }
        return detect(a, b, List.of(tokens), bos, stride, cancel).get(0);
    }

    /**
     * The terms of every text, run through the engine as one batch (each text's windows together).
     *
     * @param b     the second model, or null for A alone
     * @param bos   score each text's first token after the model's start token (GPT-2's {@code <|endoftext|>},
     *              the BOS a tokenizer adds), when it has one
     * @param stride window stride for texts longer than the context, 0 for half the context
     * @throws IllegalArgumentException when A and B cannot be paired ({@link #whyNotPaired})
     */
    public static List<TextDetection> detect(LanguageModel a, LanguageModel b, List<TokenizedText> texts, boolean bos,
                                             int stride, BooleanSupplier cancel) {
        if (b != null) {
            String why = whyNotPaired(a, b);
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
        }
        // texts start as score starts them: after the model's start token, or with the first token unscored
        // when it has none
        int start = a.startTokenId();
        boolean fed = bos && start >= 0;
        int context = b == null ? a.contextLength() : Math.min(a.contextLength(), b.contextLength());
        List<PairReductions.Sequence> sequences = new ArrayList<>();
        List<List<Window>> plans = new ArrayList<>();
        for (TokenizedText text : texts) {
            WindowPlan plan = stride > 0 ? Windows.plan(text.size(), fed, context, Math.min(stride, context))
                    : Windows.plan(text.size(), fed, context);
            plans.add(plan.windows());
            for (Window w : plan.windows()) {
                sequences.add(sequence(text.ids(), w, start));
            }
        }
        List<PairReductions.Result> results = PairReductions.run(a, b, sequences, cancel);
        List<TextDetection> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < texts.size(); i++) {
            List<Window> windows = plans.get(i);
            out.add(assemble(texts.get(i).size(), windows, results.subList(next, next + windows.size()), b != null));
            next += windows.size();
        }
        return out;
    }

    private static PairReductions.Sequence sequence(int[] ids, Window w, int start) {
        int[] input = new int[w.length()];
        int offset = 0;
        if (w.bos()) {
            input[offset++] = start;
        }
        for (int t = w.start(); t < w.end(); t++) {
            input[offset++] = ids[t];
        }
        int[] targets = new int[input.length];
        Arrays.fill(targets, -1);
        for (int t = w.scoreFrom(); t < w.scoreTo(); t++) {
            targets[w.logitRow(t)] = ids[t];
        }
        return new PairReductions.Sequence(input, targets);
    }

    /** Each text token's terms from the window that scores it, in text order. */
    private static TextDetection assemble(int tokens, List<Window> windows, List<PairReductions.Result> results,
                                          boolean pair) {
        int n = 0;
        for (Window w : windows) n += w.scoredCount();
        int[] positions = new int[n];
        Terms a = new Terms(n);
        Terms b = pair ? new Terms(n) : null;
        double[] cross = new double[pair ? n : 0];
        double[] mean = new double[pair ? n : 0];
        double[] variance = new double[pair ? n : 0];
        int i = 0;
        for (int k = 0; k < windows.size(); k++) {
            Window w = windows.get(k);
            PairReductions.Result r = results.get(k);
            for (int t = w.scoreFrom(); t < w.scoreTo(); t++, i++) {
                int row = w.logitRow(t);
                positions[i] = t;
                a.set(i, r.a(), row);
                if (pair) {
                    b.set(i, r.b(), row);
                    cross[i] = r.crossEntropy()[row];
                    mean[i] = r.fdgMean()[row];
                    variance[i] = r.fdgVariance()[row];
                }
            }
        }
        return new TextDetection(tokens, positions, a.terms(), pair ? b.terms() : null,
                pair ? new PairTerms(cross, mean, variance) : null);
    }

    private static final class Terms {
        final double[] logprob;
        final int[] rank;
        final double[] entropy;
        final double[] variance;

        Terms(int n) {
            logprob = new double[n];
            rank = new int[n];
            entropy = new double[n];
            variance = new double[n];
        }

        void set(int i, PairReductions.Side side, int row) {
            logprob[i] = side.logprob()[row];
            rank[i] = side.rank()[row];
            entropy[i] = side.entropy()[row];
            variance[i] = side.selfVariance()[row];
        }

        ModelTerms terms() {
            return new ModelTerms(logprob, rank, entropy, variance);
        }
    }
}
