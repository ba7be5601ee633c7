package org.tokenscope.model.deberta;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.TensorSource;
import org.tokenscope.model.safetensors.DType;
import org.tokenscope.model.safetensors.TensorInfo;

/**
 * {@code DebertaV2ForSequenceClassification} on DJL NDArrays, as transformers'
 * {@code modeling_deberta_v2.py} computes it (inference: dropout off, one sequence, no padding):
 *
 * <pre>
 * x = LN(word[ids] (+ pos[0:T]) (+ type[types]))                        // [T, E]
 * per layer: a = LN(x + attn(x)·Wo), x = LN(a + gelu(a·Wi)·Wout)
 *   attn: scores = q·kᵀ/√(d·s) + c2p + p2c, softmax, ·v, heads merged    // s = 1 + |pos_att_type|
 *     c2p[i, j] = q_i · Kr[δ(i, j)] / √(d·s),  p2c[i, j] = k_j · Qr[δ(j, i)] / √(d·s)
 *     δ(i, j) = clamp(bucket(i − j) + S, 0, 2S − 1), Kr, Qr = (LN(rel)) projected by key/query (share_att_key)
 * logits = classifier(gelu(pooler(x[0])))
 * </pre>
 *
 * Not thread-safe: one inference thread owns a classifier. Results leave as plain Java values.
 */
public final class DebertaClassifier implements AutoCloseable {

    static {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    }

    /** What the model says of one pair: raw logits, and scores (sigmoid of one output, or softmax). */
    public record Prediction(float[] logits, double[] scores, int tokens, boolean truncated) {
    }

    private record Layer(NDArray q, NDArray qb, NDArray k, NDArray kb, NDArray v, NDArray vb,
                         NDArray pk, NDArray pkb, NDArray pq, NDArray pqb,  // position projections, null when shared or unused
                         NDArray o, NDArray ob, NDArray ln1, NDArray ln1b,
                         NDArray i, NDArray ib, NDArray out, NDArray outb, NDArray ln2, NDArray ln2b) {
    }

    private final String name;
    private final Path folder;
    private final DebertaConfig config;
    private final PairTokenizer tokenizer;
    private final NDManager manager;
    private final Map<String, NDArray> w;
    private final List<Layer> layers;
    private final long parameterCount;
    /** The file mappings (safetensors) or storage buffers (.bin) that F32 weights point into: kept alive with them. */
    @SuppressWarnings("unused")
    private final List<ByteBuffer> pinned;

