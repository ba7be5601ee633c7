package org.tokenscope.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import org.tokenscope.generate.DecoderModel;
import org.tokenscope.generate.LogitsSession;
import org.tokenscope.model.safetensors.SafetensorsBundle;

/**
 * One transformer decoder on DJL NDArrays, configured per family from {@code config.json}
 * ({@link ModelConfig}): GPT-2 (learned positions, LayerNorm, fused QKV, GELU MLP, tied head) is
 * one configuration; Llama 3, Mistral, Qwen 2/3 and Gemma 3 (RoPE, RMSNorm, grouped-query
 * attention, gated MLPs, q/k norms, sliding windows, Gemma's sandwich norms and scaled
 * embeddings) are others. A block reads "x + attention(norm x), then x + mlp(norm x)" for all.
 *
 * <p>Not thread-safe: one inference thread owns a model and everything it hands out. Results
 * leave this class as plain Java arrays and records; no {@link NDArray} escapes.
 */
public final class LanguageModel implements DecoderModel, AutoCloseable {

    /** Rows of the output head evaluated at once when scoring: bounds the [rows, vocab] temporaries. */
    private static final int HEAD_CHUNK = 128;

    /** Queries attended to at once in a long forward pass (see {@link #attend}). */
    private static final int ATTENTION_BLOCK = 128;

    static {
        // Never reach for the network: the native library ships in the pytorch-native-cpu jar.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        NativeMemory.fixMmapThreshold();
    }

    private final String name;
    private final Path folder;
    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final NDManager manager;
    private final Weights weights;
    private final Rope globalRope;
    private final Rope localRope;
    private final int[] stopIds;
    /**
     * Whether gradients may flow through the forward pass (a {@link Gpt2Trainer}'s model): then it
     * makes new arrays where inference updates in place, since autograd needs the values it saved,
     * and scalar operands are arrays of the pass (see {@link #scaled}).
     */
    private final boolean training;
    /** This model with {@link #training} set, sharing everything (see {@link #withGradients}); made when first asked for. */
    private LanguageModel gradientTwin;
    /** The one-token step in Java for bf16/q8 weights ({@link DecodeStep}); made when a session first needs it. */
    private DecodeStep decodeStep;
    private boolean decodeStepMade;

    private LanguageModel(String name, Path folder, ModelConfig config, Tokenizer tokenizer, NDManager manager,
                          Weights weights, int[] generationEos, boolean training) {
        this.name = name;
        this.folder = folder;
        this.config = config;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.weights = weights;
        this.training = training;
        this.globalRope = config.learnedPositions() ? null
                : new Rope(config.headDim(), config.ropeTheta(), config.ropeScaling());
        this.localRope = config.learnedPositions() ? null : new Rope(config.headDim(), config.localRopeTheta(), null);
        this.stopIds = stopIds(config, tokenizer, generationEos);
    }

    /**
     * A model over weights made in memory, to be trained (a {@link Gpt2Trainer}'s). Like a loaded model
     * it owns {@code manager} and {@code tokenizer}; it has no folder.
     */
    static LanguageModel training(String name, ModelConfig config, Tokenizer tokenizer, NDManager manager,
                                  Weights weights) {
        return new LanguageModel(name, null, config, tokenizer, manager, weights, new int[0], true);
    }

    /**
     * This model (the same weights, tokenizer and manager) with a forward pass that gradients can
     * flow through, for attributions ({@link Explainer}): the weights take no gradients, an input
     * that asks for them does. Owned by this model; never closed by itself.
     */
    LanguageModel withGradients() {
        if (training) {
            return this;
        }
        if (gradientTwin == null) {
            gradientTwin = new LanguageModel(name, folder, config, tokenizer, manager, weights, new int[0], true);
        }
        return gradientTwin;
    }

    /**
     * The Java step for one new token, or null where the engine's is the one to use: float32
     * weights, a training model, or {@code -Dtokenscope.javaStep=false} (to compare the two).
     */
    private synchronized DecodeStep decodeStep() {
        if (!decodeStepMade) {
            decodeStepMade = true;
            decodeStep = training || !Boolean.parseBoolean(System.getProperty("tokenscope.javaStep", "true")) ? null
                    : DecodeStep.of(config, weights, globalRope,
                    globalRope == null || config.localRopeTheta() == config.ropeTheta() ? globalRope : localRope);
        }
        return decodeStep;
    }

    /** Whether a session's one-token appends run in Java ({@link DecodeStep}) rather than through the engine. */
    boolean stepsInJava() {
        return decodeStep() != null;
    }

    /** A manager for one request's arrays, under the model's own. */
    NDManager newScratch() {
        return manager.newSubManager();
    }

    /**
     * Loads a model folder in the Hugging Face layout: {@code config.json}, {@code tokenizer.json}
     * (with {@code tokenizer_config.json} and {@code generation_config.json} when present) and
     * {@code model.safetensors} (or a sharded index).
     *
     * @param name what to call the model in output (a Hub id or the folder's name)
     */
    public static LanguageModel load(Path folder, String name) throws ModelFormatException {
        return load(folder, name, WeightFormat.F32, (done, total) -> { });
    }

    /**
     * Loads a model folder as {@link #load(Path, String)} does, its weight matrices held as {@code format}
     * (quantized to q8 or rounded to bf16 here, at load time, from any safetensors dtype).
     *
     * @param progress hears how many of the parameters are loaded so far, after each tensor
     */
    public static LanguageModel load(Path folder, String name, WeightFormat format, LoadListener progress)
            throws ModelFormatException {
        if (!Files.isDirectory(folder)) {
            throw new ModelFormatException(folder + " is not a folder.");
        }
        Path configFile = folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(folder + " is not a model folder: it has no config.json.");
        }
        ModelConfig config = ModelConfig.read(configFile);
        int[] generationEos = GenerationConfig.eosIds(folder.resolve("generation_config.json"), config.vocab());
        Tokenizer tokenizer = Tokenizer.load(folder);
        if (tokenizer.pieceCount() > config.vocab()) {
            tokenizer.close();
            throw new ModelFormatException(folder.resolve("tokenizer.json") + " has " + tokenizer.pieceCount()
                    + " tokens but config.json says vocab_size is " + config.vocab() + ".");
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try (TensorSource bundle = TensorSource.open(folder)) { // safetensors, or PyTorch's .bin read safely
            Weights weights = Weights.load(bundle, config, manager, format,
                    (tensor, done, total) -> progress.loaded(done, total));
            return new LanguageModel(name, folder, config, tokenizer, manager, weights, generationEos, false);
        } catch (ModelFormatException | RuntimeException e) {
            manager.close();
            tokenizer.close();
            throw e;
        }
    }

