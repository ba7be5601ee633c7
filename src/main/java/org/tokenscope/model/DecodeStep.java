package org.tokenscope.model;

import java.util.Arrays;
import org.tokenscope.model.quant.VectorMath;

/**
 * New tokens through the decoder entirely in Java, for weights held as bf16 or q8: the step of
 * generation (one token), where every weight is read once for one position and what is around the
 * matrices (norms, attention over the cache, activations, adds) is small, and prompts of up to
 * {@link #POSITIONS} tokens.
 * Through the engine that step was some two hundred small engine calls and copies in and out of the
 * Java kernels, ~6 of ~29 ms a gpt2 token, and PyTorch's spinning threads took turns with the
 * kernels' own; here it is plain arrays (after llama3.java), the matrices through
 * {@link LinearWeights.Packed#applyArrays}.
 *
 * <p>It computes what {@link LanguageModel}'s forward pass computes for those positions, in the same
 * order and float32 (sums of squares and means in double), every family option included: learned
 * positions or rotary ones (local and global tables, scaled), LayerNorm or RMSNorm, q/k norms, fused
 * or separate q/k/v with or without biases, grouped keys and values, sliding windows, soft-caps,
 * Gemma's sandwich norms and scaled embeddings, gated or plain MLPs. Keys and values live in a
 * {@link Cache} of plain arrays that the session keeps in step with the engine's.
 */
final class DecodeStep {

    /**
     * Tokens up to which an append (a step, a prompt) runs here rather than through the engine's
     * forward pass, which for bf16/q8 weights widens every matrix to float32 for its GEMM
     * ({@code -Dtokenscope.javaStepPositions}). Measured, time to the first token after P prompt
     * tokens, q8, here against the engine (float32 weights through the engine in brackets): gpt2 48:
     * 43 vs 93 ms, 64: 55 vs 91, 96: 85 vs 112 (82), 128: 155 vs 130 (94); Llama-3.2-1B 48: 412 vs
     * 748, 64: 588 vs 788, 96: 945 vs 1,030 (823), 128: 1,381 vs 1,115 (1,004).
     */
    static final int POSITIONS = Integer.getInteger("tokenscope.javaStepPositions", 96);

    private final ModelConfig config;
    private final Weights weights;
    private final Layer[] layers;
    private final Norm finalNorm;
    private final float[] positions;  // [P·E] learned positions (GPT-2), else null
    private final Rope globalRope;
    private final Rope localRope;     // == globalRope when the local layers share its angles
    private final LinearWeights.Packed head;

    private record Norm(float[] gain, float[] bias) {
    }

    private record Layer(Norm attnNorm, Norm attnOutNorm, Norm mlpNorm, Norm mlpOutNorm,
                         LinearWeights.Packed qkv, LinearWeights.Packed q, LinearWeights.Packed k,
                         LinearWeights.Packed v, LinearWeights.Packed o, float[] qNorm, float[] kNorm,
                         LinearWeights.Packed gate, LinearWeights.Packed up, LinearWeights.Packed down) {
    }

    private DecodeStep(ModelConfig config, Weights weights, Layer[] layers, Rope globalRope, Rope localRope) {
        this.config = config;
        this.weights = weights;
        this.layers = layers;
        this.finalNorm = norm(weights.finalNorm);
        this.positions = weights.positionEmbedding == null ? null : weights.positionEmbedding.toFloatArray();
        this.globalRope = globalRope;
        this.localRope = localRope;
        this.head = (LinearWeights.Packed) weights.headWeights;
    }