    private DebertaClassifier(String name, Path folder, DebertaConfig config, PairTokenizer tokenizer, NDManager manager,
                              Map<String, NDArray> weights, long parameterCount, List<ByteBuffer> pinned) {
        this.pinned = List.copyOf(pinned);
        this.name = name;
        this.folder = folder;
        this.config = config;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.w = weights;
        this.parameterCount = parameterCount;
        List<Layer> list = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            String p = "deberta.encoder.layer." + l + ".";
            String a = p + "attention.self.";
            list.add(new Layer(w.get(a + "query_proj.weight"), w.get(a + "query_proj.bias"),
                    w.get(a + "key_proj.weight"), w.get(a + "key_proj.bias"),
                    w.get(a + "value_proj.weight"), w.get(a + "value_proj.bias"),
                    w.get(a + "pos_key_proj.weight"), w.get(a + "pos_key_proj.bias"),
                    w.get(a + "pos_query_proj.weight"), w.get(a + "pos_query_proj.bias"),
                    w.get(p + "attention.output.dense.weight"), w.get(p + "attention.output.dense.bias"),
                    w.get(p + "attention.output.LayerNorm.weight"), w.get(p + "attention.output.LayerNorm.bias"),
                    w.get(p + "intermediate.dense.weight"), w.get(p + "intermediate.dense.bias"),
                    w.get(p + "output.dense.weight"), w.get(p + "output.dense.bias"),
                    w.get(p + "output.LayerNorm.weight"), w.get(p + "output.LayerNorm.bias")));
        }
        this.layers = List.copyOf(list);
    }

    /**
     * Loads a folder in the Hugging Face layout: {@code config.json}, {@code tokenizer.json}, and
     * safetensors or PyTorch {@code .bin} weights ({@link TensorSource#open}).
     */
    public static DebertaClassifier load(Path folder, String name) throws ModelFormatException {
        if (!Files.isDirectory(folder)) {
            throw new ModelFormatException(folder + " is not a folder.");
        }
        Path configFile = folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(folder + " is not a model folder: it has no config.json.");
        }
        DebertaConfig config = DebertaConfig.read(configFile);
        PairTokenizer tokenizer = PairTokenizer.load(folder, config.maxPositions());
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try (TensorSource source = TensorSource.open(folder)) {
            Map<String, long[]> expected = expectedShapes(config);
            Map<String, String> stored = storedNames(source, expected);
            Map<String, NDArray> weights = new HashMap<>();
            List<ByteBuffer> pinned = new ArrayList<>();
            long parameters = 0;
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                TensorInfo info = source.tensor(stored.get(e.getKey()));
                if (!Arrays.equals(info.shape(), e.getValue())) {
                    throw new ModelFormatException(source.file(info.name()) + ": tensor '" + info.name() + "' has shape "
                            + Arrays.toString(info.shape()) + " but config.json implies " + Arrays.toString(e.getValue()) + ".");
                }
                weights.put(e.getKey(), toArray(source, info, manager, pinned));
                parameters += info.elementCount();
            }
            return new DebertaClassifier(name, folder, config, tokenizer, manager, weights, parameters, pinned);
        } catch (ModelFormatException | RuntimeException e) {
            manager.close();
            tokenizer.close();
            throw e;
        }
    }

    /**
     * One weight in the engine as F32. An F32 tensor is handed over from its direct buffer (the mapped
     * safetensors file, or the .bin storage read once) with no copy on the Java heap and none in the
     * engine, and its buffer is pinned; F16, BF16 and F64 are converted through a float array.
     */
    private static NDArray toArray(TensorSource source, TensorInfo info, NDManager manager, List<ByteBuffer> pinned)
            throws ModelFormatException {
        Shape shape = new Shape(info.shape());
        if (info.dtype() != DType.F32) {
            return manager.create(source.readFloats(info.name()), shape);
        }
        ByteBuffer data = source.data(info.name()).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (!data.isDirect() || data.alignmentOffset(0, 4) != 0) {
            ByteBuffer aligned = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            aligned.put(data.duplicate()).flip();
            data = aligned;
        }
        pinned.add(data);
        return manager.create(data, shape, DataType.FLOAT32);
    }

    /** Every tensor the forward pass reads, by its name in transformers' state dict, with its shape. */
    static Map<String, long[]> expectedShapes(DebertaConfig c) {
        long e = c.hidden();
        long a = (long) c.heads() * c.headSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("deberta.embeddings.word_embeddings.weight", new long[] {c.vocab(), c.embeddingSize()});
        if (c.positionBiasedInput()) {
            s.put("deberta.embeddings.position_embeddings.weight", new long[] {c.maxPositions(), c.embeddingSize()});
        }
        if (c.typeVocab() > 0) {
            s.put("deberta.embeddings.token_type_embeddings.weight", new long[] {c.typeVocab(), c.embeddingSize()});
        }
        if (c.embeddingSize() != c.hidden()) {
            s.put("deberta.embeddings.embed_proj.weight", new long[] {e, c.embeddingSize()});
        }
        s.put("deberta.embeddings.LayerNorm.weight", new long[] {e});
        s.put("deberta.embeddings.LayerNorm.bias", new long[] {e});
        for (int l = 0; l < c.layers(); l++) {
            String p = "deberta.encoder.layer." + l + ".";
            String at = p + "attention.self.";
            for (String proj : new String[] {"query_proj", "key_proj", "value_proj"}) {
                s.put(at + proj + ".weight", new long[] {a, e});
                s.put(at + proj + ".bias", new long[] {a});
            }
            if (c.relativeAttention() && !c.shareAttKey()) {
                if (c.c2p()) {
                    s.put(at + "pos_key_proj.weight", new long[] {a, e});
                    s.put(at + "pos_key_proj.bias", new long[] {a});
                }
                if (c.p2c()) {
                    s.put(at + "pos_query_proj.weight", new long[] {a, e});
                    s.put(at + "pos_query_proj.bias", new long[] {a});
                }
            }
            s.put(p + "attention.output.dense.weight", new long[] {e, a});
            s.put(p + "attention.output.dense.bias", new long[] {e});
            s.put(p + "attention.output.LayerNorm.weight", new long[] {e});
            s.put(p + "attention.output.LayerNorm.bias", new long[] {e});
            s.put(p + "intermediate.dense.weight", new long[] {c.intermediate(), e});
            s.put(p + "intermediate.dense.bias", new long[] {c.intermediate()});
            s.put(p + "output.dense.weight", new long[] {e, c.intermediate()});
            s.put(p + "output.dense.bias", new long[] {e});
            s.put(p + "output.LayerNorm.weight", new long[] {e});
            s.put(p + "output.LayerNorm.bias", new long[] {e});
        }
        if (c.relativeAttention()) {
            s.put("deberta.encoder.rel_embeddings.weight", new long[] {2L * c.attentionSpan(), e});
            if (c.normRelEmbedding()) {
                s.put("deberta.encoder.LayerNorm.weight", new long[] {e});
                s.put("deberta.encoder.LayerNorm.bias", new long[] {e});
            }
        }
        s.put("pooler.dense.weight", new long[] {c.poolerSize(), e});
        s.put("pooler.dense.bias", new long[] {c.poolerSize()});
        s.put("classifier.weight", new long[] {c.labels().size(), c.poolerSize()});
        s.put("classifier.bias", new long[] {c.labels().size()});
        return s;
    }

    /**
     * Maps each expected name to the name in the file: as is, or with LayerNorm's legacy
     * {@code gamma}/{@code beta} (which transformers renames on load). Buffers transformers ignores
     * ({@code position_ids}) and unexpected tensors of a pre-training head are skipped; a missing
     * tensor is an error naming it.
     */
    private static Map<String, String> storedNames(TensorSource source, Map<String, long[]> expected)
            throws ModelFormatException {
        Map<String, String> byCanonical = new HashMap<>();
        for (String stored : source.tensors().keySet()) {
            String canonical = stored.endsWith(".gamma") ? stored.substring(0, stored.length() - 5) + "weight"
                    : stored.endsWith(".beta") ? stored.substring(0, stored.length() - 4) + "bias" : stored;
            byCanonical.put(canonical, stored);
        }
        Map<String, String> names = new HashMap<>();
        for (String name : expected.keySet()) {
            String stored = byCanonical.get(name);
            if (stored == null) {
                throw new ModelFormatException("The weights " + source.files() + " lack tensor '" + name
                        + "', which a " + DebertaConfig.ARCHITECTURE + " with this config.json needs.");
            }
            names.put(name, stored);
        }
        return names;
    }

    public String name() {
        return name;
    }

    public Path folder() {
        return folder;
    }

    public DebertaConfig config() {
        return config;
    }

    public PairTokenizer tokenizer() {
        return tokenizer;
    }

    /** The label names in output order; {@code ["score"]} for a single-output model. */
    public List<String> labels() {
        return config.singleOutput() ? List.of("score") : config.labels();
    }

    public long parameterCount() {
        return parameterCount;
    }

    /** Arrays the classifier's own manager holds (its weights): a pass that leaks would add to them. */
    int heldArrays() {
        return manager.getManagedArrays().size();
    }

    /** Encodes and classifies one pair. */
    public Prediction classify(String premise, String hypothesis) {
        PairTokenizer.PairIds pair = tokenizer.encode(premise, hypothesis);
        float[] logits = logits(pair.ids(), pair.typeIds());
        return new Prediction(logits, scores(logits), pair.ids().length, pair.truncated());
    }

    /** The sigmoid of a single logit, else the softmax of all, in double precision. */
    double[] scores(float[] logits) {
        double[] out = new double[logits.length];
        if (logits.length == 1) {
            out[0] = 1 / (1 + Math.exp(-logits[0]));
            return out;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** The classifier's logits for one encoded input: [labels]. */
    public float[] logits(int[] ids, int[] typeIds) {
        int t = ids.length;
        if (t == 0 || t > config.maxPositions()) {
            throw new IllegalArgumentException("An input of " + t + " tokens; the model takes 1 to " + config.maxPositions() + ".");
        }
        for (int id : ids) {
            if (id < 0 || id >= config.vocab()) {
                throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary of " + config.vocab() + ".");
            }
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray x = embed(scratch, ids, typeIds);                                   // [T, E]
            NDArray rel = null;
            NDArray c2pIndex = null;
            NDArray p2cIndex = null;
            if (config.relativeAttention()) {
                NDArray relWeight = w.get("deberta.encoder.rel_embeddings.weight");    // [2S, E]
                // made in scratch: what is computed from a weight lands in the weight's manager otherwise
                rel = config.normRelEmbedding() ? layerNorm(relWeight, "deberta.encoder.LayerNorm") : relWeight.duplicate();
                rel.attach(scratch);
                int span = config.attentionSpan();
                long[] c2p = new long[t * t];
                long[] p2c = new long[t * t];
                int[][] delta = RelativePositions.build(t, config.positionBuckets(), config.maxRelativePositions());
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        c2p[i * t + j] = Math.clamp(delta[i][j] + (long) span, 0, 2L * span - 1);
                        p2c[i * t + j] = Math.clamp(-delta[i][j] + (long) span, 0, 2L * span - 1);
                    }
                }
                Shape heads = new Shape(config.heads(), t, t);
                c2pIndex = scratch.create(c2p, new Shape(1, t, t)).broadcast(heads);   // [H, T, T]
                p2cIndex = scratch.create(p2c, new Shape(1, t, t)).broadcast(heads);   // [H, T, T]
            }
            for (Layer layer : layers) {
                try (NDManager step = scratch.newSubManager()) {
                    NDArray input = x;
                    input.tempAttach(step); // what this layer computes from x is freed with it; x goes back
                    NDArray attended = attention(input, layer, rel, c2pIndex, p2cIndex, t); // [T, E]
                    NDArray a = LayerNorm.layerNorm(attended.add(input), new Shape(config.hidden()), layer.ln1(),
                            layer.ln1b(), config.layerNormEps()).singletonOrThrow();    // [T, E]
                    NDArray h = gelu(Linear.linear(a, layer.i(), layer.ib()).singletonOrThrow()); // [T, I]
                    NDArray o = Linear.linear(h, layer.out(), layer.outb()).singletonOrThrow(); // [T, E]
                    x = LayerNorm.layerNorm(o.add(a), new Shape(config.hidden()), layer.ln2(), layer.ln2b(),
                            config.layerNormEps()).singletonOrThrow();                  // [T, E]
                    x.attach(scratch);
                }
            }
            NDArray first = x.get(new NDIndex("0:1"));                                  // [1, E]
            NDArray pooled = gelu(Linear.linear(first, w.get("pooler.dense.weight"), w.get("pooler.dense.bias"))
                    .singletonOrThrow());                                               // [1, P]
            NDArray logits = Linear.linear(pooled, w.get("classifier.weight"), w.get("classifier.bias"))
                    .singletonOrThrow();                                                // [1, L]
            return logits.toFloatArray();
        }
    }

    private NDArray embed(NDManager scratch, int[] ids, int[] typeIds) { // -> [T, E]
        int t = ids.length;
        long[] longIds = Arrays.stream(ids).asLongStream().toArray();
        NDArray x = w.get("deberta.embeddings.word_embeddings.weight").get(scratch.create(longIds)); // [T, e], a copy
        x.attach(scratch); // made from a weight, so in the weights' manager until moved
        if (config.positionBiasedInput()) {
            NDArray positions = w.get("deberta.embeddings.position_embeddings.weight").get(new NDIndex("0:{}", t)); // a view
            positions.attach(scratch);
            x = x.add(positions);
        }
        if (config.typeVocab() > 0) {
            long[] types = new long[t];
            for (int i = 0; i < t; i++) {
                types[i] = typeIds != null && i < typeIds.length ? Math.clamp(typeIds[i], 0, config.typeVocab() - 1) : 0;
            }
            NDArray typeRows = w.get("deberta.embeddings.token_type_embeddings.weight").get(scratch.create(types));
            typeRows.attach(scratch);
            x = x.add(typeRows);
        }
        if (config.embeddingSize() != config.hidden()) {
            x = Linear.linear(x, w.get("deberta.embeddings.embed_proj.weight")).singletonOrThrow();
        }
        return layerNorm(x, "deberta.embeddings.LayerNorm");
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(x, new Shape(config.hidden()), w.get(prefix + ".weight"), w.get(prefix + ".bias"),
                config.layerNormEps()).singletonOrThrow();
    }

    /** Disentangled self-attention: [T, E] -> [T, E] (before the output projection's residual). */
    private NDArray attention(NDArray x, Layer l, NDArray rel, NDArray c2pIndex, NDArray p2cIndex, int t) {
        NDArray q = heads(Linear.linear(x, l.q(), l.qb()).singletonOrThrow(), t);     // [H, T, d]
        NDArray k = heads(Linear.linear(x, l.k(), l.kb()).singletonOrThrow(), t);     // [H, T, d]
        NDArray v = heads(Linear.linear(x, l.v(), l.vb()).singletonOrThrow(), t);     // [H, T, d]
        double scale = Math.sqrt((double) (float) config.headSize() * config.scaleFactor());
        NDArray scores = q.matMul(k.transpose(0, 2, 1)).div((float) scale);            // [H, T, T]
        if (rel != null) {
            int span2 = (int) rel.getShape().get(0);
            if (config.c2p()) {
                NDArray posKey = config.shareAttKey() ? Linear.linear(rel, l.k(), l.kb()).singletonOrThrow()
                        : Linear.linear(rel, l.pk(), l.pkb()).singletonOrThrow();      // [2S, A]
                NDArray pk = heads(posKey, span2);                                     // [H, 2S, d]
                NDArray c2p = q.matMul(pk.transpose(0, 2, 1)).gather(c2pIndex, 2);     // [H, T, 2S] -> [H, T, T]
                scores = scores.add(c2p.div((float) scale));
            }
            if (config.p2c()) {
                NDArray posQuery = config.shareAttKey() ? Linear.linear(rel, l.q(), l.qb()).singletonOrThrow()
                        : Linear.linear(rel, l.pq(), l.pqb()).singletonOrThrow();      // [2S, A]
                NDArray pq = heads(posQuery, span2);                                   // [H, 2S, d]
                NDArray p2c = k.matMul(pq.transpose(0, 2, 1)).gather(p2cIndex, 2)      // [H, Tk, 2S] -> [H, Tk, Tq]
                        .transpose(0, 2, 1);                                           // [H, Tq, Tk]
                scores = scores.add(p2c.div((float) scale));
            }
        }
        NDArray probs = scores.softmax(2);                                             // [H, T, T]
        NDArray context = probs.matMul(v);                                             // [H, T, d]
        NDArray merged = context.transpose(1, 0, 2).reshape(t, (long) config.heads() * config.headSize()); // [T, A]
        return Linear.linear(merged, l.o(), l.ob()).singletonOrThrow();                // [T, E]
    }

    private NDArray heads(NDArray x, int rows) { // [rows, H·d] -> [H, rows, d]
        return x.reshape(rows, config.heads(), config.headSize()).transpose(1, 0, 2);
    }

    /** gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)), exact as torch's default. */
    private static NDArray gelu(NDArray x) {
        return x.mul(x.div((float) Math.sqrt(2)).erf().add(1f)).mul(0.5f);
    }

    @Override
    public void close() {
        manager.close();
        tokenizer.close();
    }
}