    /** Generation stops at any of these: config.json's and generation_config.json's eos ids, the tokenizer's eos. */
    private static int[] stopIds(ModelConfig config, Tokenizer tokenizer, int[] generationEos) {
        LinkedHashSet<Integer> ids = new LinkedHashSet<>();
        if (config.family() == ModelConfig.Family.GPT2 && tokenizer.endOfTextId() >= 0) {
            ids.add(tokenizer.endOfTextId());
        }
        for (int id : generationEos) {
            ids.add(id);
        }
        for (int id : config.eosIds()) {
            ids.add(id);
        }
        int eosToken = tokenizer.idOf(tokenizer.chatFiles().eosToken());
        if (eosToken >= 0 && eosToken < config.vocab()) {
            ids.add(eosToken);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    public String name() {
        return name;
    }

    public Path folder() {
        return folder;
    }

    /** How the weight matrices are held and multiplied: f32, bf16 or q8. */
    public WeightFormat weightFormat() {
        return weights.format;
    }

    /** Bytes of the weight matrices as held (embedding, head and linear layers; norms and biases not counted). */
    public long weightBytes() {
        long bytes = weights.embedding.bytes();
        if (weights.headWeights != weights.embedding) {
            bytes += weights.headWeights.bytes();
        }
        for (Weights.Block b : weights.blocks) {
            for (Weights.Linear l : new Weights.Linear[] {b.qkv(), b.q(), b.k(), b.v(), b.o(), b.gate(), b.up(), b.down()}) {
                if (l != null) {
                    bytes += l.weights().bytes();
                }
            }
        }
        return bytes;
    }

    /** Hears of a model's loading: parameters loaded so far, of all. */
    @FunctionalInterface
    public interface LoadListener {
        void loaded(long done, long total);
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Parameters as Hugging Face counts them (a tied head counted once). */
    public long parameterCount() {
        return weights.parameterCount;
    }

    @Override
    public int contextLength() {
        return config.context();
    }

    @Override
    public int vocabSize() {
        return config.vocab();
    }

    /** The first id generation stops at (GPT-2's {@code <|endoftext|>}), or -1. */
    @Override
    public int endOfTextId() {
        return stopIds.length > 0 ? stopIds[0] : tokenizer.endOfTextId();
    }

    /** Every id generation stops at. */
    @Override
    public int[] stopIds() {
        return stopIds.clone();
    }

    /**
     * The token a text is scored after, or -1 for none: GPT-2's {@code <|endoftext|>}, as GPT-2 was
     * trained; for the other families the BOS their tokenizer adds by itself (Llama 3.1
     * {@code <|begin_of_text|>}, Gemma {@code <bos>}), none when it adds none (Qwen, Llama 3.0).
     */
    public int startTokenId() {
        if (config.family() == ModelConfig.Family.GPT2) {
            return endOfTextId();
        }
        return tokenizer.bosId() >= 0 && tokenizer.bosId() < config.vocab() ? tokenizer.bosId() : -1;
    }

    @Override
    public byte[] tokenBytes(int id) {
        return tokenizer.tokenBytes(id);
    }

    /**
     * Logits at every position, [T, V], made in {@code scratch}, for training: inside a
     * {@code GradientCollector} the result carries the graph back to every weight (the tied head is
     * transposed here, not through the view made once at load).
     */
    NDArray trainingLogits(NDManager scratch, int[] ids) {
        checkIds(ids, 0);
        NDArray hidden = forward(scratch, ids, null);          // [T, E]
        NDArray headTransposed = weights.head.transpose();      // [E, V]
        headTransposed.attach(scratch);
        return softcap(hidden.matMul(headTransposed), config.finalSoftcap()); // [T, V]
    }

    /**
     * The final hidden states of {@code ids} ([T, E], after the final norm), made in {@code scratch}:
     * the seam for reductions written outside this class (detection metrics, incremental scoring),
     * which then apply {@link #headLogits} a chunk of rows at a time.
     */
    NDArray hiddenStates(NDManager scratch, int[] ids, java.util.function.BooleanSupplier cancel) {
        checkIds(ids, 0);
        return forward(scratch, ids, null, cancel); // [T, E]
    }

    /**
     * The final hidden states of several sequences in one pass ([B, T, E], T the longest, after the
     * final norm), made in {@code scratch}: each sequence is right-padded to T with its own last id. A
     * position attends only to the positions before it (the causal mask), never to the padding after
     * its sequence's end, and positions restart at 0 in every sequence, so sequence i's first
     * {@code batch.get(i).length} rows are its own {@link #hiddenStates(NDManager, int[], java.util.function.BooleanSupplier)};
     * the padded rows are computed and ignored.
     */
    NDArray hiddenStates(NDManager scratch, java.util.List<int[]> batch, java.util.function.BooleanSupplier cancel) {
        int t = 0;
        for (int[] ids : batch) {
            checkIds(ids, 0);
            t = Math.max(t, ids.length);
        }
        long[] padded = new long[batch.size() * t];
        for (int i = 0; i < batch.size(); i++) {
            int[] ids = batch.get(i);
            for (int p = 0; p < t; p++) {
                padded[i * t + p] = ids[Math.min(p, ids.length - 1)];
            }
        }
        NDArray rows = weights.embedding.rows(scratch, padded)                                  // [B·T, E], a copy
                .reshape(batch.size(), t, config.width());                                      // [B, T, E]
        return forward(scratch, rows, null, cancel, null, null);                                // [B, T, E]
    }

    /** The output head on some rows of hidden states: [c, E] -> [c, V] logits, in the rows' manager. */
    NDArray headLogits(NDArray rows) {
        return softcap(weights.headWeights.apply(rows), config.finalSoftcap()); // [c, V]
    }

    /** cap·tanh(x / cap) when cap > 0 (Gemma's soft-capping), else x itself. */
    private NDArray softcap(NDArray x, float cap) {
        if (cap <= 0) {
            return x;
        }
        if (training) {
            NDManager m = x.getManager();
            return x.div(m.create(cap)).tanh().mul(m.create(cap));
        }
        NDArray capped = x.divi(cap).tanh();
        x.close();
        return capped.muli(cap);
    }

    /** Logits at every position: [ids.length][vocab]. Meant for short inputs (tests, tools). */
    public float[][] logits(int[] ids) {
        checkIds(ids, 0);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray hidden = forward(scratch, ids, null);   // [T, E]
            NDArray logits = headLogits(hidden);            // [T, V]
            float[] flat = logits.toFloatArray();
            float[][] rows = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                rows[t] = Arrays.copyOfRange(flat, t * config.vocab(), (t + 1) * config.vocab());
            }
            return rows;
        }
    }

    /**
     * Runs {@code ids} through the model once and, for each position {@code t} with
     * {@code targets[t] >= 0}, scores that target as the next token: its log-probability, rank,
     * the entropy of the distribution, and the {@code topK} most likely tokens. Positions with a
     * negative target are skipped. Reductions run in the engine, a chunk of rows at a time, so the
     * full [positions, vocab] log-softmax is never kept.
     *
     * @param cancel checked between chunks and layers; when it returns true the call ends with
     *     {@link java.util.concurrent.CancellationException}
     */
    public NextTokenStats scoreNext(int[] ids, int[] targets, int topK, java.util.function.BooleanSupplier cancel) {
        checkIds(ids, 0);
        if (targets.length != ids.length) {
            throw new IllegalArgumentException("targets must have one entry per input position");
        }
        int n = ids.length;
        int k = Math.max(0, Math.min(topK, config.vocab()));
        NextTokenStats.Builder out = new NextTokenStats.Builder(n, k);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray hidden = forward(scratch, ids, null, cancel); // [T, E]
            reduceNext(hidden, targets, k, cancel, out);
        }
        return out.build();
    }

