package org.tokenscope.model;

import java.util.Arrays;
import org.tokenscope.model.quant.VectorMath;

/**
 * One new token through the decoder entirely in Java, for weights held as bf16 or q8: the step of
 * generation, where every weight is read once for one position and what is around the matrices
 * (norms, attention over the cache, activations, adds) is small. Through the engine that step was
 * some two hundred small engine calls and copies in and out of the Java kernels, ~6 of ~29 ms a
 * gpt2 token, and PyTorch's spinning threads took turns with the kernels' own; here it is plain
 * arrays (after llama3.java), the matrices through {@link LinearWeights.Packed#applyVector}.
 *
 * <p>It computes what {@link LanguageModel}'s forward pass computes for one position, in the same
 * order and float32 (sums of squares and means in double), every family option included: learned
 * positions or rotary ones (local and global tables, scaled), LayerNorm or RMSNorm, q/k norms, fused
 * or separate q/k/v with or without biases, grouped keys and values, sliding windows, soft-caps,
 * Gemma's sandwich norms and scaled embeddings, gated or plain MLPs. Keys and values live in a
 * {@link Cache} of plain arrays that the session keeps in step with the engine's.
 */
final class DecodeStep {

    private final ModelConfig config;
    private final Weights weights;
    private final Layer[] layers;
    private final float[] finalGain;
    private final float[] finalBias;
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
        this.finalGain = weights.finalNorm.gain().toFloatArray();
        this.finalBias = weights.finalNorm.bias() == null ? null : weights.finalNorm.bias().toFloatArray();
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
            this.stride = kvHeads * headDim;
            this.keys = new float[layers][0];
            this.values = new float[layers][0];
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
            Cache c = new Cache(keys.length, 1, stride);
            c.keys = new float[keys.length][];
            c.values = new float[keys.length][];
            for (int l = 0; l < keys.length; l++) {
                c.keys[l] = keys[l].clone();
                c.values[l] = values[l].clone();
            }
            c.valid = valid;
            return c;
        }
    }

    Cache newCache() {
        return new Cache(config.layers(), config.kvHeads(), config.headDim());
    }

    /**
     * The logits after token {@code id} at {@code position} ([V]), its keys and values written into
     * {@code cache} at that position; positions before it must be {@link Cache#valid}.
     */
    float[] logits(int id, int position, Cache cache) {
        if (cache.valid < position) {
            throw new IllegalStateException("the cache holds " + cache.valid + " positions; the step is at " + position);
        }
        cache.reserve(position + 1, config.context());
        int e = config.width();
        float[] x = new float[e];
        weights.embedding.row(id, x);
        if (config.embedScale() != 1f) {
            for (int i = 0; i < e; i++) x[i] *= config.embedScale();
        }
        if (positions != null) {
            for (int i = 0; i < e; i++) x[i] += positions[position * e + i];
        }
        int half = config.headDim() / 2;
        float[][] global = new float[2][half];
        float[][] local = global;
        if (globalRope != null) {
            globalRope.angles(position, global[0], global[1]);
            if (localRope != globalRope) {
                local = new float[2][half];
                localRope.angles(position, local[0], local[1]);
            }
        }
        for (int l = 0; l < layers.length; l++) {
            Layer b = layers[l];
            float[] attended = attention(norm(x, b.attnNorm()), b, l, position, cache,
                    config.sliding(l) ? local : global);
            if (b.attnOutNorm() != null) {
                attended = norm(attended, b.attnOutNorm());
            }
            add(x, attended);
            float[] out = mlp(norm(x, b.mlpNorm()), b);
            if (b.mlpOutNorm() != null) {
                out = norm(out, b.mlpOutNorm());
            }
            add(x, out);
        }
        cache.valid = position + 1;
        float[] logits = new float[config.vocab()];
        head.applyVector(norm(x, new Norm(finalGain, finalBias)), logits);
        softcap(logits, 0, logits.length, config.finalSoftcap());
        return logits;
    }

    private float[] attention(float[] x, Layer b, int layer, int position, Cache cache, float[][] angles) {
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        int d = config.headDim();
        float[] q;
        float[] k;
        float[] v;
        if (b.qkv() != null) { // GPT-2: one fused projection, [3E] = q | k | v
            float[] qkv = new float[b.qkv().out()];
            b.qkv().applyVector(x, qkv);
            int w = heads * d;
            q = Arrays.copyOfRange(qkv, 0, w);
            k = Arrays.copyOfRange(qkv, w, w + kvHeads * d);
            v = Arrays.copyOfRange(qkv, w + kvHeads * d, w + 2 * kvHeads * d);
        } else {
            q = new float[heads * d];
            k = new float[kvHeads * d];
            v = new float[kvHeads * d];
            b.q().applyVector(x, q);
            b.k().applyVector(x, k);
            b.v().applyVector(x, v);
        }
        if (b.qNorm() != null) {
            for (int h = 0; h < heads; h++) rmsNorm(q, h * d, d, b.qNorm());
            for (int h = 0; h < kvHeads; h++) rmsNorm(k, h * d, d, b.kNorm());
        }
        if (!config.learnedPositions()) {
            for (int h = 0; h < heads; h++) Rope.rotate(q, h * d, angles[0], angles[1]);
            for (int h = 0; h < kvHeads; h++) Rope.rotate(k, h * d, angles[0], angles[1]);
        }
        float scale = (float) config.queryScale();
        for (int i = 0; i < q.length; i++) q[i] *= scale;
        int stride = kvHeads * d;
        float[] keys = cache.of(layer, 0);
        float[] values = cache.of(layer, 1);
        System.arraycopy(k, 0, keys, position * stride, stride);
        System.arraycopy(v, 0, values, position * stride, stride);
        int lo = config.sliding(layer) ? Math.max(0, position - config.slidingWindow() + 1) : 0;
        int seen = position + 1 - lo;
        int group = heads / kvHeads;
        float[] mixed = new float[heads * d];
        VectorMath.parallel(heads, seen * d * 2, (from, to) -> {
            float[] scores = new float[seen];
            for (int h = from; h < to; h++) {
                int kv = h / group;
                for (int s = 0; s < seen; s++) {
                    scores[s] = VectorMath.dot(q, h * d, keys, (lo + s) * stride + kv * d, d);
                }
                softcap(scores, 0, seen, config.attnSoftcap());
                float max = Float.NEGATIVE_INFINITY;
                for (int s = 0; s < seen; s++) max = Math.max(max, scores[s]);
                double sum = 0;
                for (int s = 0; s < seen; s++) {
                    scores[s] = (float) Math.exp(scores[s] - max);
                    sum += scores[s];
                }
                float inverse = (float) (1 / sum);
                for (int s = 0; s < seen; s++) {
                    VectorMath.axpy(scores[s] * inverse, values, (lo + s) * stride + kv * d, mixed, h * d, d);
                }
            }
        });
        float[] out = new float[b.o().out()];
        b.o().applyVector(mixed, out);
        return out;
    }

    private float[] mlp(float[] x, Layer b) {
        float[] h = new float[b.up().out()];
        b.up().applyVector(x, h);
        if (b.gate() != null) {
            float[] gate = new float[b.gate().out()];
            b.gate().applyVector(x, gate);
            for (int i = 0; i < h.length; i++) h[i] = activate(gate[i]) * h[i];
        } else {
            for (int i = 0; i < h.length; i++) h[i] = activate(h[i]);
        }
        float[] out = new float[b.down().out()];
        b.down().applyVector(h, out);
        return out;
    }

    private float activate(float x) {
        return switch (config.activation()) {
            case GELU_TANH -> (float) (0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
            case GELU -> (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))));
            case SILU -> (float) (x / (1 + Math.exp(-x)));
        };
    }

    /** The family's norm of x ([E]) into a new array. */
    private float[] norm(float[] x, Norm w) {
        float[] y = x.clone();
        if (config.norm() == ModelConfig.Norm.LAYER) {
            int n = x.length;
            double mean = 0;
            for (float v : x) mean += v;
            mean /= n;
            double variance = 0;
            for (float v : x) variance += (v - mean) * (v - mean);
            variance /= n;
            double inverse = 1 / Math.sqrt(variance + config.normEps());
            for (int i = 0; i < n; i++) {
                y[i] = (float) ((x[i] - mean) * inverse) * w.gain()[i] + (w.bias() == null ? 0 : w.bias()[i]);
            }
        } else {
            rmsNorm(y, 0, y.length, w.gain()); // RMS_PLUS_ONE: the gain was made 1 + w at load
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
