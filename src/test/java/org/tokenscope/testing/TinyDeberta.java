package org.tokenscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A DeBERTa-v2 sequence classifier with seeded random weights, written as a Hugging Face folder
 * (config.json as {@code DebertaV2Config} writes it, the {@link UnigramTokenizerJson} tokenizer, and
 * safetensors or PyTorch .bin weights), and an independent double-precision forward pass written
 * from transformers' {@code modeling_deberta_v2.py}: {@code make_log_bucket_position},
 * {@code build_relative_position}, {@code disentangled_attention_bias} (c2p and p2c gathered by
 * clamp(±δ + S, 0, 2S − 1)), scores scaled by √(d·(1 + |pos_att_type|)), exact erf GELU, post-norm
 * blocks, the ContextPooler on token 0 and the classifier.
 *
 * @param posAttType as the config spells it: a list such as {@code ["c2p", "p2c"]} or the string {@code "p2c|c2p"}
 */
public record TinyDeberta(int hidden, int heads, int layers, int intermediate, int maxPositions, int typeVocab,
                          boolean positionBiasedInput, int maxRelativePositions, int positionBuckets, boolean shareAttKey,
                          Object posAttType, boolean normRelEmbedding, List<String> labels, long seed) {

    public static final double LAYER_NORM_EPS = 1e-7;

    /** deberta-v3's choices at a tiny size: buckets, shared keys, "p2c|c2p", normalised relative embeddings. */
    public static TinyDeberta v3(List<String> labels, long seed) {
        return new TinyDeberta(16, 2, 2, 24, 64, 0, false, 32, 8, true, "p2c|c2p", true, labels, seed);
    }

    /** deberta-v2's older choices: absolute positions too, token types, separate position projections, a list. */
    public static TinyDeberta v2(List<String> labels, long seed) {
        return new TinyDeberta(16, 4, 2, 20, 48, 2, true, 24, -1, false, List.of("c2p", "p2c"), false, labels, seed);
    }

    public int vocab() {
        return UnigramTokenizerJson.size();
    }

    public int headSize() {
        return hidden / heads;
    }

    public int span() {
        return positionBuckets > 0 ? positionBuckets : maxRelativePositions;
    }

    public boolean c2p() {
        return posAttText().contains("c2p");
    }

    public boolean p2c() {
        return posAttText().contains("p2c");
    }

    private String posAttText() {
        return posAttType.toString();
    }

    /** Every tensor by its state-dict name, in the order transformers saves them, with its shape. */
    public Map<String, long[]> shapes() {
        long e = hidden;
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("deberta.embeddings.word_embeddings.weight", new long[] {vocab(), e});
        if (positionBiasedInput) {
            s.put("deberta.embeddings.position_embeddings.weight", new long[] {maxPositions, e});
        }
        if (typeVocab > 0) {
            s.put("deberta.embeddings.token_type_embeddings.weight", new long[] {typeVocab, e});
        }
        s.put("deberta.embeddings.LayerNorm.weight", new long[] {e});
        s.put("deberta.embeddings.LayerNorm.bias", new long[] {e});
        for (int l = 0; l < layers; l++) {
            String p = "deberta.encoder.layer." + l + ".";
            for (String proj : List.of("query_proj", "key_proj", "value_proj")) {
                s.put(p + "attention.self." + proj + ".weight", new long[] {e, e});
                s.put(p + "attention.self." + proj + ".bias", new long[] {e});
            }
            if (!shareAttKey && c2p()) {
                s.put(p + "attention.self.pos_key_proj.weight", new long[] {e, e});
                s.put(p + "attention.self.pos_key_proj.bias", new long[] {e});
            }
            if (!shareAttKey && p2c()) {
                s.put(p + "attention.self.pos_query_proj.weight", new long[] {e, e});
                s.put(p + "attention.self.pos_query_proj.bias", new long[] {e});
            }
            s.put(p + "attention.output.dense.weight", new long[] {e, e});
            s.put(p + "attention.output.dense.bias", new long[] {e});
            s.put(p + "attention.output.LayerNorm.weight", new long[] {e});
            s.put(p + "attention.output.LayerNorm.bias", new long[] {e});
            s.put(p + "intermediate.dense.weight", new long[] {intermediate, e});
            s.put(p + "intermediate.dense.bias", new long[] {intermediate});
            s.put(p + "output.dense.weight", new long[] {e, intermediate});
            s.put(p + "output.dense.bias", new long[] {e});
            s.put(p + "output.LayerNorm.weight", new long[] {e});
            s.put(p + "output.LayerNorm.bias", new long[] {e});
        }
        s.put("deberta.encoder.rel_embeddings.weight", new long[] {2L * span(), e});
        if (normRelEmbedding) {
            s.put("deberta.encoder.LayerNorm.weight", new long[] {e});
            s.put("deberta.encoder.LayerNorm.bias", new long[] {e});
        }
        s.put("pooler.dense.weight", new long[] {e, e});
        s.put("pooler.dense.bias", new long[] {e});
        s.put("classifier.weight", new long[] {labels.size(), e});
        s.put("classifier.bias", new long[] {labels.size()});
        return s;
    }

    /** The seeded weights: normal(0, 0.5) for matrices and embeddings, LayerNorm gains around 1, biases small. */
    public Map<String, float[]> tensors() {
        Random random = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            int n = 1;
            for (long d : e.getValue()) {
                n *= (int) d;
            }
            float[] v = new float[n];
            boolean gain = e.getKey().endsWith("LayerNorm.weight");
            boolean bias = e.getKey().endsWith(".bias");
            for (int i = 0; i < n; i++) {
                double g = random.nextGaussian();
                v[i] = (float) (gain ? 1 + 0.1 * g : bias ? 0.1 * g : 0.5 * g);
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** Writes the folder: config.json, tokenizer.json and {@code model.safetensors} or {@code pytorch_model.bin}. */
    public Path write(Path dir, boolean bin) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve("config.json").toFile(), config(json));
        UnigramTokenizerJson.write(dir.resolve("tokenizer.json"));
        LinkedHashMap<String, RawTensor> raw = new LinkedHashMap<>();
        Map<String, long[]> shapes = shapes();
        tensors().forEach((name, values) -> raw.put(name, RawTensor.of(DType.F32, shapes.get(name), values)));
        if (bin) {
            TorchZipWriter.write(dir.resolve("pytorch_model.bin"), raw);
        } else {
            CheckpointWriter.writeSafetensors(dir.resolve("model.safetensors"), raw);
        }
        return dir;
    }

    public ObjectNode config(ObjectMapper json) {
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("DebertaV2ForSequenceClassification");
        c.put("model_type", "deberta-v2");
        c.put("vocab_size", vocab());
        c.put("hidden_size", hidden);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("intermediate_size", intermediate);
        c.put("hidden_act", "gelu");
        c.put("max_position_embeddings", maxPositions);
        c.put("type_vocab_size", typeVocab);
        c.put("layer_norm_eps", LAYER_NORM_EPS);
        c.put("relative_attention", true);
        c.put("max_relative_positions", maxRelativePositions);
        c.put("position_buckets", positionBuckets);
        c.put("position_biased_input", positionBiasedInput);
        c.put("share_att_key", shareAttKey);
        if (posAttType instanceof List<?> list) {
            var a = c.putArray("pos_att_type");
            list.forEach(x -> a.add(x.toString()));
        } else {
            c.put("pos_att_type", posAttType.toString());
        }
        c.put("norm_rel_ebd", normRelEmbedding ? "layer_norm" : "none");
        c.put("pooler_hidden_size", hidden);
        c.put("pooler_hidden_act", "gelu");
        c.put("pad_token_id", 0);
        ObjectNode id2label = c.putObject("id2label");
        ObjectNode label2id = c.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        c.put("torch_dtype", "float32");
        return c;
    }

    // ---- the reference forward pass, in double ----------------------------------------------------

    /** The logits for one encoded input, [labels]. */
    public double[] logits(int[] ids, int[] typeIds) {
        Map<String, float[]> w = tensors();
        int t = ids.length;
        int e = hidden;
        double[][] x = new double[t][e];
        for (int i = 0; i < t; i++) {
            for (int k = 0; k < e; k++) {
                double v = w.get("deberta.embeddings.word_embeddings.weight")[ids[i] * e + k];
                if (positionBiasedInput) {
                    v += w.get("deberta.embeddings.position_embeddings.weight")[i * e + k];
                }
                if (typeVocab > 0) {
                    v += w.get("deberta.embeddings.token_type_embeddings.weight")[typeIds[i] * e + k];
                }
                x[i][k] = v;
            }
        }
        x = layerNorm(x, w, "deberta.embeddings.LayerNorm");
        double[][] rel = rows(w.get("deberta.encoder.rel_embeddings.weight"), 2 * span(), e);
        if (normRelEmbedding) {
            rel = layerNorm(rel, w, "deberta.encoder.LayerNorm");
        }
        int[][] delta = new int[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                delta[i][j] = positionBuckets > 0 ? logBucket(i - j, positionBuckets, maxRelativePositions) : i - j;
            }
        }
        int d = headSize();
        int factor = 1 + (c2p() ? 1 : 0) + (p2c() ? 1 : 0);
        double scale = Math.sqrt((double) d * factor);
        for (int l = 0; l < layers; l++) {
            String p = "deberta.encoder.layer." + l + ".";
            String a = p + "attention.self.";
            double[][] q = linear(x, w, a + "query_proj");
            double[][] k = linear(x, w, a + "key_proj");
            double[][] v = linear(x, w, a + "value_proj");
            double[][] posKey = linear(rel, w, shareAttKey ? a + "key_proj" : a + "pos_key_proj", c2p());
            double[][] posQuery = linear(rel, w, shareAttKey ? a + "query_proj" : a + "pos_query_proj", p2c());
            double[][] context = new double[t][e];
            for (int h = 0; h < heads; h++) {
                int o = h * d;
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double score = dot(q[i], k[j], o, d) / scale;
                        if (c2p()) {
                            score += dot(q[i], posKey[clamp(delta[i][j] + span(), 2 * span())], o, d) / scale;
                        }
                        if (p2c()) {
                            score += dot(k[j], posQuery[clamp(-delta[j][i] + span(), 2 * span())], o, d) / scale;
                        }
                        s[j] = score;
                        max = Math.max(max, score);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < d; c++) {
                            context[i][o + c] += s[j] / sum * v[j][o + c];
                        }
                    }
                }
            }
            double[][] attn = add(linear(context, w, p + "attention.output.dense"), x);
            double[][] after = layerNorm(attn, w, p + "attention.output.LayerNorm");
            double[][] inner = gelu(linear(after, w, p + "intermediate.dense"));
            x = layerNorm(add(linear(inner, w, p + "output.dense"), after), w, p + "output.LayerNorm");
        }
        double[][] pooled = gelu(linear(new double[][] {x[0]}, w, "pooler.dense"));
        return linear(pooled, w, "classifier")[0];
    }

    /** make_log_bucket_position, in double. */
    public static int logBucket(int relative, int bucketSize, int maxPosition) {
        int mid = bucketSize / 2;
        int abs = relative < mid && relative > -mid ? mid - 1 : Math.abs(relative);
        if (abs <= mid) {
            return relative;
        }
        double logPos = Math.ceil(Math.log((double) abs / mid) / Math.log((maxPosition - 1.0) / mid) * (mid - 1)) + mid;
        return (int) (logPos * Integer.signum(relative));
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(size - 1, i));
    }

    private static double dot(double[] a, double[] b, int offset, int n) {
        double s = 0;
        for (int i = offset; i < offset + n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[][] rows(float[] flat, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = flat[r * cols + c];
            }
        }
        return out;
    }

    private double[][] linear(double[][] x, Map<String, float[]> w, String name, boolean used) {
        return used ? linear(x, w, name) : null;
    }

    /** x·Wᵀ + b with W [out, in] as torch's Linear stores it. */
    private static double[][] linear(double[][] x, Map<String, float[]> w, String name) {
        float[] weight = w.get(name + ".weight");
        float[] bias = w.get(name + ".bias");
        int in = x[0].length;
        int out = weight.length / in;
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int i = 0; i < in; i++) {
                    s += x[r][i] * weight[o * in + i];
                }
                y[r][o] = s;
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int r = 0; r < a.length; r++) {
            for (int c = 0; c < a[0].length; c++) {
                out[r][c] = a[r][c] + b[r][c];
            }
        }
        return out;
    }

    private static double[][] layerNorm(double[][] x, Map<String, float[]> w, String name) {
        float[] gain = w.get(name + ".weight");
        float[] bias = w.get(name + ".bias");
        double[][] out = new double[x.length][x[0].length];
        for (int r = 0; r < x.length; r++) {
            double mean = 0;
            for (double v : x[r]) {
                mean += v;
            }
            mean /= x[r].length;
            double var = 0;
            for (double v : x[r]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[r].length;
            for (int c = 0; c < x[r].length; c++) {
                out[r][c] = (x[r][c] - mean) / Math.sqrt(var + LAYER_NORM_EPS) * gain[c] + bias[c];
            }
        }
        return out;
    }

    private static double[][] gelu(double[][] x) {
        double[][] out = new double[x.length][x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int c = 0; c < x[0].length; c++) {
                out[r][c] = 0.5 * x[r][c] * (1 + erf(x[r][c] / Math.sqrt(2)));
            }
        }
        return out;
    }

    /** erf to about 1e-15: its Maclaurin series below 3, erfc's continued fraction (Lentz) above. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double result;
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
            double f = ax;
            for (int n = 120; n >= 1; n--) {
                f = ax + (n / 2.0) / f;
            }
            result = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -result : result;
    }
}