    /**
     * The reduction of {@link #scoreNext} over hidden states [T, E] already computed: for each row
     * {@code t} with {@code targets[t] >= 0}, that target's log-probability, rank, the entropy and the
     * top {@code k}, into {@code out} at row {@code t}; a chunk of rows at a time.
     */
    private void reduceNext(NDArray hidden, int[] targets, int k, java.util.function.BooleanSupplier cancel,
                            NextTokenStats.Builder out) {
        int n = targets.length;
        NDManager scratch = hidden.getManager();
        for (int from = 0; from < n; from += HEAD_CHUNK) {
            int to = Math.min(n, from + HEAD_CHUNK);
            if (!anyTarget(targets, from, to)) {
                continue;
            }
            checkCancel(cancel);
            try (NDManager chunk = scratch.newSubManager()) {
                NDArray rows = hidden.get(new NDIndex("{}:{}", from, to)); // [c, E]
                rows.attach(chunk);
                NDArray logits = headLogits(rows);                            // [c, V]
                NDArray logProbs = logits.logSoftmax(1);                      // [c, V]
                logits.close(); // freed now, its memory serves the next [c, V] array
                long[] safeTargets = new long[to - from];
                for (int t = from; t < to; t++) {
                    safeTargets[t - from] = Math.max(0, targets[t]);
                }
                NDArray index = chunk.create(safeTargets, new Shape(to - from, 1));
                NDArray target = logProbs.gather(index, 1);                    // [c, 1]
                // rank − 1: tokens strictly more likely; a boolean sum, no [c, V] integer copy
                NDArray above = logProbs.gt(target).sum(new int[] {1});        // [c] int64
                NDArray p = logProbs.exp();                                    // [c, V]
                NDArray entropy = p.muli(logProbs).sum(new int[] {1}).neg();   // [c]: −Σ p·log p
                p.close();
                float[] lp = target.toFloatArray();
                float[] h = entropy.toFloatArray();
                long[] r = above.toType(DataType.INT64, false).toLongArray();
                float[] topValues = new float[0];
                long[] topIds = new long[0];
                if (k > 0) {
                    NDList top = logProbs.topK(k, 1, true, true);           // [c, k] values, indices
                    topValues = top.get(0).toFloatArray();
                    topIds = top.get(1).toType(DataType.INT64, false).toLongArray();
                }
                for (int t = from; t < to; t++) {
                    if (targets[t] < 0) {
                        continue;
                    }
                    int i = t - from;
                    out.set(t, lp[i], h[i], (int) r[i] + 1,
                            Arrays.copyOfRange(topIds, i * k, (i + 1) * k),
                            Arrays.copyOfRange(topValues, i * k, (i + 1) * k));
                }
            }
        }
    }

    /**
     * Runs {@code ids} once and keeps what {@code request} asks for of the model's insides. Nothing
     * else is kept: attention weights only of the requested layers, the logit lens only as ranks,
     * log-probabilities and top-k per layer and position (never [layers, positions, vocab]).
     */
    public Internals inspect(int[] ids, InspectRequest request, java.util.function.BooleanSupplier cancel) {
        checkIds(ids, 0);
        int n = ids.length;
        int layers = config.layers();
        Internals.Builder out = new Internals.Builder(layers, n);
        int lastAttention = request.attentionLayers().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int last = request.lens() || request.norms() ? layers - 1 : Math.min(layers - 1, lastAttention);
        if (last < 0) {
            return out.build();
        }
        int[] targets = new int[n];
        for (int t = 0; t < n; t++) {
            targets[t] = t + 1 < n ? ids[t + 1] : -1;
        }
        try (NDManager scratch = manager.newSubManager()) {
            forward(scratch, ids, null, cancel, new Probe() {
                @Override
                public void residual(int afterLayer, NDArray x) {
                    if (request.norms()) {
                        out.residualNorm(afterLayer, x.norm(new int[] {1}).toFloatArray());
                    }
                    if (request.lens()) {
                        checkCancel(cancel);
                        lens(x, afterLayer, targets, request.lensTopK(), out);
                    }
                }

                @Override
                public void attention(int layer, NDArray w) {
                    if (request.attentionLayers().contains(layer)) {
                        out.attention(layer, w.toFloatArray(), config.heads(), n);
                    }
                }

                @Override
                public void contributions(int layer, NDArray attention, NDArray mlp) {
                    if (request.norms()) {
                        out.contributionNorms(layer, attention.norm(new int[] {1}).toFloatArray(),
                                mlp.norm(new int[] {1}).toFloatArray());
                    }
                }

                @Override
                public int lastLayer() {
                    return last;
                }
            });
        }
        return out.build();
    }

