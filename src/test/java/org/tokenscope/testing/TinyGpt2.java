package org.tokenscope.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A GPT-2 with seeded random weights, held in memory under Hugging Face's bare names
 * ({@code wte.weight}, {@code h.0.attn.c_attn.weight}, ...), with an independent plain-Java,
 * double-precision forward pass to check the real model against.
 *
 * <p>Linear layers are Conv1D as in GPT-2: weights stored [in, out], y = x·W + b.
 * Weights are scaled so that predictions are far from uniform: the final LayerNorm output has
 * entries of about 1 and {@code wte} has std 4/√embd, so logits spread about 4 nats.
 */
public final class TinyGpt2 {

    public static final double LAYER_NORM_EPS = 1e-5;

    private final int layers;
    private final int heads;
    private final int embd;
    private final int positions;
    private final int vocab;
    private final Map<String, float[]> tensors; // name -> row-major values, in Hugging Face order
    private final Map<String, long[]> shapes;

    private TinyGpt2(int layers, int heads, int embd, int positions, int vocab,
                     Map<String, float[]> tensors, Map<String, long[]> shapes) {
        this.layers = layers;
        this.heads = heads;
        this.embd = embd;
        this.positions = positions;
        this.vocab = vocab;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.shapes = Collections.unmodifiableMap(shapes);
    }

    /** Same seed and sizes, same weights, on every JVM. */
    public static TinyGpt2 random(long seed, int layers, int heads, int embd, int positions, int vocab) {
        if (layers < 1 || heads < 1 || embd % heads != 0 || positions < 1 || vocab < 2) {
            throw new IllegalArgumentException("bad sizes: layers=%d heads=%d embd=%d positions=%d vocab=%d"
                    .formatted(layers, heads, embd, positions, vocab));
        }
        Random random = new Random(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        double in = 1 / Math.sqrt(embd);
        Init init = (name, mean, std, shape) -> {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            float[] values = new float[Math.toIntExact(count)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (mean + std * random.nextGaussian());
            }
            tensors.put(name, values);
            shapes.put(name, shape);
        };
        init.put("wte.weight", 0, 4 * in, new long[] {vocab, embd});
        init.put("wpe.weight", 0, 0.3, new long[] {positions, embd});
        for (int i = 0; i < layers; i++) {
            String h = "h." + i + ".";
            init.put(h + "ln_1.weight", 1, 0.1, new long[] {embd});
            init.put(h + "ln_1.bias", 0, 0.1, new long[] {embd});
            init.put(h + "attn.c_attn.weight", 0, 1.5 * in, new long[] {embd, 3L * embd});
            init.put(h + "attn.c_attn.bias", 0, 0.1, new long[] {3L * embd});
            init.put(h + "attn.c_proj.weight", 0, 0.5 * in, new long[] {embd, embd});
            init.put(h + "attn.c_proj.bias", 0, 0.05, new long[] {embd});
            init.put(h + "ln_2.weight", 1, 0.1, new long[] {embd});
            init.put(h + "ln_2.bias", 0, 0.1, new long[] {embd});
            init.put(h + "mlp.c_fc.weight", 0, in, new long[] {embd, 4L * embd});
            init.put(h + "mlp.c_fc.bias", 0, 0.1, new long[] {4L * embd});
            init.put(h + "mlp.c_proj.weight", 0, 0.5 / Math.sqrt(4.0 * embd), new long[] {4L * embd, embd});
            init.put(h + "mlp.c_proj.bias", 0, 0.05, new long[] {embd});
        }
        init.put("ln_f.weight", 1, 0.1, new long[] {embd});
        init.put("ln_f.bias", 0, 0.1, new long[] {embd});
        return new TinyGpt2(layers, heads, embd, positions, vocab, tensors, shapes);
    }

    private interface Init {
        void put(String name, double mean, double std, long[] shape);
    }

    /** What a loader does to one tensor's values (e.g. quantizes and widens them back): new values, same shape. */
    @FunctionalInterface
    public interface TensorChange {
        float[] apply(String name, long[] shape, float[] values);
    }

    /** A copy with every tensor passed through {@code change}: the reference run on the weights a format holds. */
    public TinyGpt2 withTensors(TensorChange change) {
        java.util.Map<String, float[]> changed = new LinkedHashMap<>();
        tensors.forEach((name, values) -> changed.put(name, change.apply(name, shapes.get(name), values.clone())));
        return new TinyGpt2(layers, heads, embd, positions, vocab, changed, new LinkedHashMap<>(shapes));
    }

    /** A copy whose weights are exactly what a {@code dtype} file stores (rounded to nearest even). */
    public TinyGpt2 roundedTo(DType dtype) {
        Map<String, float[]> rounded = new LinkedHashMap<>();
        tensors.forEach((name, values) -> {
            float[] copy = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                copy[i] = dtype.round(values[i]);
            }
            rounded.put(name, copy);
        });
        return new TinyGpt2(layers, heads, embd, positions, vocab, rounded, new LinkedHashMap<>(shapes));
    }