    /**
     * The Java step for these weights, or null when some matrix is float32 in the engine (the f32
     * format, or a layer left unpacked): then the engine's step is the fast one.
     */
    static DecodeStep of(ModelConfig config, Weights weights, Rope globalRope, Rope localRope) {
        if (weights.format == WeightFormat.F32 || !(weights.headWeights instanceof LinearWeights.Packed)) {
            return null;
        }
        Layer[] layers = new Layer[weights.blocks.size()];
        for (int i = 0; i < layers.length; i++) {
            Weights.Block b = weights.blocks.get(i);
            Weights.Linear[] linears = {b.qkv(), b.q(), b.k(), b.v(), b.o(), b.gate(), b.up(), b.down()};
            for (Weights.Linear l : linears) {
                if (l != null && !(l.weights() instanceof LinearWeights.Packed)) {
                    return null;
                }
            }
            layers[i] = new Layer(norm(b.attnNorm()), norm(b.attnOutNorm()), norm(b.mlpNorm()), norm(b.mlpOutNorm()),
                    packed(b.qkv()), packed(b.q()), packed(b.k()), packed(b.v()), packed(b.o()),
                    b.qNorm() == null ? null : b.qNorm().toFloatArray(), b.kNorm() == null ? null : b.kNorm().toFloatArray(),
                    packed(b.gate()), packed(b.up()), packed(b.down()));
        }
        return new DecodeStep(config, weights, layers, globalRope, localRope);
    }

    private static Norm norm(Weights.NormWeights w) {
        return w == null ? null : new Norm(w.gain().toFloatArray(), w.bias() == null ? null : w.bias().toFloatArray());
    }

    private static LinearWeights.Packed packed(Weights.Linear l) {
        return l == null ? null : (LinearWeights.Packed) l.weights();
    }

    /**
     * Keys and values of every layer, position-major ([capacity, KV, D] per layer, flattened): what
     * the step reads and writes. Positions below {@link #valid} hold the model's keys and values.
     */
    static final class Cache {
        private final int stride; // KV·D: one position of one layer
        private float[][] keys;   // [layer][capacity·KV·D]
        private float[][] values;
        int valid;

        Cache(int layers, int kvHeads, int headDim) {
            this(kvHeads * headDim, new float[layers][0], new float[layers][0], 0);
        }

        private Cache(int stride, float[][] keys, float[][] values, int valid) {
            this.stride = stride;
            this.keys = keys;
            this.values = values;
            this.valid = valid;
        }

        int capacity() {
            return keys.length == 0 ? 0 : keys[0].length / stride;
        }

        /** Room for {@code positions} positions in every layer, growing by doubling (at most to {@code context}). */
        void reserve(int positions, int context) {
            int capacity = capacity();
            if (capacity >= positions) {
                return;
            }
            int grown = Math.min(context, Math.max(positions, Math.max(64, 2 * capacity)));
            for (int l = 0; l < keys.length; l++) {
                keys[l] = Arrays.copyOf(keys[l], grown * stride);
                values[l] = Arrays.copyOf(values[l], grown * stride);
            }
        }

        /** Layer {@code layer}'s keys (which 0) or values (1), [capacity, KV, D] flattened. */
        float[] of(int layer, int which) {
            return which == 0 ? keys[layer] : values[layer];
        }

        Cache copy() {
            float[][] k = new float[keys.length][];
            float[][] v = new float[keys.length][];
            for (int l = 0; l < keys.length; l++) {
                k[l] = keys[l].clone();
                v[l] = values[l].clone();
            }
            return new Cache(stride, k, v, valid);
        }
    }

    Cache newCache() {
        return new Cache(config.layers(), config.kvHeads(), config.headDim());
    }

