package org.tokenscope.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Why the model predicted what it did, over its own forward pass: gradients of one target with
 * respect to the input's embedding rows (through DJL's autograd on {@link LanguageModel#withGradients}),
 * and interventions from inside the pass ({@link Intervention}): a head or an MLP zeroed, the
 * residual stream patched from another text.
 *
 * <p>The target is always the next token after the last input row: f = log p(id), or
 * log p(id) − log p(contrast) for "why this rather than that". Rows before {@code from} are context
 * (the start token a text is scored after) and take no attribution; they are never scaled.
 *
 * <p>Not thread-safe: the model's inference thread owns an explainer. Plain Java values out.
 */
public final class Explainer {

    /**
     * Activations one gradient pass may keep for backward: it decides how many integrated-gradients
     * steps share a pass (all of them for short texts; one at a time for gpt2 on 256 tokens).
     */
    static final long GRADIENT_BUDGET_BYTES = 512L << 20;

    /** Activations one batched inference pass (occlusion, patching) may hold at once. */
    static final long INFERENCE_BUDGET_BYTES = 256L << 20;

    private final LanguageModel model;

    public Explainer(LanguageModel model) {
        this.model = model;
    }

    /** What is explained: log p(id), minus log p(contrast) when {@code contrast >= 0}. */
    public record Target(int id, int contrast) {
        public static Target of(int id) {
            return new Target(id, -1);
        }

        public boolean contrasted() {
            return contrast >= 0;
        }
    }

    /** Integrated gradients: a score per attributed row, f(x) and f(baseline). */
    public record Integrated(float[] scores, double value, double baselineValue) {
        /** |Σ scores − (f(x) − f(baseline))|: how far the midpoint rule is from the exact integral. */
        public double completenessError() {
            double sum = 0;
            for (float s : scores) {
                sum += s;
            }
            return Math.abs(sum - (value - baselineValue));
        }
    }

    /** Zero one head's output (before the output projection) or, with {@code head < 0}, a block's MLP output. */
    public record Ablation(int layer, int head) {
        public static Ablation head(int layer, int head) {
            return new Ablation(layer, head);
        }

        public static Ablation mlp(int layer) {
            return new Ablation(layer, -1);
        }
    }

    /**
     * Activation patching: the metric on the clean and the corrupted text, and on the corrupted text
     * with the residual stream after block l at row p taken from the clean run ([layers][rows]).
     */
    public record Patching(double clean, double corrupted, double[][] patched) {
    }

    /** log p(target.id) and log p(target.contrast) (NaN without one) as the next token after {@code ids}. */
    public double[] logprobs(int[] ids, Target target) {
        try (NDManager scratch = model.newScratch()) {
            NDArray hidden = model.hiddenStates(scratch, model.embeddingRows(scratch, ids), null, () -> false);
            NDArray last = hidden.get(new NDIndex("{}", ids.length - 1)).expandDims(0);     // [1, E]
            float[] lp = model.headLogits(last).logSoftmax(1).toFloatArray();                // [V]
            return new double[] {lp[target.id()], target.contrasted() ? lp[target.contrast()] : Double.NaN};
        }
    }

    /** f: the target's log-probability, or the contrast's log-probability ratio. */
    public double value(int[] ids, Target target) {
        double[] lp = logprobs(ids, target);
        return target.contrasted() ? lp[0] - lp[1] : lp[0];
    }

    /** Gradient × input: ∂f/∂x_t · x_t for each row t ≥ from, x_t the embedding row as looked up. */
    public float[] gradientTimesInput(int[] ids, int from, Target target, BooleanSupplier cancel) {
        return integrate(ids, from, target, new float[] {1f}, cancel);
    }

    /**
     * Integrated gradients from the baseline of zero rows (the context rows and every position
     * kept): x_t · mean over k of ∂f/∂x_t at α_k·x, α_k = (k + ½)/steps (the midpoint rule).
     */
    public Integrated integratedGradients(int[] ids, int from, Target target, int steps, BooleanSupplier cancel) {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1.");
        }
        float[] alphas = new float[steps];
        for (int k = 0; k < steps; k++) {
            alphas[k] = (float) ((k + 0.5) / steps);
        }
        float[] scores = integrate(ids, from, target, alphas, cancel);
        double value = value(ids, target);
        double baseline;
        try (NDManager scratch = model.newScratch()) {
            NDArray rows = scaledRows(scratch, ids, from, new float[] {0f}).squeeze(0);       // [T, E]
            baseline = targetValue(model.headLogits(lastRows(model.hiddenStates(scratch, rows, null, cancel))),
                    target, scratch).getFloat(0);
        }
        return new Integrated(scores, value, baseline);
    }

    /** x_t · (1/|alphas|) Σ_α ∂f/∂x_t (α·x) for rows t ≥ from, the alphas a batch at a time. */
    private float[] integrate(int[] ids, int from, Target target, float[] alphas, BooleanSupplier cancel) {
        checkFrom(ids, from);
        LanguageModel graph = model.withGradients();
        int n = ids.length;
        int e = model.config().width();
        int batch = batchFor(n, GRADIENT_BUDGET_BYTES, gradientBytesPerText(n));
        double[] sums = new double[n];
        for (int start = 0; start < alphas.length; start += batch) {
            checkCancel(cancel);
            float[] chunk = Arrays.copyOfRange(alphas, start, Math.min(alphas.length, start + batch));
            try (NDManager scratch = graph.newScratch()) {
                NDArray rows = graph.embeddingRows(scratch, ids);                               // [T, E]
                NDArray input = scaledRows(scratch, ids, from, chunk);                          // [B, T, E]
                input.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray hidden = graph.hiddenStates(scratch, input, null, cancel);          // [B, T, E]
                    NDArray f = targetValue(graph.headLogits(lastRows(hidden)), target, scratch); // [B]
                    collector.backward(f.sum());
                }
                NDArray gradient = input.getGradient();                                        // [B, T, E]
                float[] dot = gradient.sum(new int[] {0}).mul(rows).sum(new int[] {1}).toFloatArray(); // [T]
                for (int t = 0; t < n; t++) {
                    sums[t] += dot[t];
                }
            }
        }
        float[] scores = new float[n - from];
        for (int t = from; t < n; t++) {
            scores[t - from] = (float) (sums[t] / alphas.length);
        }
        return scores;
    }

    /** The embedding rows of ids once per alpha, rows t ≥ from scaled by it: [B, T, E]. */
    private NDArray scaledRows(NDManager scratch, int[] ids, int from, float[] alphas) {
        int n = ids.length;
        float[] scale = new float[alphas.length * n];
        for (int b = 0; b < alphas.length; b++) {
            for (int t = 0; t < n; t++) {
                scale[b * n + t] = t < from ? 1f : alphas[b];
            }
        }
        NDArray rows = model.embeddingRows(scratch, ids);                                        // [T, E]
        return rows.expandDims(0).mul(scratch.create(scale, new Shape(alphas.length, n, 1)));   // [B, T, E]
    }

    /** The last row of each text: [(B,) T, E] -> [B, E]. */
    private static NDArray lastRows(NDArray hidden) {
        if (hidden.getShape().dimension() == 2) {
            return hidden.get(new NDIndex("-1")).expandDims(0);                                 // [1, E]
        }
        return hidden.get(new NDIndex(":, -1"));                                                 // [B, E]
    }

    /** f per row of logits: log p(id) (− log p(contrast)). [B, V] -> [B] */
    private static NDArray targetValue(NDArray logits, Target target, NDManager scratch) {
        NDArray logProbs = logits.logSoftmax(1);                                                 // [B, V]
        NDArray value = logProbs.get(new NDIndex(":, {}", target.id()));                         // [B]
        if (target.contrasted()) {
            value = value.sub(logProbs.get(new NDIndex(":, {}", target.contrast())));
        }
        return value;
    }

    /**
     * Occlusion: f(ids) − f(ids without row t) for each row t ≥ from; the shortened texts, all of
     * one length, go through a few batched passes.
     */
    public double[] occlusion(int[] ids, int from, Target target, BooleanSupplier cancel) {
        checkFrom(ids, from);
        int n = ids.length;
        double full = value(ids, target);
        double[] out = new double[n - from];
        if (n == 1) {
            throw new IllegalArgumentException("There is no input token to remove: the target has no context.");
        }
        int batch = batchFor(n - 1, INFERENCE_BUDGET_BYTES, inferenceBytesPerText(n - 1));
        for (int start = from; start < n; start += batch) {
            checkCancel(cancel);
            int end = Math.min(n, start + batch);
            try (NDManager scratch = model.newScratch()) {
                NDArray[] texts = new NDArray[end - start];
                for (int t = start; t < end; t++) {
                    int[] without = new int[n - 1];
                    System.arraycopy(ids, 0, without, 0, t);
                    System.arraycopy(ids, t + 1, without, t, n - 1 - t);
                    texts[t - start] = model.embeddingRows(scratch, without);                    // [T − 1, E]
                }
                NDArray rows = NDArrays.stack(new NDList(texts));  // [B, T − 1, E]
                NDArray hidden = model.hiddenStates(scratch, rows, null, cancel);               // [B, T − 1, E]
                float[] f = targetValue(model.headLogits(lastRows(hidden)), target, scratch).toFloatArray();
                for (int t = start; t < end; t++) {
                    out[t - from] = full - f[t - start];
                }
            }
        }
        return out;
    }

    /**
     * log p(ids[t + 1]) at every row t with {@code ablation} applied, or with the model whole when it
     * is null ([T], NaN at the last row, which predicts nothing in the text).
     */
    public float[] ablatedLogprobs(int[] ids, Ablation ablation, BooleanSupplier cancel) {
        Intervention zero = ablation == null ? null : zeroing(ablation);
        try (NDManager scratch = model.newScratch()) {
            NDArray hidden = model.hiddenStates(scratch, model.embeddingRows(scratch, ids), zero, cancel); // [T, E]
            return nextLogprobs(hidden, ids);
        }
    }

    private Intervention zeroing(Ablation ablation) {
        ModelConfig c = model.config();
        if (ablation.layer() < 0 || ablation.layer() >= c.layers()) {
            throw new IllegalArgumentException("The layer must be between 0 and " + (c.layers() - 1) + ".");
        }
        if (ablation.head() >= c.heads()) {
            throw new IllegalArgumentException("The head must be between 0 and " + (c.heads() - 1) + ".");
        }
        if (ablation.head() >= 0) {
            return new Intervention() {
                @Override
                public NDArray heads(int layer, NDArray mixed) { // [H, T, D]
                    if (layer == ablation.layer()) {
                        mixed.set(new NDIndex("{}", ablation.head()), 0f);
                    }
                    return mixed;
                }
            };
        }
        return new Intervention() {
            @Override
            public NDArray mlp(int layer, NDArray out) { // [T, E]
                return layer == ablation.layer() ? out.muli(0f) : out;
            }
        };
    }

    /** log p(ids[t + 1]) from hidden states [T, E], a chunk of rows at a time: [T], NaN at the last row. */
    private float[] nextLogprobs(NDArray hidden, int[] ids) {
        int n = ids.length;
        float[] out = new float[n];
        out[n - 1] = Float.NaN;
        for (int from = 0; from + 1 < n; from += 128) {
            int to = Math.min(n - 1, from + 128);
            try (NDManager chunk = hidden.getManager().newSubManager()) {
                NDArray rows = hidden.get(new NDIndex("{}:{}", from, to));                       // [c, E]
                rows.attach(chunk);
                long[] next = new long[to - from];
                for (int t = from; t < to; t++) {
                    next[t - from] = ids[t + 1];
                }
                float[] lp = model.headLogits(rows).logSoftmax(1)
                        .gather(chunk.create(next, new Shape(to - from, 1)), 1).toFloatArray(); // [c]
                System.arraycopy(lp, 0, out, from, to - from);
            }
        }
        return out;
    }

    /**
     * Activation patching (TransformerLens' {@code get_act_patch_resid_post}): for each block l and
     * row p, the corrupted text runs with the residual stream after block l at row p replaced by
     * the clean run's, and f is read at {@code row}. The rows of one block go through batched passes.
     */
    public Patching patch(int[] clean, int[] corrupted, int row, Target target, BooleanSupplier cancel) {
        if (clean.length != corrupted.length) {
            throw new IllegalArgumentException("The clean text has " + clean.length + " tokens and the corrupted text "
                    + corrupted.length + "; patching needs texts of the same length.");
        }
        int n = clean.length;
        if (row < 0 || row >= n) {
            throw new IllegalArgumentException("Row " + row + " is outside the text's " + n + " tokens.");
        }
        int[] cleanIds = Arrays.copyOf(clean, row + 1); // later rows cannot change row's prediction
        int[] corruptIds = Arrays.copyOf(corrupted, row + 1);
        int layers = model.config().layers();
        double[][] patched = new double[layers][n];
        try (NDManager keep = model.newScratch()) {
            NDArray[] cleanResidual = new NDArray[layers];                                         // [T, E] each
            double cleanValue = rowValue(keep, cleanIds, new Intervention() {
                @Override
                public NDArray residual(int layer, NDArray x) {
                    NDArray copy = x.duplicate();
                    copy.attach(keep);
                    cleanResidual[layer] = copy;
                    return x;
                }
            }, target, cancel)[0];
            double corruptedValue = rowValue(keep, corruptIds, null, target, cancel)[0];
            int batch = batchFor(row + 1, INFERENCE_BUDGET_BYTES, inferenceBytesPerText(row + 1));
            for (int layer = 0; layer < layers; layer++) {
                for (int start = 0; start <= row; start += batch) {
                    checkCancel(cancel);
                    int first = start;
                    int count = Math.min(row + 1, start + batch) - start;
                    int patchedLayer = layer;
                    double[] f = rowValue(keep, corruptIds, count, new Intervention() {
                        @Override
                        public NDArray residual(int l, NDArray x) { // [B, T, E]: text b patched at row first + b
                            if (l == patchedLayer) {
                                for (int b = 0; b < count; b++) {
                                    try (NDArray from = cleanResidual[l].get(new NDIndex("{}", first + b))) { // [E]
                                        x.set(new NDIndex("{}, {}", b, first + b), from);
                                    }
                                }
                            }
                            return x;
                        }
                    }, target, cancel);
                    for (int b = 0; b < count; b++) {
                        patched[layer][first + b] = f[b];
                    }
                }
                for (int p = row + 1; p < n; p++) {
                    patched[layer][p] = corruptedValue; // after the predicting row: no effect
                }
            }
            return new Patching(cleanValue, corruptedValue, patched);
        }
    }

    private double[] rowValue(NDManager owner, int[] ids, Intervention edit, Target target, BooleanSupplier cancel) {
        try (NDManager scratch = owner.newSubManager()) {
            NDArray hidden = model.hiddenStates(scratch, model.embeddingRows(scratch, ids), edit, cancel); // [T, E]
            return toDoubles(targetValue(model.headLogits(lastRows(hidden)), target, scratch).toFloatArray());
        }
    }

    /** f at the last row of {@code copies} copies of ids, changed by edit: [copies]. */
    private double[] rowValue(NDManager owner, int[] ids, int copies, Intervention edit, Target target,
                              BooleanSupplier cancel) {
        try (NDManager scratch = owner.newSubManager()) {
            NDArray rows = model.embeddingRows(scratch, ids).expandDims(0)
                    .repeat(0, copies);                                                          // [B, T, E]
            NDArray hidden = model.hiddenStates(scratch, rows, edit, cancel);                   // [B, T, E]
            return toDoubles(targetValue(model.headLogits(lastRows(hidden)), target, scratch).toFloatArray());
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** How many integrated-gradients steps share one pass over a text of n tokens. */
    public int stepsPerPass(int n) {
        return batchFor(n, GRADIENT_BUDGET_BYTES, gradientBytesPerText(n));
    }

    /** Bytes an autograd pass keeps per text of n tokens: every block's saved arrays, roughly. */
    private long gradientBytesPerText(int n) {
        ModelConfig c = model.config();
        long perLayer = (long) n * (16L * c.width() + 4L * c.inner()) + 4L * c.heads() * n * n;
        return Float.BYTES * perLayer * c.layers();
    }

    /** Bytes an inference pass holds per text of n tokens at its widest (one block's temporaries). */
    private long inferenceBytesPerText(int n) {
        ModelConfig c = model.config();
        return Float.BYTES * ((long) n * (8L * c.width() + 2L * c.inner()) + 2L * c.heads() * n * Math.min(n, 128));
    }

    private static int batchFor(int n, long budget, long perText) {
        return (int) Math.max(1, Math.min(4096 / Math.max(1, n) + 1, budget / Math.max(1, perText)));
    }

    private static void checkFrom(int[] ids, int from) {
        if (from < 0 || from >= ids.length) {
            throw new IllegalArgumentException("There is no input token to attribute to.");
        }
    }

    private static void checkCancel(BooleanSupplier cancel) {
        if (cancel.getAsBoolean()) {
            throw new java.util.concurrent.CancellationException("Cancelled.");
        }
    }
}
