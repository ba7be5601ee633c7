package org.tokenscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A Llama-family decoder (Llama 3, Mistral, Qwen2, Qwen3, Gemma 3) with seeded random weights under
 * transformers' names, and an independent plain-Java, double-precision forward pass written from
 * the families' modeling files (modeling_llama.py, modeling_mistral.py, modeling_qwen2.py,
 * modeling_qwen3.py, modeling_gemma3.py) to check the real model against. It shares no code with
 * {@code org.tokenscope.model}.
 */
public final class TinyDecoder {

    /** The shape and the parts of one test model. */
    public record Spec(String family, int layers, int heads, int kvHeads, int width, int headDim, int inner,
                       int vocab, int context, double ropeTheta, double localRopeTheta, String ropeScaling,
                       int slidingWindow, int slidingPattern, boolean tied, double finalSoftcap, double queryPreAttnScalar,
                       boolean useSlidingWindow, int maxWindowLayers) {

        public static Spec llama(int layers, int heads, int kvHeads, int width, int inner, int vocab) {
            return new Spec("llama", layers, heads, kvHeads, width, width / heads, inner, vocab, 4096, 500_000, 0,
                    null, 0, 0, true, 0, 0, false, 0);
        }

        public Spec with(String field, Object value) {
            Object[] v = {family, layers, heads, kvHeads, width, headDim, inner, vocab, context, ropeTheta,
                    localRopeTheta, ropeScaling, slidingWindow, slidingPattern, tied, finalSoftcap, queryPreAttnScalar,
                    useSlidingWindow, maxWindowLayers};
            String[] names = {"family", "layers", "heads", "kvHeads", "width", "headDim", "inner", "vocab", "context",
                    "ropeTheta", "localRopeTheta", "ropeScaling", "slidingWindow", "slidingPattern", "tied",
                    "finalSoftcap", "queryPreAttnScalar", "useSlidingWindow", "maxWindowLayers"};
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(field)) {
                    v[i] = value;
                    return new Spec((String) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4], (int) v[5],
                            (int) v[6], (int) v[7], (int) v[8], ((Number) v[9]).doubleValue(),
                            ((Number) v[10]).doubleValue(), (String) v[11], (int) v[12], (int) v[13], (boolean) v[14],
                            ((Number) v[15]).doubleValue(), ((Number) v[16]).doubleValue(), (boolean) v[17],
                            (int) v[18]);
                }
            }
            throw new IllegalArgumentException(field);
        }

        boolean gemma() {
            return family.equals("gemma3");
        }

        boolean qwen2() {
            return family.equals("qwen2");
        }

        boolean qkNorm() {
            return family.equals("qwen3") || gemma();
        }

        String architecture() {
            return switch (family) {
                case "llama" -> "LlamaForCausalLM";
                case "mistral" -> "MistralForCausalLM";
                case "qwen2" -> "Qwen2ForCausalLM";
                case "qwen3" -> "Qwen3ForCausalLM";
                case "gemma3" -> "Gemma3ForCausalLM";
                default -> throw new IllegalArgumentException(family);
            };
        }

        /** Whether layer i attends through the sliding window (as transformers decides it per family). */
        boolean sliding(int i) {
            if (slidingWindow <= 0) {
                return false;
            }
            return switch (family) {
                case "mistral" -> true;
                case "gemma3" -> (i + 1) % slidingPattern != 0;
                case "qwen2", "qwen3" -> useSlidingWindow && i >= maxWindowLayers;
                default -> false;
            };
        }
    }

    public static final double EPS = 1e-6;

    private final Spec spec;
    private final Map<String, float[]> tensors; // transformers' names, row-major
    private final Map<String, long[]> shapes;

    private TinyDecoder(Spec spec, Map<String, float[]> tensors, Map<String, long[]> shapes) {
        this.spec = spec;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.shapes = Collections.unmodifiableMap(shapes);
    }

    public Spec spec() {
        return spec;
    }

    public Map<String, float[]> tensors() {
        return tensors;
    }

    /** Each tensor's shape, by the same names. */
    public Map<String, long[]> shapes() {
        return shapes;
    }

    /** Same seed and spec, same weights. Scaled so that predictions are far from uniform. */
    public static TinyDecoder random(long seed, Spec s) {
        Random random = new Random(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        double in = 1 / Math.sqrt(s.width);
        int q = s.heads * s.headDim;
        int kv = s.kvHeads * s.headDim;
        // a norm's gain is about 1 either way: w for Llama, 1 + w for Gemma
        double gainMean = s.gemma() ? 0 : 1;
        Init init = (name, mean, std, shape) -> {
            int count = 1;
            for (long d : shape) {
                count *= (int) d;
            }
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = (float) (mean + std * random.nextGaussian());
            }
            t.put(name, values);
            shapes.put(name, shape);
        };
        init.put("model.embed_tokens.weight", 0, s.gemma() ? 0.25 : 1.0, new long[] {s.vocab, s.width});
        for (int i = 0; i < s.layers; i++) {
            String p = "model.layers." + i + ".";
            String a = p + "self_attn.";
            init.put(p + "input_layernorm.weight", gainMean, 0.1, new long[] {s.width});
            init.put(a + "q_proj.weight", 0, 1.5 * in, new long[] {q, s.width});
            init.put(a + "k_proj.weight", 0, 1.5 * in, new long[] {kv, s.width});
            init.put(a + "v_proj.weight", 0, in, new long[] {kv, s.width});
            if (s.qwen2()) {
                init.put(a + "q_proj.bias", 0, 0.1, new long[] {q});
                init.put(a + "k_proj.bias", 0, 0.1, new long[] {kv});
                init.put(a + "v_proj.bias", 0, 0.1, new long[] {kv});
            }
            init.put(a + "o_proj.weight", 0, 0.5 / Math.sqrt(q), new long[] {s.width, q});
            if (s.qkNorm()) {
                init.put(a + "q_norm.weight", gainMean, 0.1, new long[] {s.headDim});
                init.put(a + "k_norm.weight", gainMean, 0.1, new long[] {s.headDim});
            }
            init.put(p + "post_attention_layernorm.weight", gainMean, 0.1, new long[] {s.width});
            if (s.gemma()) {
                init.put(p + "pre_feedforward_layernorm.weight", gainMean, 0.1, new long[] {s.width});
                init.put(p + "post_feedforward_layernorm.weight", gainMean, 0.1, new long[] {s.width});
            }
            init.put(p + "mlp.gate_proj.weight", 0, in, new long[] {s.inner, s.width});
            init.put(p + "mlp.up_proj.weight", 0, in, new long[] {s.inner, s.width});
            init.put(p + "mlp.down_proj.weight", 0, 0.5 / Math.sqrt(s.inner), new long[] {s.width, s.inner});
        }
        init.put("model.norm.weight", gainMean, 0.1, new long[] {s.width});
        if (!s.tied) {
            init.put("lm_head.weight", 0, 4 * in, new long[] {s.vocab, s.width});
        }
        return new TinyDecoder(s, t, shapes);
    }

    /** What a loader does to one tensor's values (e.g. quantizes and widens them back): new values, same shape. */
    @FunctionalInterface
    public interface TensorChange {
        float[] apply(String name, long[] shape, float[] values);
    }

    /** A copy with every tensor passed through {@code change}: the reference run on the weights a format holds. */
    public TinyDecoder withTensors(TensorChange change) {
        java.util.Map<String, float[]> changed = new LinkedHashMap<>();
        tensors.forEach((name, values) -> changed.put(name, change.apply(name, shapes.get(name), values.clone())));
        return new TinyDecoder(spec, changed, new LinkedHashMap<>(shapes));
    }

    /** The same model with every weight rounded to {@code dtype} (what a checkpoint in that type holds). */
    public TinyDecoder roundedTo(DType dtype) {
        Map<String, float[]> rounded = new LinkedHashMap<>();
        tensors.forEach((name, values) -> {
            float[] r = new float[values.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = dtype.round(values[i]);
            }
            rounded.put(name, r);
        });
        return new TinyDecoder(spec, rounded, new LinkedHashMap<>(shapes));
    }

    /** config.json as transformers writes it for the family, trimmed to what matters. */
    public ObjectNode config(DType dtype) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add(spec.architecture());
        c.put("model_type", spec.gemma() ? "gemma3_text" : spec.family);
        c.put("num_hidden_layers", spec.layers);
        c.put("num_attention_heads", spec.heads);
        c.put("num_key_value_heads", spec.kvHeads);
        c.put("hidden_size", spec.width);
        c.put("head_dim", spec.headDim);
        c.put("intermediate_size", spec.inner);
        c.put("vocab_size", spec.vocab);
        c.put("max_position_embeddings", spec.context);
        c.put("rms_norm_eps", EPS);
        c.put("rope_theta", spec.ropeTheta);
        c.put("tie_word_embeddings", spec.tied);
        c.put("torch_dtype", switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        });
        if (spec.ropeScaling != null) {
            try {
                c.set("rope_scaling", json.readTree(spec.ropeScaling));
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        } else {
            c.putNull("rope_scaling");
        }
        switch (spec.family) {
            case "llama" -> {
                c.put("hidden_act", "silu");
                c.put("attention_bias", false);
                c.put("mlp_bias", false);
            }
            case "mistral" -> {
                c.put("hidden_act", "silu");
                if (spec.slidingWindow > 0) {
                    c.put("sliding_window", spec.slidingWindow);
                } else {
                    c.putNull("sliding_window");
                }
            }
            case "qwen2", "qwen3" -> {
                c.put("hidden_act", "silu");
                c.put("use_sliding_window", spec.useSlidingWindow);
                c.put("sliding_window", spec.slidingWindow > 0 ? spec.slidingWindow : 4096);
                c.put("max_window_layers", spec.maxWindowLayers);
                c.put("attention_bias", false);
            }
            case "gemma3" -> {
                c.put("hidden_activation", "gelu_pytorch_tanh");
                c.put("query_pre_attn_scalar", spec.queryPreAttnScalar);
                c.put("sliding_window", spec.slidingWindow);
                ArrayNode types = c.putArray("layer_types");
                for (int i = 0; i < spec.layers; i++) {
                    types.add(spec.sliding(i) ? "sliding_attention" : "full_attention");
                }
                c.put("rope_local_base_freq", spec.localRopeTheta);
                if (spec.finalSoftcap > 0) {
                    c.put("final_logit_softcapping", spec.finalSoftcap);
                } else {
                    c.putNull("final_logit_softcapping");
                }
                c.putNull("attn_logit_softcapping");
            }
            default -> throw new IllegalArgumentException(spec.family);
        }
        c.put("bos_token_id", 1);
        c.put("eos_token_id", Math.min(2, spec.vocab - 1));
        return c;
    }

    /** Writes config.json and the weights (one file, or {@code shards} files with an index) into {@code dir}. */
    public Path write(Path dir, DType dtype, int shards) throws IOException {
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("config.json").toFile(),
                config(dtype));
        LinkedHashMap<String, RawTensor> raw = new LinkedHashMap<>();
        tensors.forEach((name, values) -> raw.put(name, RawTensor.of(dtype, shapes.get(name), values)));
        if (shards <= 1) {
            CheckpointWriter.writeSafetensors(dir.resolve(CheckpointWriter.SINGLE_FILE), raw);
        } else {
            CheckpointWriter.writeShards(dir, raw, shards);
        }
        return dir;
    }

    // ---- the reference forward pass, in double precision -------------------------------------

    /** Logits at every position: [T][V]. */
    public double[][] referenceLogits(int[] ids) {
        return run(ids, null, ReferenceEdit.NONE);
    }

    /** Logits at every position of a pass changed by {@code edit}: [T][V]. */
    public double[][] referenceLogits(int[] ids, ReferenceEdit edit) {
        return run(ids, null, edit);
    }

    /** Attention weights of every layer: [layer][head][query][key] (zero where a key is masked). */
    public double[][][][] referenceAttention(int[] ids) {
        double[][][][] out = new double[spec.layers][][][];
        run(ids, out, ReferenceEdit.NONE);
        return out;
    }

    private double[][] run(int[] ids, double[][][][] attentionOut, ReferenceEdit edit) {
        Spec s = spec;
        int n = ids.length;
        double embedScale = s.gemma() ? (double) (float) Math.sqrt(s.width) : 1;
        double[][] x = new double[n][s.width];
        float[] embed = tensors.get("model.embed_tokens.weight");
        for (int t = 0; t < n; t++) {
            for (int e = 0; e < s.width; e++) {
                x[t][e] = embed[ids[t] * s.width + e] * edit.scale(t) * embedScale;
            }
        }
        for (int l = 0; l < s.layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] h = rmsNorm(x, tensors.get(p + "input_layernorm.weight"));
            double[][] a = attention(h, l, attentionOut, edit);
            if (s.gemma()) {
                a = rmsNorm(a, tensors.get(p + "post_attention_layernorm.weight"));
            }
            add(x, a);
            h = rmsNorm(x, tensors.get(p + (s.gemma() ? "pre_feedforward_layernorm.weight"
                    : "post_attention_layernorm.weight")));
            double[][] gate = linear(h, p + "mlp.gate_proj", s.inner);
            double[][] up = linear(h, p + "mlp.up_proj", s.inner);
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < s.inner; i++) {
                    double g = gate[t][i];
                    double act = s.gemma()
                            ? 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g)))
                            : g / (1 + Math.exp(-g));
                    up[t][i] *= act;
                }
            }
            double[][] m = linear(up, p + "mlp.down_proj", s.width);
            if (s.gemma()) {
                m = rmsNorm(m, tensors.get(p + "post_feedforward_layernorm.weight"));
            }
            if (edit.mlpLayer() != l) {
                add(x, m);
            }
        }
        double[][] normed = rmsNorm(x, tensors.get("model.norm.weight"));
        float[] head = tensors.get(s.tied ? "model.embed_tokens.weight" : "lm_head.weight");
        double[][] logits = new double[n][s.vocab];
        for (int t = 0; t < n; t++) {
            for (int v = 0; v < s.vocab; v++) {
                double sum = 0;
                for (int e = 0; e < s.width; e++) {
                    sum += normed[t][e] * head[v * s.width + e];
                }
                logits[t][v] = s.finalSoftcap > 0 ? Math.tanh(sum / s.finalSoftcap) * s.finalSoftcap : sum;
            }
        }
        return logits;
    }

    private double[][] attention(double[][] h, int layer, double[][][][] attentionOut, ReferenceEdit edit) {
        Spec s = spec;
        int n = h.length;
        String a = "model.layers." + layer + ".self_attn.";
        double[][] q = linear(h, a + "q_proj", s.heads * s.headDim);
        double[][] k = linear(h, a + "k_proj", s.kvHeads * s.headDim);
        double[][] v = linear(h, a + "v_proj", s.kvHeads * s.headDim);
        if (s.qkNorm()) {
            headNorm(q, s.heads, tensors.get(a + "q_norm.weight"));
            headNorm(k, s.kvHeads, tensors.get(a + "k_norm.weight"));
        }
        boolean sliding = s.sliding(layer);
        double theta = s.gemma() && sliding ? s.localRopeTheta : s.ropeTheta;
        double[] freq = inverseFrequencies(theta, s.gemma() && sliding ? null : s.ropeScaling);
        rope(q, s.heads, freq);
        rope(k, s.kvHeads, freq);
        double scale = s.gemma() ? 1 / Math.sqrt(s.queryPreAttnScalar) : 1 / Math.sqrt(s.headDim);
        int group = s.heads / s.kvHeads;
        double[][] out = new double[n][s.heads * s.headDim];
        if (attentionOut != null) {
            attentionOut[layer] = new double[s.heads][n][n];
        }
        for (int head = 0; head < s.heads; head++) {
            int kvHead = head / group;
            for (int i = 0; i < n; i++) {
                double[] scores = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    boolean visible = j <= i && (!sliding || i - j < s.slidingWindow);
                    if (!visible) {
                        scores[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int d = 0; d < s.headDim; d++) {
                        dot += q[i][head * s.headDim + d] * k[j][kvHead * s.headDim + d];
                    }
                    scores[j] = dot * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    scores[j] = scores[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j < n; j++) {
                    double w = scores[j] / sum;
                    if (attentionOut != null) {
                        attentionOut[layer][head][i][j] = w;
                    }
                    if (edit.zeroes(layer, head)) {
                        continue; // this head's output stays zero
                    }
                    for (int d = 0; d < s.headDim; d++) {
                        out[i][head * s.headDim + d] += w * v[j][kvHead * s.headDim + d];
                    }
                }
            }
        }
        return linear(out, a + "o_proj", s.width);
    }

    /** transformers' RoPE frequencies: 1/θ^(2i/D), with rope_scaling of type linear or llama3. */
    private double[] inverseFrequencies(double theta, String scaling) {
        int half = spec.headDim / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) {
            f[i] = 1 / Math.pow(theta, 2.0 * i / spec.headDim);
        }
        if (scaling == null) {
            return f;
        }
        Map<String, Object> cfg;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = new ObjectMapper().readValue(scaling, Map.class);
            cfg = read;
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        double factor = ((Number) cfg.get("factor")).doubleValue();
        String type = (String) cfg.getOrDefault("rope_type", cfg.get("type"));
        if (type.equals("linear")) {
            for (int i = 0; i < half; i++) {
                f[i] /= factor;
            }
            return f;
        }
        // _compute_llama3_parameters
        double low = ((Number) cfg.get("low_freq_factor")).doubleValue();
        double high = ((Number) cfg.get("high_freq_factor")).doubleValue();
        double old = ((Number) cfg.get("original_max_position_embeddings")).doubleValue();
        double lowFreqWavelen = old / low;
        double highFreqWavelen = old / high;
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / f[i];
            double llama = wavelen > lowFreqWavelen ? f[i] / factor : f[i];
            double smooth = (old / wavelen - low) / (high - low);
            double smoothed = (1 - smooth) * llama / factor + smooth * llama;
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            f[i] = medium ? smoothed : llama;
        }
        return f;
    }

    /** Position t turns pair (x_i, x_{i+D/2}) of each head by t·f_i. */
    private void rope(double[][] x, int heads, double[] freq) {
        int d = spec.headDim;
        int half = d / 2;
        for (int t = 0; t < x.length; t++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < half; i++) {
                    double angle = t * freq[i];
                    double c = Math.cos(angle);
                    double sn = Math.sin(angle);
                    double a = x[t][h * d + i];
                    double b = x[t][h * d + half + i];
                    x[t][h * d + i] = a * c - b * sn;
                    x[t][h * d + half + i] = b * c + a * sn;
                }
            }
        }
    }

    private void headNorm(double[][] x, int heads, float[] gain) {
        int d = spec.headDim;
        for (double[] row : x) {
            for (int h = 0; h < heads; h++) {
                double ms = 0;
                for (int i = 0; i < d; i++) {
                    ms += row[h * d + i] * row[h * d + i];
                }
                double inv = 1 / Math.sqrt(ms / d + EPS);
                for (int i = 0; i < d; i++) {
                    row[h * d + i] *= inv * (spec.gemma() ? 1 + gain[i] : gain[i]);
                }
            }
        }
    }

    private double[][] rmsNorm(double[][] x, float[] gain) {
        double[][] out = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            double ms = 0;
            for (double value : x[t]) {
                ms += value * value;
            }
            double inv = 1 / Math.sqrt(ms / x[t].length + EPS);
            for (int e = 0; e < x[t].length; e++) {
                out[t][e] = x[t][e] * inv * (spec.gemma() ? 1 + gain[e] : gain[e]);
            }
        }
        return out;
    }

    /** torch.nn.Linear: y = x·Wᵀ (+ b), W stored [out, in]. */
    private double[][] linear(double[][] x, String name, int outDim) {
        float[] w = tensors.get(name + ".weight");
        float[] b = tensors.get(name + ".bias");
        int in = x[0].length;
        double[][] y = new double[x.length][outDim];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < outDim; o++) {
                double sum = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    sum += x[t][i] * w[o * in + i];
                }
                y[t][o] = sum;
            }
        }
        return y;
    }

    private static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int e = 0; e < x[t].length; e++) {
                x[t][e] += y[t][e];
            }
        }
    }

    @FunctionalInterface
    private interface Init {
        void put(String name, double mean, double std, long[] shape);
    }
}