    /**
     * The logits after the last of {@code ids} ([V]), the tokens sitting at positions {@code start ..},
     * their keys and values written into {@code cache} there; positions before {@code start} must be
     * {@link Cache#valid}. One id is a generation step; a few (a prompt) go through each matrix
     * together, each widened row multiplied by every position while it is in the L1 cache.
     */
    float[] logits(int[] ids, int start, Cache cache) {
        if (cache.valid < start) {
            throw new IllegalStateException("the cache holds " + cache.valid + " positions; the step is at " + start);
        }
        int t = ids.length;
        cache.reserve(start + t, config.context());
        int e = config.width();
        float[] x = new float[t * e];                                               // [T, E]
        float[] row = new float[e];
        for (int p = 0; p < t; p++) {
            weights.embedding.row(ids[p], row);
            System.arraycopy(row, 0, x, p * e, e);
        }
        if (config.embedScale() != 1f) {
            for (int i = 0; i < x.length; i++) x[i] *= config.embedScale();
        }
        if (positions != null) {
            for (int i = 0; i < x.length; i++) x[i] += positions[start * e + i];
        }
        float[][][] global = angles(globalRope, start, t);
        float[][][] local = localRope == globalRope ? global : angles(localRope, start, t);
        for (int l = 0; l < layers.length; l++) {
            Layer b = layers[l];
            // the last layer: every position's keys and values go into the cache, but only the last
            // position's output is read (the logits), so only its query, output projection and MLP
            // are computed (for gpt2's 16-token prompt, 6% of the arithmetic)
            int keep = l == layers.length - 1 ? 1 : t;
            float[] attended = attention(norm(x, b.attnNorm()), t, keep, b, l, start, cache,
                    config.sliding(l) ? local : global);
            if (b.attnOutNorm() != null) {
                attended = norm(attended, b.attnOutNorm());
            }
            if (keep < t) {
                x = Arrays.copyOfRange(x, (t - keep) * e, t * e);                   // [keep, E]
            }
            add(x, attended);
            float[] out = mlp(norm(x, b.mlpNorm()), keep, b);
            if (b.mlpOutNorm() != null) {
                out = norm(out, b.mlpOutNorm());
            }
            add(x, out);
        }
        cache.valid = start + t;
        float[] last = norm(Arrays.copyOfRange(x, x.length - e, x.length), finalNorm);
        float[] logits = head.applyArrays(last, 1);
        softcap(logits, 0, logits.length, config.finalSoftcap());
        return logits;
    }

    /** cos and sin of positions start .. start + t − 1: [T][2][D/2]; null without rotary positions. */
    private float[][][] angles(Rope rope, int start, int t) {
        if (rope == null) {
            return null;
        }
        int half = config.headDim() / 2;
        float[][][] a = new float[t][2][half];
        for (int p = 0; p < t; p++) rope.angles(start + p, a[p][0], a[p][1]);
        return a;
    }

    /**
     * Causal self-attention of x [T, E] at positions start.. over the cache and themselves, the keys
     * and values of all T written into the cache: the outputs of the last {@code keep} positions, [keep, E].
     */
    private float[] attention(float[] x, int t, int keep, Layer b, int layer, int start, Cache cache,
                              float[][][] angles) {
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        int d = config.headDim();
        int qw = heads * d;
        int stride = kvHeads * d;
        int first = t - keep;                                                        // the first query row
        float[] q;
        float[] k;
        float[] v;
        if (b.qkv() != null) { // GPT-2: one fused projection, each row q | k | v
            float[] qkv = b.qkv().applyArrays(x, t);
            int w = qw + 2 * stride;
            q = new float[keep * qw];
            k = new float[t * stride];
            v = new float[t * stride];
            for (int p = 0; p < t; p++) {
                if (p >= first) System.arraycopy(qkv, p * w, q, (p - first) * qw, qw);
                System.arraycopy(qkv, p * w + qw, k, p * stride, stride);
                System.arraycopy(qkv, p * w + qw + stride, v, p * stride, stride);
            }
        } else {
            q = b.q().applyArrays(keep == t ? x : Arrays.copyOfRange(x, first * config.width(), x.length), keep);
            k = b.k().applyArrays(x, t);
            v = b.v().applyArrays(x, t);
        }
        if (b.qNorm() != null) {
            for (int h = 0; h < keep * heads; h++) rmsNorm(q, h * d, d, b.qNorm());
            for (int h = 0; h < t * kvHeads; h++) rmsNorm(k, h * d, d, b.kNorm());
        }
        if (angles != null) {
            for (int p = 0; p < t; p++) {
                if (p >= first) {
                    for (int h = 0; h < heads; h++) {
                        Rope.rotate(q, ((p - first) * heads + h) * d, angles[p][0], angles[p][1]);
                    }
                }
                for (int h = 0; h < kvHeads; h++) Rope.rotate(k, (p * kvHeads + h) * d, angles[p][0], angles[p][1]);
            }
        }
        float scale = (float) config.queryScale();
        for (int i = 0; i < q.length; i++) q[i] *= scale;
        float[] keys = cache.of(layer, 0);
        float[] values = cache.of(layer, 1);
        System.arraycopy(k, 0, keys, start * stride, t * stride);
        System.arraycopy(v, 0, values, start * stride, t * stride);
        int group = heads / kvHeads;
        float[] mixed = new float[keep * qw];
        VectorMath.parallel(keep * heads, (start + t) * d * 2, (from, to) -> {
            float[] scores = new float[start + t];
            for (int ph = from; ph < to; ph++) { // query row first + p, head h
                int p = ph / heads;
                int h = ph % heads;
                int kv = h / group;
                int position = start + first + p;
                int lo = config.sliding(layer) ? Math.max(0, position - config.slidingWindow() + 1) : 0;
                int seen = position + 1 - lo;
                VectorMath.scores(q, ph * d, keys, lo * stride + kv * d, stride, seen, d, scores);
                softcap(scores, 0, seen, config.attnSoftcap());
                float max = Float.NEGATIVE_INFINITY;
                for (int s = 0; s < seen; s++) max = Math.max(max, scores[s]);
                double sum = 0;
                for (int s = 0; s < seen; s++) {
                    scores[s] = (float) Math.exp(scores[s] - max);
                    sum += scores[s];
                }
                float inverse = (float) (1 / sum);
                for (int s = 0; s < seen; s++) scores[s] *= inverse;
                VectorMath.mix(scores, seen, values, lo * stride + kv * d, stride, d, mixed, ph * d);
            }
        });
        return b.o().applyArrays(mixed, keep);
    }