    public int layers() {
        return layers;
    }

    public int heads() {
        return heads;
    }

    public int embd() {
        return embd;
    }

    public int headDim() {
        return embd / heads;
    }

    public int positions() {
        return positions;
    }

    public int vocab() {
        return vocab;
    }

    /** Bare Hugging Face names to row-major values, in state-dict order. Do not modify the arrays. */
    public Map<String, float[]> tensors() {
        return tensors;
    }

    /** A copy of one tensor's values. */
    public float[] tensor(String name) {
        return require(tensors, name).clone();
    }

    public long[] shape(String name) {
        return require(shapes, name).clone();
    }

    private static <T> T require(Map<String, T> map, String name) {
        T value = map.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return value;
    }

    // ---- reference forward pass, double precision, straight from the formulas ----

    /** Logits for every position: [ids.length, vocab]. */
    public double[][] referenceLogits(int[] ids) {
        return referenceLogits(ids, null, ReferenceEdit.NONE);
    }

    /** Logits for every position of a pass changed by {@code edit}: [ids.length, vocab]. */
    public double[][] referenceLogits(int[] ids, ReferenceEdit edit) {
        return referenceLogits(ids, null, edit);
    }

    /**
     * What the reference forward pass saw inside: the residual stream before block 0 and after each
     * block ([layers + 1][n][embd]) and each block's attention weights ([layers][heads][n][n], 0 above the diagonal).
     */
    public record Trace(double[][][] residuals, double[][][][] attention) {
    }

    public Trace referenceTrace(int[] ids) {
        Trace trace = new Trace(new double[layers + 1][][], new double[layers][heads][ids.length][ids.length]);
        referenceLogits(ids, trace, ReferenceEdit.NONE);
        return trace;
    }

    /** ln_f then the tied head on one residual-stream row: the logit lens. [embd] -> [vocab] */
    public double[] referenceLens(double[] residual) {
        double[] out = layerNorm(new double[][] {residual}, "ln_f")[0];
        float[] wte = tensors.get("wte.weight");
        double[] logits = new double[vocab];
        for (int v = 0; v < vocab; v++) {
            double s = 0;
            for (int e = 0; e < embd; e++) {
                s += out[e] * wte[v * embd + e];
            }
            logits[v] = s;
        }
        return logits;
    }

    private double[][] referenceLogits(int[] ids, Trace trace, ReferenceEdit edit) {
        int n = ids.length;
        if (n < 1 || n > positions) {
            throw new IllegalArgumentException("need 1.." + positions + " tokens, got " + n);
        }
        double[][] x = new double[n][embd]; // [n, embd]
        float[] wte = tensors.get("wte.weight");
        float[] wpe = tensors.get("wpe.weight");
        for (int t = 0; t < n; t++) {
            if (ids[t] < 0 || ids[t] >= vocab) {
                throw new IllegalArgumentException("token id out of range: " + ids[t]);
            }
            for (int e = 0; e < embd; e++) {
                x[t][e] = wte[ids[t] * embd + e] * edit.scale(t) + (double) wpe[t * embd + e];
            }
        }
        if (trace != null) {
            trace.residuals()[0] = x;
        }
        for (int i = 0; i < layers; i++) {
            String h = "h." + i + ".";
            x = add(x, attention(layerNorm(x, h + "ln_1"), h + "attn", trace == null ? null : trace.attention()[i],
                    i, edit)); // x + attn(ln_1(x))
            if (edit.mlpLayer() != i) {
                x = add(x, mlp(layerNorm(x, h + "ln_2"), h + "mlp"));    // x + mlp(ln_2(x))
            }
            if (trace != null) {
                trace.residuals()[i + 1] = x;
            }
        }
        double[][] out = layerNorm(x, "ln_f"); // [n, embd]
        double[][] logits = new double[n][vocab]; // [n, vocab] = out · wteᵀ
        for (int t = 0; t < n; t++) {
            for (int v = 0; v < vocab; v++) {
                double s = 0;
                for (int e = 0; e < embd; e++) {
                    s += out[t][e] * wte[v * embd + e];
                }
                logits[t][v] = s;
            }
        }
        return logits;
    }