    /** The logit lens at one layer: the residual stream read through the final norm and the head. */
    private void lens(NDArray x, int afterLayer, int[] targets, int topK, Internals.Builder out) { // x: [T, E]
        int n = targets.length;
        int k = Math.max(1, Math.min(topK, config.vocab()));
        for (int from = 0; from < n; from += HEAD_CHUNK) {
            int to = Math.min(n, from + HEAD_CHUNK);
            try (NDManager chunk = x.getManager().newSubManager()) {
                NDArray rows = x.get(new NDIndex("{}:{}", from, to));
                rows.attach(chunk);
                NDArray logProbs = headLogits(norm(rows, weights.finalNorm)).logSoftmax(1); // [c, V]
                long[] safe = new long[to - from];
                for (int t = from; t < to; t++) {
                    safe[t - from] = Math.max(0, targets[t]);
                }
                NDArray target = logProbs.gather(chunk.create(safe, new Shape(to - from, 1)), 1); // [c, 1]
                int[] above = logProbs.gt(target).toType(DataType.INT32, false).sum(new int[] {1})
                        .toType(DataType.INT32, false).toIntArray();
                float[] lp = target.toFloatArray();
                NDList top = logProbs.topK(k, 1, true, true);
                float[] topValues = top.get(0).toFloatArray();
                long[] topIds = top.get(1).toType(DataType.INT64, false).toLongArray();
                for (int t = from; t < to; t++) {
                    int i = t - from;
                    out.lens(afterLayer + 1, t, targets[t] < 0 ? 0 : above[i] + 1, targets[t] < 0 ? Float.NaN : lp[i],
                            Arrays.copyOfRange(topIds, i * k, (i + 1) * k), Arrays.copyOfRange(topValues, i * k, (i + 1) * k));
                }
            }
        }
    }

    /** A new incremental-decoding session with an empty key/value cache. */
    @Override
    public Session newSession() {
        return new Session(manager.newSubManager(), new KvCache(config.layers(), config.context(), config.kvHeads(), config.headDim()));
    }

    @Override
    public void close() {
        manager.close();
        tokenizer.close();
    }

    // ---- the forward pass -------------------------------------------------------------------

    private NDArray forward(NDManager scratch, int[] ids, KvCache cache) {
        return forward(scratch, ids, cache, () -> false);
    }

    /** Hidden states after the final norm for {@code ids} appended after the cache: [T, E]. */
    private NDArray forward(NDManager scratch, int[] ids, KvCache cache, java.util.function.BooleanSupplier cancel) {
        return forward(scratch, ids, cache, cancel, null);
    }

    /** Sees the forward pass from inside: the residual stream, each block's parts, attention weights. */
    private interface Probe {
        /** The residual stream before block 0 (embeddings) and after each block: [T, E]. */
        void residual(int afterLayer, NDArray x);

        /** Attention weights of one block: [H, T, S]. */
        void attention(int layer, NDArray weights);

        /** What attention and the MLP added to the residual stream in one block: [T, E] each. */
        void contributions(int layer, NDArray attention, NDArray mlp);

        /** The last block worth running (later ones are skipped). */
        int lastLayer();
    }

    /**
     * What every block of one pass shares: where the new positions start, the rotary tables of those
     * positions, the masks of a block of queries (see {@link Masks}), what watches it and what changes it.
     */
    private record Pass(int past, int t, NDArray cosGlobal, NDArray sinGlobal, NDArray cosLocal, NDArray sinLocal,
                        Masks masks, Probe probe, Intervention edit) {
    }

    private NDArray forward(NDManager scratch, int[] ids, KvCache cache, java.util.function.BooleanSupplier cancel,
                            Probe probe) {
        return forward(scratch, embeddingRows(scratch, ids), cache, cancel, probe, null);
    }

    /** The token embedding rows of {@code ids} as looked up (before any scaling or positions): [T, E], a copy. */
    NDArray embeddingRows(NDManager scratch, int[] ids) {
        checkIds(ids, 0);
        long[] longIds = Arrays.stream(ids).asLongStream().toArray();
        return weights.embedding.rows(scratch, longIds);                                        // [T, E], a copy
    }

    /**
     * The pass from embedding rows as looked up ({@link #embeddingRows}, or rows made from them: an
     * attribution's scaled inputs) to the hidden states after the final norm, changed from inside by
     * {@code edit}: [T, E], or [B, T, E] for B texts of one length at once (without a cache) -> the same shape.
     */
    NDArray hiddenStates(NDManager scratch, NDArray rows, Intervention edit, java.util.function.BooleanSupplier cancel) {
        int t = (int) rows.getShape().get(rows.getShape().dimension() - 2);
        if (t > config.context()) {
            throw new IllegalArgumentException("The sequence would be " + t + " tokens, past the model's context of "
                    + config.context() + ".");
        }
        return forward(scratch, rows, null, cancel, null, edit);
    }

    private NDArray forward(NDManager scratch, NDArray rows, KvCache cache, java.util.function.BooleanSupplier cancel,
                            Probe probe, Intervention edit) {
        int past = cache == null ? 0 : cache.length;
        if (cache != null) {
            cache.toEngine(scratch);
        }
        int t = (int) rows.getShape().get(rows.getShape().dimension() - 2);
        NDArray x = rows;                                                                       // [(B,) T, E]
        if (config.embedScale() != 1f) {
            // Gemma multiplies by √E in the weights' dtype: for F32 weights that is the float √E
            x = scaled(x, config.embedScale());
        }
        if (config.learnedPositions()) {
            NDArray positions = weights.positionEmbedding.get(new NDIndex("{}:{}", past, past + t)); // [T, E], a view
            x = accumulate(x, positions); // x is the residual stream from here on, updated in place
            if (!training) {
                positions.close();
            }
        }
        Pass pass = pass(scratch, past, t, probe, edit);
        if (probe != null) {
            probe.residual(-1, x);
        }
        int last = probe == null ? weights.blocks.size() - 1 : probe.lastLayer();
        for (int layer = 0; layer <= last; layer++) {
            checkCancel(cancel);
            Weights.Block b = weights.blocks.get(layer);
            if (training) {
                x = block(x, b, layer, cache, pass); // every array lives until backward
                continue;
            }
            try (NDManager step = scratch.newSubManager()) {
                x.tempAttach(step); // what this block computes from x is freed with the block; x stays
                x = block(x, b, layer, cache, pass);
            }
        }
        if (cache != null) {
            cache.length = past + t;
            cache.engineLength = cache.length;
        }
        return norm(x, weights.finalNorm);
    }

