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
import org.tokenscope.generate.DecoderModel;
import org.tokenscope.generate.LogitsSession;
import org.tokenscope.model.safetensors.SafetensorsBundle;

/**
 * GPT-2 written on DJL NDArrays: learned position embeddings, pre-norm blocks, fused-QKV causal
 * self-attention, GELU (tanh approximation), final LayerNorm and a head tied to the token embedding.
 *
 * <p>Not thread-safe: one inference thread owns a model and everything it hands out. Results
 * leave this class as plain Java arrays and records; no {@link NDArray} escapes.
 */
public final class Gpt2Model implements DecoderModel, AutoCloseable {

    /** Rows of the output head evaluated at once when scoring: bounds the [rows, vocab] temporaries. */
    private static final int HEAD_CHUNK = 128;

    /** Queries attended to at once in a long forward pass (see {@link #attendInBlocks}). */
    private static final int ATTENTION_BLOCK = 128;

    static {
        // Never reach for the network: the native library ships in the pytorch-native-cpu jar.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        NativeMemory.fixMmapThreshold();
    }

    private final String name;
    private final Path folder;
    private final Gpt2Config config;
    private final Gpt2Tokenizer tokenizer;
    private final NDManager manager;
    private final Gpt2Weights weights;
    /**
     * Whether gradients may flow through the forward pass (a {@link Gpt2Trainer}'s model): then it
     * makes new arrays where inference updates in place, since autograd needs the values it saved,
     * and scalar operands are arrays of the pass (see {@link #scaled}).
     */
    private final boolean training;

    private Gpt2Model(String name, Path folder, Gpt2Config config, Gpt2Tokenizer tokenizer, NDManager manager,
                      Gpt2Weights weights, boolean training) {
        this.name = name;
        this.folder = folder;
        this.config = config;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.weights = weights;
        this.training = training;
    }

    /**
     * A model over weights made in memory, to be trained (a {@link Gpt2Trainer}'s). Like a loaded model
     * it owns {@code manager} and {@code tokenizer}; it has no folder.
     */
    static Gpt2Model training(String name, Gpt2Config config, Gpt2Tokenizer tokenizer, NDManager manager,
                              Gpt2Weights weights) {
        return new Gpt2Model(name, null, config, tokenizer, manager, weights, true);
    }