    /** log p(ids[t+1] | ids[0..t]) for t = 0..n-2: [ids.length - 1]. */
    public double[] referenceLogProbs(int[] ids) {
        double[][] logits = referenceLogits(ids);
        double[] out = new double[ids.length - 1];
        for (int t = 0; t + 1 < ids.length; t++) {
            out[t] = logSoftmax(logits[t])[ids[t + 1]];
        }
        return out;
    }

    /** [k] -> [k] */
    public static double[] logSoftmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logZ;
        }
        return out;
    }

    /** Entropy in nats of softmax(logits). */
    public static double entropy(double[] logits) {
        double h = 0;
        for (double lp : logSoftmax(logits)) {
            h -= Math.exp(lp) * lp;
        }
        return h;
    }

    // [n, embd] -> [n, embd]: (x - mean) / sqrt(var + eps) * gain + bias, per row
    private double[][] layerNorm(double[][] x, String prefix) {
        float[] gain = tensors.get(prefix + ".weight");
        float[] bias = tensors.get(prefix + ".bias");
        double[][] out = new double[x.length][embd];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= embd;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= embd;
            double inv = 1 / Math.sqrt(var + LAYER_NORM_EPS);
            for (int e = 0; e < embd; e++) {
                out[t][e] = (x[t][e] - mean) * inv * gain[e] + bias[e];
            }
        }
        return out;
    }

    // [n, in] · [in, out] + [out] -> [n, out]  (Conv1D)
    private double[][] linear(double[][] x, String prefix) {
        float[] w = tensors.get(prefix + ".weight");
        float[] b = tensors.get(prefix + ".bias");
        long[] shape = shapes.get(prefix + ".weight");
        int in = (int) shape[0];
        int out = (int) shape[1];
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < out; j++) {
                double s = b[j];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * w[i * out + j];
                }
                y[t][j] = s;
            }
        }
        return y;
    }

    // [n, embd] -> [n, embd]: causal self-attention, per head softmax(q·kᵀ/√d)·v, then c_proj
    private double[][] attention(double[][] x, String prefix, double[][][] weights, int layer, ReferenceEdit edit) { // weights: [heads][n][n] or null
        int n = x.length;
        int d = headDim();
        double[][] qkv = linear(x, prefix + ".c_attn"); // [n, 3*embd] = q | k | v, each [n, heads*d]
        double[][] merged = new double[n][embd];        // [n, heads*d]
        double scale = 1 / Math.sqrt(d);
        for (int h = 0; h < heads; h++) {
            if (edit.zeroes(layer, h)) {
                continue; // this head's output stays zero
            }
            int q0 = h * d;
            int k0 = embd + h * d;
            int v0 = 2 * embd + h * d;
            for (int t = 0; t < n; t++) {
                double[] scores = new double[t + 1]; // [t+1]: only positions u <= t
                for (int u = 0; u <= t; u++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += qkv[t][q0 + c] * qkv[u][k0 + c];
                    }
                    scores[u] = s * scale;
                }
                double[] logP = logSoftmax(scores);
                for (int u = 0; u <= t; u++) {
                    double p = Math.exp(logP[u]);
                    if (weights != null) {
                        weights[h][t][u] = p;
                    }
                    for (int c = 0; c < d; c++) {
                        merged[t][h * d + c] += p * qkv[u][v0 + c];
                    }
                }
            }
        }
        return linear(merged, prefix + ".c_proj");
    }

    // [n, embd] -> [n, embd]: c_proj(gelu(c_fc(x)))
    private double[][] mlp(double[][] x, String prefix) {
        double[][] hidden = linear(x, prefix + ".c_fc"); // [n, 4*embd]
        for (double[] row : hidden) {
            for (int j = 0; j < row.length; j++) {
                row[j] = gelu(row[j]);
            }
        }
        return linear(hidden, prefix + ".c_proj");
    }

    /** GELU, tanh approximation ("gelu_new"): 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            out[t] = new double[a[t].length];
            for (int e = 0; e < a[t].length; e++) {
                out[t][e] = a[t][e] + b[t][e];
            }
        }
        return out;
    }
}