    private Pass pass(NDManager scratch, int past, int t, Probe probe, Intervention edit) {
        // one block of queries when everything must be seen at once (training, inside views) or is small
        int block = training || probe != null || t <= ATTENTION_BLOCK ? t : ATTENTION_BLOCK;
        Masks masks = new Masks(scratch, block, config.slidingWindow());
        if (config.learnedPositions()) {
            return new Pass(past, t, null, null, null, null, masks, probe, edit);
        }
        NDArray[] global = globalRope.table(scratch, past, t);                                  // 2 × [T, D]
        boolean anyLocal = false;
        for (int layer = 0; layer < config.layers(); layer++) {
            anyLocal |= config.sliding(layer);
        }
        NDArray[] local = anyLocal && config.localRopeTheta() != config.ropeTheta()
                ? localRope.table(scratch, past, t) : global;
        return new Pass(past, t, global[0], global[1], local[0], local[1], masks, probe, edit);
    }

    /**
     * One transformer block on the residual stream x: x + attention(norm x), then x + mlp(norm x);
     * Gemma 3 also norms what attention and the MLP return before adding it.
     */
    private NDArray block(NDArray x, Weights.Block b, int layer, KvCache cache, Pass pass) { // [T, E] -> [T, E]
        NDArray normed = norm(x, b.attnNorm());                                         // [T, E]
        NDArray attended = attention(normed, b, layer, cache, pass);                    // [T, E]
        release(normed);
        if (b.attnOutNorm() != null) {
            attended = norm(attended, b.attnOutNorm());
        }
        x = accumulate(x, attended);
        normed = norm(x, b.mlpNorm());
        NDArray mlpOut = mlp(normed, b);                                                // [T, E]
        release(normed);
        if (b.mlpOutNorm() != null) {
            mlpOut = norm(mlpOut, b.mlpOutNorm());
        }
        if (pass.edit() != null) {
            mlpOut = pass.edit().mlp(layer, mlpOut);
        }
        x = accumulate(x, mlpOut);
        if (pass.edit() != null) {
            x = pass.edit().residual(layer, x);
        }
        if (pass.probe() != null) {
            pass.probe().contributions(layer, attended, mlpOut);
            pass.probe().residual(layer, x);
        }
        return x;
    }

    /** x + y: in place when inferring, a new array when training (autograd may have saved x). */
    private NDArray accumulate(NDArray x, NDArray y) {
        return training ? x.add(y) : x.addi(y);
    }

    /**
     * x·c: in place when inferring; when training, a new array times c as an array of x's manager,
     * not {@code mul(Number)}: DJL turns the number into an array over a Java buffer and lets go of it
     * at once, and autograd, which saved that operand for the backward pass, then reads memory the
     * garbage collector may have reused (gradients turn NaN at random steps).
     */
    private NDArray scaled(NDArray x, float c) {
        return training ? x.mul(x.getManager().create(c)) : x.muli(c);
    }

    /** Frees an intermediate early when inferring; when training, backward may still need it. */
    private void release(NDArray array) {
        if (!training) {
            array.close();
        }
    }