    /**
     * Loads a model folder in the Hugging Face layout: {@code config.json}, {@code tokenizer.json} and
     * {@code model.safetensors} (or a sharded index).
     *
     * @param name what to call the model in output (a Hub id or the folder's name)
     */
    public static Gpt2Model load(Path folder, String name) throws ModelFormatException {
        if (!Files.isDirectory(folder)) {
            throw new ModelFormatException(folder + " is not a folder.");
        }
        Path configFile = folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(folder + " is not a model folder: it has no config.json.");
        }
        Gpt2Config config = Gpt2Config.read(configFile);
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.load(folder);
        if (tokenizer.vocabSize() > config.vocab()) {
            throw new ModelFormatException(folder.resolve("tokenizer.json") + " has " + tokenizer.vocabSize()
                    + " tokens but config.json says vocab_size is " + config.vocab() + ".");
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try (SafetensorsBundle bundle = SafetensorsBundle.open(folder)) {
            Gpt2Weights weights = Gpt2Weights.load(bundle, config, manager);
            return new Gpt2Model(name, folder, config, tokenizer, manager, weights, false);
        } catch (ModelFormatException | RuntimeException e) {
            manager.close();
            tokenizer.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public Path folder() {
        return folder;
    }

    public Gpt2Config config() {
        return config;
    }

    public Gpt2Tokenizer tokenizer() {
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

    @Override
    public int endOfTextId() {
        return tokenizer.endOfTextId() >= 0 ? tokenizer.endOfTextId() : config.eosId();
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
        return hidden.matMul(headTransposed);                   // [T, V]
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

    /** The output head on some rows of hidden states: [c, E] -> [c, V] logits, in the rows' manager. */
    NDArray headLogits(NDArray rows) {
        return rows.matMul(weights.headTransposed); // [c, V]
    }

    /** Logits at every position: [ids.length][vocab]. Meant for short inputs (tests, tools). */
    public float[][] logits(int[] ids) {
        checkIds(ids, 0);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray hidden = forward(scratch, ids, null);   // [T, E]
            NDArray logits = hidden.matMul(weights.headTransposed); // [T, V]
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
        NDArray headT = weights.headTransposed;               // [E, V]
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
                NDArray logits = rows.matMul(headT);                          // [c, V]
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

    /** The logit lens at one layer: the residual stream read through ln_f and the head. */
    private void lens(NDArray x, int afterLayer, int[] targets, int topK, Internals.Builder out) { // x: [T, E]
        int n = targets.length;
        int k = Math.max(1, Math.min(topK, config.vocab()));
        for (int from = 0; from < n; from += HEAD_CHUNK) {
            int to = Math.min(n, from + HEAD_CHUNK);
            try (NDManager chunk = x.getManager().newSubManager()) {
                NDArray rows = x.get(new NDIndex("{}:{}", from, to));
                rows.attach(chunk);
                NDArray logProbs = layerNorm(rows, weights.finalGain, weights.finalBias)
                        .matMul(weights.headTransposed).logSoftmax(1);                 // [c, V]
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
        return new Session(manager.newSubManager(), new KvCache(config.layers(), config.context()));
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

    /** Hidden states after the final LayerNorm for {@code ids} appended after the cache: [T, E]. */
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

    private NDArray forward(NDManager scratch, int[] ids, KvCache cache, java.util.function.BooleanSupplier cancel,
                            Probe probe) {
        int past = cache == null ? 0 : cache.length;
        int t = ids.length;
        long[] longIds = Arrays.stream(ids).asLongStream().toArray();
        NDArray x = weights.tokenEmbedding.get(scratch.create(longIds));                        // [T, E], a copy
        x.attach(scratch);
        NDArray positions = weights.positionEmbedding.get(new NDIndex("{}:{}", past, past + t)); // [T, E], a view
        x = accumulate(x, positions); // x is the residual stream from here on, updated in place
        if (!training) {
            positions.close();
        }
        Mask mask = t > 1 ? Mask.causal(scratch, t, past) : null;
        if (probe != null) {
            probe.residual(-1, x);
        }
        int last = probe == null ? weights.blocks.size() - 1 : probe.lastLayer();
        for (int layer = 0; layer <= last; layer++) {
            checkCancel(cancel);
            Gpt2Weights.Block b = weights.blocks.get(layer);
            if (training) {
                x = block(x, b, layer, cache, past, mask, probe); // every array lives until backward
                continue;
            }
            try (NDManager step = scratch.newSubManager()) {
                x.tempAttach(step); // what this block computes from x is freed with the block; x stays
                x = block(x, b, layer, cache, past, mask, probe);
            }
        }
        if (cache != null) {
            cache.length = past + t;
        }
        return layerNorm(x, weights.finalGain, weights.finalBias);
    }

    /** One transformer block on the residual stream x: x + attention(ln₁ x), then + mlp(ln₂ x). */
    private NDArray block(NDArray x, Gpt2Weights.Block b, int layer, KvCache cache, int past, Mask mask,
                          Probe probe) { // [T, E] -> [T, E]
        NDArray normed = layerNorm(x, b.ln1Gain(), b.ln1Bias());                        // [T, E]
        NDArray attended = attention(normed, b, layer, cache, past, mask, probe);       // [T, E]
        release(normed);
        x = accumulate(x, attended);
        normed = layerNorm(x, b.ln2Gain(), b.ln2Bias());
        NDArray mlpOut = mlp(normed, b);                                                // [T, E]
        release(normed);
        x = accumulate(x, mlpOut);
        if (probe != null) {
            probe.contributions(layer, attended, mlpOut);
            probe.residual(layer, x);
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

    private NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) { // [T, E] -> [T, E]
        return LayerNorm.layerNorm(x, new Shape(config.width()), gain, bias, config.layerNormEps()).singletonOrThrow();
    }

    /** A Conv1D layer as one fused engine call: x·W + b. */
    private NDArray linear(NDArray x, Gpt2Weights.Linear layer) { // [T, in] -> [T, out]
        if (training) { // the stored weight itself, so the gradient lands on it, not on a view made at load
            return x.matMul(layer.weightInOut()).add(layer.bias());
        }
        return ai.djl.nn.core.Linear.linear(x, layer.weightOutIn(), layer.bias()).singletonOrThrow();
    }

    /** Causal self-attention of [T, E] inputs over the cache and themselves: [T, E]. */
    private NDArray attention(NDArray x, Gpt2Weights.Block b, int layer, KvCache cache, int past, Mask mask,
                              Probe probe) {
        int t = (int) x.getShape().get(0);
        int headDim = config.headDim();
        NDArray qkv = linear(x, b.qkv());                                               // [T, 3E]
        NDList parts = qkv.split(3, 1);                                                 // 3 × [T, E], views
        NDArray q = scaled(splitHeads(parts.get(0), t), (float) (1.0 / Math.sqrt(headDim))); // [H, T, D], scaled in place
        NDArray k = splitHeads(parts.get(1), t);                                        // [H, T, D]
        NDArray v = splitHeads(parts.get(2), t);                                        // [H, T, D]
        if (cache != null) {
            k = cache.append(layer, 0, k, past);                                        // [H, S, D]
            v = cache.append(layer, 1, v, past);                                        // [H, S, D]
        }
        NDArray mixed = mask == null || probe != null || t <= ATTENTION_BLOCK
                ? attend(q, k, v, mask == null ? null : mask.full(), layer, probe)       // [H, T, D]
                : attendInBlocks(q, k, v, mask, past);                                  // [H, T, D]
        release(qkv);
        NDArray merged = mixed.transpose(1, 0, 2).reshape(t, (long) config.heads() * headDim); // [T, E]
        release(mixed);
        return linear(merged, b.attnProj());                                            // [T, E]
    }

    /** softmax(q·kᵀ + mask)·v, q already scaled by 1/√D: [H, T, D], [H, S, D], [H, S, D], [T, S] -> [H, T, D]. */
    private static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, int layer, Probe probe) {
        NDArray scores = q.matMul(k.transpose(0, 2, 1));                                // [H, T, S]
        if (mask != null) {
            scores.addi(mask);
        }
        NDArray weights = scores.softmax(2);                                            // [H, T, S]
        scores.close();
        if (probe != null) {
            probe.attention(layer, weights);
        }
        NDArray mixed = weights.matMul(v);                                              // [H, T, D]
        weights.close();
        return mixed;
    }

    /**
     * {@link #attend} a block of queries at a time, each over only the keys it may see: for T = 1,024
     * about half the products and softmax of the full [H, T, S] square, and no array larger than
     * [H, block, S]. The same numbers: masked keys weigh exactly 0 either way.
     */
    private static NDArray attendInBlocks(NDArray q, NDArray k, NDArray v, Mask mask, int past) {
        int t = (int) q.getShape().get(1);
        NDList blocks = new NDList();
        for (int from = 0, i = 0; from < t; from += ATTENTION_BLOCK, i++) {
            int to = Math.min(t, from + ATTENTION_BLOCK);
            int seen = past + to;                                                       // keys these queries may see
            NDArray qb = q.get(new NDIndex(":, {}:{}", from, to));                      // [H, b, D]
            NDArray kb = k.get(new NDIndex(":, :{}", seen));                            // [H, s, D]
            NDArray vb = v.get(new NDIndex(":, :{}", seen));                            // [H, s, D]
            blocks.add(attend(qb, kb, vb, mask.blocks()[i], -1, null));                 // [H, b, D]
            qb.close();
            kb.close();
            vb.close();
        }
        NDArray mixed = NDArrays.concat(blocks, 1);                                     // [H, T, D]
        blocks.close();
        return mixed;
    }

    private NDArray splitHeads(NDArray x, int t) { // [T, E] -> [H, T, D]
        return x.reshape(t, config.heads(), config.headDim()).transpose(1, 0, 2);
    }

    private NDArray mlp(NDArray x, Gpt2Weights.Block b) { // [T, E] -> [T, E]
        NDArray h = linear(x, b.fc());                                                  // [T, I]
        NDArray g = geluTanh(h);                                                        // [T, I]
        release(h);
        NDArray out = linear(g, b.mlpProj());                                           // [T, E]
        release(g);
        return out;
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
     * The causal mask of a forward pass, made once and shared by every layer: 0 where query i may see
     * key j (j ≤ past + i), −∞ elsewhere, whole ([T, S]) and as the rows of each block of queries
     * over the keys that block may see ([b, past + end of block]).
     */
    private record Mask(NDArray full, NDArray[] blocks) {
        static Mask causal(NDManager scratch, int t, int past) {
            NDArray full = causalMask(scratch, t, past);                                // [T, S]
            NDArray[] blocks = new NDArray[(t + ATTENTION_BLOCK - 1) / ATTENTION_BLOCK];
            for (int i = 0; i < blocks.length; i++) {
                int from = i * ATTENTION_BLOCK;
                int to = Math.min(t, from + ATTENTION_BLOCK);
                blocks[i] = full.get(new NDIndex("{}:{}, :{}", from, to, past + to));    // [b, past + to]
            }
            return new Mask(full, blocks);
        }
    }

    /** 0 where key j may be seen by query i (j ≤ past + i), −∞ elsewhere: [T, past + T]. */
    private static NDArray causalMask(NDManager scratch, int t, int past) {
        int s = past + t;
        float[] mask = new float[t * s];
        for (int i = 0; i < t; i++) {
            Arrays.fill(mask, i * s + past + i + 1, (i + 1) * s, Float.NEGATIVE_INFINITY);
        }
        return scratch.create(mask, new Shape(t, s));
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
        int length;
        NDManager owner;

        KvCache(int layers, int context) {
            this.buffers = new NDArray[layers][2];
            this.context = context;
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
            NDArray bigger = owner.zeros(new Shape(like.get(0), grown, like.get(2)));       // [H, capacity, D]
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
            try (NDManager scratch = sessionManager.newSubManager()) {
                NDArray hidden = forward(scratch, ids, cache);                        // [T, E]
                NDArray last = hidden.get(new NDIndex("{}", ids.length - 1));          // [E]
                return last.matMul(weights.headTransposed).toFloatArray();         // [V]
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
                cache.length = past; // positions written past it are overwritten by the next append
                throw e;
            }
            return out.build();
        }

        /** Forgets every cached position from {@code length} on, so the next append continues there. */
        public void truncate(int length) {
            if (length < 0) throw new IllegalArgumentException("A cache length cannot be negative: " + length + ".");
            cache.length = Math.min(cache.length, length);
        }

        @Override
        public Session fork() {
            NDManager copyManager = manager.newSubManager();
            KvCache copy = new KvCache(config.layers(), config.context());
            copy.length = cache.length;
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