    private float[] mlp(float[] x, int t, Layer b) {
        float[] h = b.up().applyArrays(x, t);
        if (b.gate() != null) {
            float[] gate = b.gate().applyArrays(x, t);
            activate(gate);
            for (int i = 0; i < h.length; i++) h[i] *= gate[i];
        } else {
            activate(h);
        }
        return b.down().applyArrays(h, t);
    }

    /** The family's activation of every value of x, in place (tanh and e^x vectorized: Math's took 10 ns a value). */
    private void activate(float[] x) {
        switch (config.activation()) {
            case GELU_TANH -> VectorMath.geluTanh(x, 0, x.length);
            case SILU -> VectorMath.silu(x, 0, x.length);
            case GELU -> {
                for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2))));
            }
        }
    }

    /** The family's norm of each row of x ([T, E]) into a new array. */
    private float[] norm(float[] x, Norm w) {
        float[] y = x.clone();
        int n = w.gain().length;
        for (int offset = 0; offset < x.length; offset += n) {
            if (config.norm() == ModelConfig.Norm.LAYER) {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[offset + i];
                mean /= n;
                double variance = 0;
                for (int i = 0; i < n; i++) variance += (x[offset + i] - mean) * (x[offset + i] - mean);
                variance /= n;
                double inverse = 1 / Math.sqrt(variance + config.normEps());
                for (int i = 0; i < n; i++) {
                    y[offset + i] = (float) ((x[offset + i] - mean) * inverse) * w.gain()[i]
                            + (w.bias() == null ? 0 : w.bias()[i]);
                }
            } else {
                rmsNorm(y, offset, n, w.gain()); // RMS_PLUS_ONE: the gain was made 1 + w at load
            }
        }
        return y;
    }

    /** x[offset .. offset + n) / √(mean(x²) + ε) · g, in place. */
    private void rmsNorm(float[] x, int offset, int n, float[] gain) {
        double squares = 0;
        for (int i = 0; i < n; i++) squares += (double) x[offset + i] * x[offset + i];
        float rms = (float) Math.sqrt((float) (squares / n) + config.normEps());
        for (int i = 0; i < n; i++) x[offset + i] = x[offset + i] / rms * gain[i];
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) x[i] += y[i];
    }

    /** cap·tanh(x / cap) over x[from .. to) when cap > 0. */
    private static void softcap(float[] x, int from, int to, float cap) {
        if (cap > 0) {
            for (int i = from; i < to; i++) x[i] = (float) (cap * Math.tanh(x[i] / cap));
        }
    }

    /**
     * The error function (Java has none) by Numerical Recipes' Chebyshev fit of erfc, |error| &lt; 1.2e-7
     * everywhere: below float32's resolution of gelu's 0.5·x·(1 + erf(x/√2)).
     */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