    /** The family's norm over the last axis: [..., E] -> [..., E]. */
    private NDArray norm(NDArray x, Weights.NormWeights w) {
        return switch (config.norm()) {
            case LAYER -> LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)),
                    w.gain(), w.bias(), config.normEps()).singletonOrThrow();
            case RMS -> rmsNorm(x, w.gain());
            case RMS_PLUS_ONE -> rmsNorm(x, w.gain()); // the gain was made 1 + w at load
        };
    }

    /** x / √(mean(x²) + ε) · g over the last axis: [..., N], [N] -> [..., N]. */
    private NDArray rmsNorm(NDArray x, NDArray gain) {
        int last = x.getShape().dimension() - 1;
        NDArray meanSquare = x.square().mean(new int[] {last}, true);                   // [..., 1]
        if (training) {
            NDArray rms = meanSquare.add(meanSquare.getManager().create(config.normEps())).sqrt();
            return x.div(rms).mul(gain);
        }
        NDArray rms = meanSquare.addi(config.normEps()).sqrt();
        meanSquare.close();
        NDArray y = x.div(rms);
        rms.close();
        return y.muli(gain);
    }

    /** One linear layer, x·Wᵀ + b, in the weights' format (f32: one fused engine call; see {@link LinearWeights}). */
    private NDArray linear(NDArray x, Weights.Linear layer) { // [T, in] -> [T, out]
        if (training) { // the stored weight itself, so the gradient lands on it, not on a view made at load
            NDArray w = layer.storedInOut() ? layer.stored() : layer.stored().transpose();
            NDArray y = x.matMul(w);
            return layer.bias() == null ? y : y.add(layer.bias());
        }
        if (x.getShape().dimension() > 2 && layer.weights().format() != WeightFormat.F32) {
            // bf16 and q8 multiply rows: [B, T, in] as [B·T, in]
            Shape shape = x.getShape();
            NDArray flat = x.reshape(-1, shape.get(shape.dimension() - 1));                     // [B·T, in]
            NDArray y = layer.weights().apply(flat);                                            // [B·T, out]
            return y.reshape(shape.slice(0, shape.dimension() - 1).add(y.getShape().get(1)));   // [B, T, out]
        }
        return layer.weights().apply(x);
    }

    /**
     * Causal self-attention of [T, E] inputs over the cache and themselves: [T, E]. Queries have
     * {@code heads} heads, keys and values {@code kvHeads}; query head h reads key/value head
     * h ÷ (heads ÷ kvHeads), as transformers' repeat_kv does, without copying keys or values.
     */
    private NDArray attention(NDArray x, Weights.Block b, int layer, KvCache cache, Pass pass) {
        int t = pass.t();
        int batch = (int) (x.size() / ((long) t * config.width())); // B texts of one length, heads of all in one axis
        NDArray q;
        NDArray k;
        NDArray v;
        NDArray qkv = null;
        if (b.qkv() != null) { // GPT-2: one fused projection
            qkv = linear(x, b.qkv());                                                   // [T, 3E]
            NDList parts = qkv.split(3, qkv.getShape().dimension() - 1);                // 3 × [(B,) T, E], views
            q = splitHeads(parts.get(0), batch, t, config.heads());                            // [H, T, D]
            k = splitHeads(parts.get(1), batch, t, config.kvHeads());                          // [KV, T, D]
            v = splitHeads(parts.get(2), batch, t, config.kvHeads());                          // [KV, T, D]
        } else {
            q = splitHeads(linear(x, b.q()), batch, t, config.heads());                        // [H, T, D]
            k = splitHeads(linear(x, b.k()), batch, t, config.kvHeads());                      // [KV, T, D]
            v = splitHeads(linear(x, b.v()), batch, t, config.kvHeads());                      // [KV, T, D]
        }
        if (b.qNorm() != null) { // Qwen3, Gemma 3: RMSNorm of each head's query and key
            q = rmsNorm(q, b.qNorm());
            k = rmsNorm(k, b.kNorm());
        }
        if (!config.learnedPositions()) {
            boolean local = config.sliding(layer);
            q = Rope.rotate(q, local ? pass.cosLocal() : pass.cosGlobal(), local ? pass.sinLocal() : pass.sinGlobal(),
                    training);
            k = Rope.rotate(k, local ? pass.cosLocal() : pass.cosGlobal(), local ? pass.sinLocal() : pass.sinGlobal(),
                    training);
        }
        q = scaled(q, (float) config.queryScale());                                     // [H, T, D]
        if (cache != null) {
            k = cache.append(layer, 0, k, pass.past());                                 // [KV, S, D]
            v = cache.append(layer, 1, v, pass.past());                                 // [KV, S, D]
        }
        NDArray mixed = attend(q, k, v, batch, layer, pass);                            // [B·H, T, D]
        if (qkv != null) {
            release(qkv);
        }
        if (pass.edit() != null) {
            mixed = pass.edit().heads(layer, mixed);
        }
        long width = (long) config.heads() * config.headDim();
        NDArray merged = batch == 1 ? mixed.transpose(1, 0, 2).reshape(t, width)      // [T, H·D]
                : mixed.reshape(batch, config.heads(), t, config.headDim()).transpose(0, 2, 1, 3)
                        .reshape(batch, t, width);                                      // [B, T, H·D]
        release(mixed);
        return linear(merged, b.o());                                                   // [T, E]
    }

    /**
     * softmax(q·kᵀ + mask)·v a block of queries at a time, each block over only the keys it may see
     * (its causal prefix, or its sliding window): no array larger than [H, block, S], and for
     * T = 1,024 about half the products of the full square. q is already scaled; a batch of B texts
     * comes as B·H query heads and B·KV key/value heads.
     * [H, T, D], [KV, S, D], [KV, S, D] -> [H, T, D]
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, int batch, int layer, Pass pass) {
        int t = pass.t();
        int past = pass.past();
        int heads = batch * config.heads();
        int kvHeads = batch * config.kvHeads();
        int group = config.heads() / config.kvHeads();
        int d = config.headDim();
        boolean sliding = config.sliding(layer);
        int block = pass.masks().block();
        NDList blocks = new NDList();
        for (int from = 0; from < t; from += block) {
            int to = Math.min(t, from + block);
            int b = to - from;
            int hi = past + to;                                                         // keys these queries may see end here
            int lo = sliding ? Math.max(0, past + from - config.slidingWindow() + 1) : 0;
            int s = hi - lo;
            NDArray qb = block == t ? q : q.get(new NDIndex(":, {}:{}", from, to));    // [H, b, D]
            NDArray kb = lo == 0 && hi == k.getShape().get(1) ? k : k.get(new NDIndex(":, {}:{}", lo, hi)); // [KV, s, D]
            NDArray vb = lo == 0 && hi == v.getShape().get(1) ? v : v.get(new NDIndex(":, {}:{}", lo, hi)); // [KV, s, D]
            NDArray grouped = qb.reshape(kvHeads, (long) group * b, d);                 // [KV, G·b, D]
            NDArray scores = grouped.matMul(kb.transpose(0, 2, 1))                      // [KV, G·b, s]
                    .reshape(kvHeads, group, b, s);                                     // [KV, G, b, s]
            if (config.attnSoftcap() > 0) {
                scores = softcap(scores, config.attnSoftcap());
            }
            scores = pass.masks().apply(scores, b, s, past + from - lo, sliding, training);
            NDArray weights = scores.softmax(3);                                        // [KV, G, b, s]
            release(scores);
            if (pass.probe() != null) {
                pass.probe().attention(layer, weights.reshape(heads, b, s));            // [H, T, S]
            }
            NDArray mixed = weights.reshape(kvHeads, (long) group * b, s).matMul(vb)    // [KV, G·b, D]
                    .reshape(heads, b, d);                                              // [H, b, D]
            release(weights);
            blocks.add(mixed);
        }
        if (blocks.size() == 1) {
            return blocks.singletonOrThrow();
        }
        NDArray mixed = NDArrays.concat(blocks, 1);                                     // [H, T, D]
        if (!training) {
            blocks.close();
        }
        return mixed;
    }

    private NDArray splitHeads(NDArray x, int batch, int t, int heads) { // [(B,) T, heads·D] -> [B·heads, T, D]
        if (batch == 1) {
            return x.reshape(t, heads, config.headDim()).transpose(1, 0, 2);                // [heads, T, D]
        }
        return x.reshape(batch, t, heads, config.headDim()).transpose(0, 2, 1, 3)
                .reshape((long) batch * heads, t, config.headDim());                       // [B·heads, T, D]
    }

    /** GPT-2: down(act(up x)); gated (SwiGLU, GeGLU): down(act(gate x) · up x). [T, E] -> [T, E] */
    private NDArray mlp(NDArray x, Weights.Block b) {
        NDArray h = linear(x, b.up());                                                  // [T, I]
        NDArray g;
        if (b.gate() != null) {
            NDArray gate = linear(x, b.gate());                                         // [T, I]
            NDArray a = activate(gate);                                                 // [T, I]
            release(gate);
            g = training ? a.mul(h) : a.muli(h);
        } else {
            g = activate(h);                                                            // [T, I]
        }
        release(h);
        NDArray out = linear(g, b.down());                                              // [T, E]
        release(g);
        return out;
    }

    private NDArray activate(NDArray x) {
        return switch (config.activation()) {
            case GELU_TANH -> geluTanh(x);
            case GELU -> Activation.gelu(x);
            case SILU -> training ? Activation.sigmoid(x).mul(x) : Activation.sigmoid(x).muli(x);
        };
    }

    /**
     * GPT-2's gelu_new, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), computed as the equal
     * x·σ(2·√(2/π)·(x + 0.044715·x³)): two new arrays and four in-place passes instead of eight arrays.
     */
    private NDArray geluTanh(NDArray x) { // [T, I] -> [T, I]
        float c = (float) (2 * Math.sqrt(2.0 / Math.PI));
        if (training) { // the same, without overwriting what autograd saved
            NDManager scratch = x.getManager();
            NDArray z = x.square().mul(scratch.create(c * 0.044715f)).add(scratch.create(c)).mul(x);
            return Activation.sigmoid(z).mul(x);
        }
        NDArray z = x.square().muli(c * 0.044715f).addi(c).muli(x);                     // 2√(2/π)·(x + 0.044715·x³)
        NDArray y = Activation.sigmoid(z);
        z.close();
        return y.muli(x);
    }

    /**
     * The additive masks of one pass, made once and shared by every layer: for a block of b queries
     * over keys [lo, past + end of block), the causal edge is always the last b keys (a lower
     * triangle), and a sliding window's far edge the first keys (a strictly lower triangle, shifted
     * where the window is cut at position 0). Added to views of the scores, so no [T, S] mask is
     * ever made, however long the text.
     */
    private static final class Masks {
        private final int block;
        private final int window;
        private final NDArray causal;  // [B, B]: −∞ above the diagonal
        private final NDArray farEdge; // [B, B]: −∞ below the diagonal (key index < query index)

        Masks(NDManager scratch, int block, int window) {
            this.block = block;
            this.window = window;
            float[] upper = new float[block * block];
            float[] lower = new float[block * block];
            for (int i = 0; i < block; i++) {
                for (int j = 0; j < block; j++) {
                    upper[i * block + j] = j > i ? Float.NEGATIVE_INFINITY : 0f;
                    lower[i * block + j] = j < i ? Float.NEGATIVE_INFINITY : 0f;
                }
            }
            this.causal = block > 1 ? scratch.create(upper, new Shape(block, block)) : null;
            this.farEdge = window > 0 && block > 1 ? scratch.create(lower, new Shape(block, block)) : null;
        }

        int block() {
            return block;
        }

        /**
         * Masks scores [KV, G, b, s] of b queries whose first sits at key index {@code firstQuery}
         * (relative to the first key s counts from). Query i sees key c iff c ≤ firstQuery + i and,
         * in a sliding layer, firstQuery + i − c < window.
         */
        NDArray apply(NDArray scores, int b, int s, int firstQuery, boolean sliding, boolean training) {
            if (b > 1) { // the causal edge: keys firstQuery .. firstQuery + b − 1 = the last b
                NDArray tri = b == block ? causal : causal.get(new NDIndex(":{}, :{}", b, b));
                if (training) {
                    scores = s == b ? scores.add(tri) : scores.add(padLeft(tri, s - b));
                } else {
                    NDArray edge = s == b ? scores : scores.get(new NDIndex("..., {}:", s - b));
                    edge.addi(tri);
                }
            }
            if (sliding && farEdge != null) { // the far edge: query i hides keys c < firstQuery + i − window + 1
                // ≤ 0: the keys start where the first query's window does, or at position 0 where that is cut
                int off = firstQuery - window + 1;
                int width = Math.min(s, b + off);
                if (width > 0) {
                    NDArray far = farEdge.get(new NDIndex(":{}, {}:{}", b, -off, -off + width)); // [b, width]
                    if (training) {
                        scores = scores.add(padRight(far, s - width));
                    } else {
                        NDArray edge = width == s ? scores : scores.get(new NDIndex("..., :{}", width));
                        edge.addi(far);
                    }
                }
            }
            return scores;
        }

        private static NDArray padLeft(NDArray m, int zeros) { // [b, b] -> [b, zeros + b]
            return zeros == 0 ? m : m.getManager().zeros(new Shape(m.getShape().get(0), zeros)).concat(m, 1);
        }

        private static NDArray padRight(NDArray m, int zeros) { // [b, w] -> [b, w + zeros]
            return zeros == 0 ? m : m.concat(m.getManager().zeros(new Shape(m.getShape().get(0), zeros)), 1);
        }
    }

    private void checkIds(int[] ids, int past) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("No tokens to run through the model.");
        }
        if (past + ids.length > config.context()) {
            throw new IllegalArgumentException("The sequence would be " + (past + ids.length)
                    + " tokens, past the model's context of " + config.context() + ".");
        }
        for (int id : ids) {
            if (id < 0 || id >= config.vocab()) {
                throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary (0.."
                        + (config.vocab() - 1) + ").");
            }
        }
    }

    private static boolean anyTarget(int[] targets, int from, int to) {
        for (int t = from; t < to; t++) {
            if (targets[t] >= 0) {
                return true;
            }
        }
        return false;
    }

    private static void checkCancel(java.util.function.BooleanSupplier cancel) {
        if (cancel.getAsBoolean()) {
            throw new java.util.concurrent.CancellationException("Cancelled.");
        }
    }

    // ---- incremental decoding ---------------------------------------------------------------

    /**
     * Keys and values of every layer so far, in buffers of [H, capacity, D] that grow by doubling
     * (at most to the context): a step writes its own positions in place instead of copying the
     * whole cache into a new array, so a step's cost no longer grows with a copy of everything before it.
     */
    private static final class KvCache {
        private static final int FIRST_CAPACITY = 64;
        final NDArray[][] buffers; // [layer][0 = keys, 1 = values]: [H, capacity, D]
        final int context;
        /** Positions the session holds. */
        int length;
        /** Positions held in {@link #buffers}: those after it were made by the Java step, in {@link #java} only. */
        int engineLength;
        /** The same keys and values for the Java step ({@link DecodeStep}), made when it first runs; positions below its {@code valid}. */
        DecodeStep.Cache java;
        NDManager owner;

        private final int kvHeads;
        private final int headDim;

        KvCache(int layers, int context, int kvHeads, int headDim) {
            this.buffers = new NDArray[layers][2];
            this.context = context;
            this.kvHeads = kvHeads;
            this.headDim = headDim;
        }

        /** Copies what only the Java step's cache holds into the engine's buffers, before an engine pass. */
        void toEngine(NDManager scratch) {
            if (engineLength >= length) {
                return;
            }
            int n = length - engineLength;
            for (int layer = 0; layer < buffers.length; layer++) {
                for (int which = 0; which < 2; which++) {
                    float[] from = java.of(layer, which);              // [capacity, KV, D]
                    float[] fresh = new float[kvHeads * n * headDim];   // [KV, n, D]
                    for (int p = 0; p < n; p++) {
                        for (int h = 0; h < kvHeads; h++) {
                            System.arraycopy(from, ((engineLength + p) * kvHeads + h) * headDim, fresh, (h * n + p) * headDim, headDim);
                        }
                    }
                    try (NDManager m = scratch.newSubManager()) {
                        append(layer, which, m.create(fresh, new Shape(kvHeads, n, headDim)), engineLength);
                    }
                }
            }
            engineLength = length;
        }

        /** Copies what only the engine's buffers hold into the Java step's cache, before a Java step. */
        void toJava(DecodeStep step) {
            if (java == null) {
                java = step.newCache();
            }
            if (java.valid >= length) {
                return;
            }
            java.reserve(length, context);
            int a = java.valid;
            int n = length - a;
            for (int layer = 0; layer < buffers.length; layer++) {
                for (int which = 0; which < 2; which++) {
                    float[] got;                                       // [KV, n, D]
                    try (NDArray part = buffers[layer][which].get(new NDIndex(":, {}:{}", a, length))) {
                        got = part.toFloatArray();
                    }
                    float[] to = java.of(layer, which);                // [capacity, KV, D]
                    for (int p = 0; p < n; p++) {
                        for (int h = 0; h < kvHeads; h++) {
                            System.arraycopy(got, (h * n + p) * headDim, to, ((a + p) * kvHeads + h) * headDim, headDim);
                        }
                    }
                }
            }
            java.valid = length;
        }

        /** Forgets every position from {@code n} on. */
        void truncate(int n) {
            length = Math.min(length, n);
            engineLength = Math.min(engineLength, n);
            if (java != null) {
                java.valid = Math.min(java.valid, n);
            }
        }

        /**
         * Stores {@code fresh} ([H, T, D]) at positions {@code past ..} and returns the keys or values
         * of all positions so far ([H, past + T, D]), a view that belongs to {@code fresh}'s manager.
         */
        NDArray append(int layer, int which, NDArray fresh, int past) {
            int end = past + (int) fresh.getShape().get(1);
            NDArray buffer = reserve(layer, which, fresh.getShape(), past, end);
            buffer.set(new NDIndex(":, {}:{}", past, end), fresh);
            NDArray seen = buffer.get(new NDIndex(":, :{}", end));
            seen.attach(fresh.getManager());
            return seen;
        }

        private NDArray reserve(int layer, int which, Shape like, int past, int needed) {
            NDArray buffer = buffers[layer][which];
            long capacity = buffer == null ? 0 : buffer.getShape().get(1);
            if (capacity >= needed) {
                return buffer;
            }
            long grown = Math.min(context, Math.max(needed, Math.max(FIRST_CAPACITY, 2 * capacity)));
            NDArray bigger = owner.zeros(new Shape(like.get(0), grown, like.get(2)));       // [KV, capacity, D]
            if (buffer != null) {
                if (past > 0) {
                    NDArray kept = buffer.get(new NDIndex(":, :{}", past));
                    bigger.set(new NDIndex(":, :{}", past), kept);
                    kept.close();
                }
                buffer.close();
            }
            buffers[layer][which] = bigger;
            return bigger;
        }
    }

    /** A decoding session: the model plus its key/value cache, in a manager of its own. */
    public final class Session implements LogitsSession {
        private final NDManager sessionManager;
        private final KvCache cache;

        private Session(NDManager sessionManager, KvCache cache) {
            this.sessionManager = sessionManager;
            this.cache = cache;
            this.cache.owner = sessionManager;
        }

        @Override
        public float[] append(int[] ids) {
            checkIds(ids, cache.length);
            // a step or a short prompt in Java: no engine call, no engine threads taking turns with the kernels'
            DecodeStep step = ids.length <= DecodeStep.POSITIONS ? decodeStep() : null;
            if (step != null) {
                cache.toJava(step);
                float[] logits = step.logits(ids, cache.length, cache.java);
                cache.length += ids.length;
                return logits;
            }
            return engineAppend(ids);
        }

        /** {@link #append} through the engine's forward pass whatever the weights (tests compare the two). */
        float[] appendThroughEngine(int[] ids) {
            checkIds(ids, cache.length);
            return engineAppend(ids);
        }

        private float[] engineAppend(int[] ids) { // ids checked
            try (NDManager scratch = sessionManager.newSubManager()) {
                NDArray hidden = forward(scratch, ids, cache);                        // [T, E]
                NDArray last = hidden.get(new NDIndex("{}", ids.length - 1));          // [E]
                return headLogits(last.expandDims(0)).toFloatArray();                 // [V]
            }
        }

        /**
         * Appends {@code ids} after the cached positions and scores each new row {@code t} with
         * {@code targets[t] >= 0} as {@link #scoreNext} does (rows are indexed from the first new id):
         * the cached prefix's keys and values are reused, only the new positions are computed. When
         * {@code cancel} ends the call, the cache is left at its length before the call.
         */
        public NextTokenStats scoreAppend(int[] ids, int[] targets, int topK, java.util.function.BooleanSupplier cancel) {
            checkIds(ids, cache.length);
            if (targets.length != ids.length) {
                throw new IllegalArgumentException("targets must have one entry per input position");
            }
            int k = Math.max(0, Math.min(topK, config.vocab()));
            NextTokenStats.Builder out = new NextTokenStats.Builder(ids.length, k);
            int past = cache.length;
            try (NDManager scratch = sessionManager.newSubManager()) {
                NDArray hidden = forward(scratch, ids, cache, cancel);              // [T, E]
                reduceNext(hidden, targets, k, cancel, out);
            } catch (RuntimeException e) {
                cache.truncate(past); // positions written past it are overwritten by the next append
                throw e;
            }
            return out.build();
        }

        /** Forgets every cached position from {@code length} on, so the next append continues there. */
        public void truncate(int length) {
            if (length < 0) throw new IllegalArgumentException("A cache length cannot be negative: " + length + ".");
            cache.truncate(length);
        }

        @Override
        public Session fork() {
            NDManager copyManager = manager.newSubManager();
            KvCache copy = new KvCache(config.layers(), config.context(), config.kvHeads(), config.headDim());
            copy.length = cache.length;
            copy.engineLength = cache.engineLength;
            copy.java = cache.java == null ? null : cache.java.copy();
            for (int layer = 0; layer < config.layers(); layer++) {
                for (int which = 0; which < 2; which++) {
                    NDArray a = cache.buffers[layer][which];
                    if (a != null) {
                        NDArray d = a.duplicate();
                        d.attach(copyManager);
                        copy.buffers[layer][which] = d;
                    }
                }
            }
            return new Session(copyManager, copy);
        }

        @Override
        public int length() {
            return cache.length;
        }

        @Override
        public void close() {
            sessionManager.close();
        }
    }
}
