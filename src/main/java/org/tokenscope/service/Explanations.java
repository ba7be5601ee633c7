package org.tokenscope.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.Attribution.Method;
import org.tokenscope.analysis.PatchGrid;
import org.tokenscope.analysis.Rollout;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.model.Explainer;
import org.tokenscope.model.Explainer.Target;
import org.tokenscope.model.InspectRequest;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.TokenizedText;

/**
 * "Why this token": attributions, ablations and activation patching on a text, the use cases the
 * {@code attribute}, {@code intervene} and {@code patch} commands and the app's Why? share.
 * Token positions are {@code score}'s: the text's tokens from 0, fed after the model's start token
 * where it has one (that token is context, never attributed or patched).
 */
public final class Explanations {

    /** Steps of integrated gradients unless asked otherwise. */
    public static final int DEFAULT_STEPS = 32;

    private Explanations() {
    }

    /** A text as {@code score} feeds it: the ids with the start token first (if any), and the text's tokens. */
    record Fed(int[] ids, int lead, TokenizedText text, List<TokenScore> tokens) {
        /** The input row whose logits predict text token {@code position}. */
        int row(int position) {
            return position - 1 + lead;
        }
    }

    static Fed feed(LanguageModel model, String text, String what) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The " + what + " is empty: there is nothing to explain.");
        }
        TokenizedText encoded = model.tokenizer().encode(text);
        if (encoded.size() == 0) {
            throw new IllegalArgumentException("The " + what + " has no tokens.");
        }
        int start = model.startTokenId();
        int lead = start >= 0 ? 1 : 0;
        if (encoded.size() + lead > model.contextLength()) {
            throw new IllegalArgumentException("The " + what + " has " + encoded.size() + " tokens, more than the model's context of "
                    + model.contextLength() + " allows here; explain a shorter text.");
        }
        int[] ids = new int[encoded.size() + lead];
        if (lead == 1) {
            ids[0] = start;
        }
        System.arraycopy(encoded.ids(), 0, ids, lead, encoded.size());
        List<TokenScore> tokens = new ArrayList<>(encoded.size());
        for (int i = 0; i < encoded.size(); i++) {
            tokens.add(TokenScore.unscored(i, encoded.ids()[i], encoded.display(i), encoded.starts()[i], encoded.ends()[i],
                    encoded.partial()[i]));
        }
        return new Fed(ids, lead, encoded, tokens);
    }

    /**
     * A token id from what the user typed: a number is an id; anything else must be exactly one token
     * of the vocabulary (as {@code " Paris"} with its leading space is one GPT-2 token).
     */
    public static int tokenId(LanguageModel model, String idOrToken) {
        String s = idOrToken == null ? "" : idOrToken;
        if (s.matches("\\d+")) {
            int id = Integer.parseInt(s);
            if (id >= model.vocabSize()) {
                throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary (0.."
                        + (model.vocabSize() - 1) + ").");
            }
            return id;
        }
        int id = model.tokenizer().idOf(s);
        if (id < 0) {
            throw new IllegalArgumentException("\"" + s + "\" is not one token of " + model.name()
                    + "'s vocabulary; give a token id, or one token's text (with its leading space).");
        }
        return id;
    }

    /**
     * Attributes the prediction of token {@code position} of {@code text} (its log-probability, or its
     * log-probability minus {@code contrast}'s when contrast ≥ 0) to every token before it.
     *
     * @param steps integrated gradients' steps (ignored by the other methods)
     */
    public static Attribution attribute(LanguageModel model, String text, int position, int contrast, Method method,
                                        int steps, BooleanSupplier cancel) {
        Fed fed = feed(model, text, "text");
        int n = fed.tokens().size();
        if (position < 0 || position >= n) {
            throw new IllegalArgumentException("--position " + position + " is outside the text's " + n + " tokens (0 to "
                    + (n - 1) + ").");
        }
        if (position == 0) {
            throw new IllegalArgumentException("Token 0 has no token before it to attribute to; pick a later position.");
        }
        int id = fed.text().ids()[position];
        if (contrast == id) {
            throw new IllegalArgumentException("The contrast is the target itself; pick another token.");
        }
        int[] input = Arrays.copyOf(fed.ids(), fed.row(position) + 1);
        int from = fed.lead();
        Target target = new Target(id, contrast);
        Explainer explainer = new Explainer(model);
        double[] lp = explainer.logprobs(input, target);
        Double completeness = null;
        double[] scores = switch (method) {
            case GRADIENT_X_INPUT -> toDoubles(explainer.gradientTimesInput(input, from, target, cancel));
            case INTEGRATED_GRADIENTS -> {
                Explainer.Integrated ig = explainer.integratedGradients(input, from, target, steps, cancel);
                completeness = ig.completenessError();
                yield toDoubles(ig.scores());
            }
            case OCCLUSION -> explainer.occlusion(input, from, target, cancel);
            case ROLLOUT -> rollout(model, input, from, cancel);
        };
        Attribution.Contrast c = contrast >= 0
                ? new Attribution.Contrast(contrast, model.tokenizer().pieceText(contrast), lp[1]) : null;
        Attribution.Target t = new Attribution.Target(position, id, fed.tokens().get(position).text(), lp[0], c);
        return new Attribution(model.name(), text, fed.tokens(), t, method, scores, completeness);
    }

    /** Rollout of the last input row over every layer's attention, the context rows left out. */
    private static double[] rollout(LanguageModel model, int[] input, int from, BooleanSupplier cancel) {
        Set<Integer> all = new TreeSet<>();
        for (int l = 0; l < model.config().layers(); l++) {
            all.add(l);
        }
        var attention = model.inspect(input, new InspectRequest(all, false, 0, false), cancel).attention();
        float[][][][] layers = new float[all.size()][][][];
        for (int l : all) {
            layers[l] = attention.get(l);
        }
        double[] flow = Rollout.of(layers, input.length - 1);
        return Arrays.copyOfRange(flow, from, flow.length);
    }

    /** Every token's log-probability with the model whole and with head {@code head} (or, when < 0, the MLP) of {@code layer} zeroed. */
    public static Ablation intervene(LanguageModel model, String text, int layer, int head, BooleanSupplier cancel) {
        Fed fed = feed(model, text, "text");
        int layers = model.config().layers();
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("The layer must be between 0 and " + (layers - 1) + ".");
        }
        if (head >= model.config().heads()) {
            throw new IllegalArgumentException("The head must be between 0 and " + (model.config().heads() - 1) + ".");
        }
        Explainer explainer = new Explainer(model);
        float[] whole = explainer.ablatedLogprobs(fed.ids(), null, cancel);
        float[] ablated = explainer.ablatedLogprobs(fed.ids(),
                head >= 0 ? Explainer.Ablation.head(layer, head) : Explainer.Ablation.mlp(layer), cancel);
        int n = fed.tokens().size();
        double[] lp = new double[n];
        double[] lpAblated = new double[n];
        for (int t = 0; t < n; t++) {
            int row = fed.row(t);
            lp[t] = row < 0 ? Double.NaN : whole[row];
            lpAblated[t] = row < 0 ? Double.NaN : ablated[row];
        }
        return new Ablation(model.name(), text, fed.tokens(), layer, head, lp, lpAblated);
    }

    /**
     * Activation patching from {@code clean} into {@code corrupted} (texts of as many tokens), the metric
     * read where token {@code position} is predicted: target − contrast logits, or the target's
     * log-probability when contrast < 0.
     */
    public static PatchGrid patch(LanguageModel model, String clean, String corrupted, int position, int target,
                                  int contrast, BooleanSupplier cancel) {
        Fed c = feed(model, clean, "clean text");
        Fed k = feed(model, corrupted, "corrupted text");
        int n = c.tokens().size();
        if (k.tokens().size() != n) {
            throw new IllegalArgumentException("The clean text has " + n + " tokens and the corrupted text "
                    + k.tokens().size() + "; patching needs texts of the same number of tokens.");
        }
        if (position < 0 || position >= n) {
            throw new IllegalArgumentException("--position " + position + " is outside the text's " + n + " tokens (0 to "
                    + (n - 1) + ").");
        }
        if (c.row(position) < 0) {
            throw new IllegalArgumentException("Token 0 is predicted from nothing here (the model has no start token); pick a later position.");
        }
        for (int id : new int[] {target, contrast}) {
            if (id >= model.vocabSize()) {
                throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary (0.."
                        + (model.vocabSize() - 1) + ").");
            }
        }
        if (target < 0) {
            throw new IllegalArgumentException("--target must be a token id.");
        }
        Target t = new Target(target, contrast);
        Explainer.Patching p = new Explainer(model).patch(c.ids(), k.ids(), c.row(position), t, cancel);
        double[][] patched = new double[p.patched().length][];
        for (int l = 0; l < patched.length; l++) {
            patched[l] = Arrays.copyOfRange(p.patched()[l], c.lead(), c.lead() + n); // the start row is context
        }
        double[][] effect = PatchGrid.effects(p.clean(), p.corrupted(), patched);
        Explainer explainer = new Explainer(model);
        double[] lp = explainer.logprobs(Arrays.copyOf(c.ids(), c.row(position) + 1), t);
        Alternative targetAlt = new Alternative(target, model.tokenizer().pieceText(target), lp[0]);
        Alternative contrastAlt = contrast >= 0 ? new Alternative(contrast, model.tokenizer().pieceText(contrast), lp[1]) : null;
        return new PatchGrid(model.name(), c.tokens(), k.tokens(), position, targetAlt, contrastAlt, p.clean(), p.corrupted(),
                effect);
    }

    /**
     * Integrated gradients over bare ids, every row attributed (benchmarks): the completeness error, f at the
     * text and at the baseline, and the steps a pass.
     */
    public record Integrated(double[] scores, double completenessError, double value, double baselineValue,
                             int stepsPerPass) {
    }

    /** Integrated gradients of log p(target) after {@code ids}, no start token, every row attributed (for {@code bench}). */
    public static Integrated integratedGradients(LanguageModel model, int[] ids, int target, int steps, BooleanSupplier cancel) {
        Explainer explainer = new Explainer(model);
        Explainer.Integrated ig = explainer.integratedGradients(ids, 0, Target.of(target), steps, cancel);
        return new Integrated(toDoubles(ig.scores()), ig.completenessError(), ig.value(), ig.baselineValue(),
                explainer.stepsPerPass(ids.length));
    }

    /** {@link #tokenId} for an optional token: -1 when {@code idOrToken} is null. */
    public static int optionalTokenId(LanguageModel model, String idOrToken) {
        return idOrToken == null ? -1 : tokenId(model, idOrToken);
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
