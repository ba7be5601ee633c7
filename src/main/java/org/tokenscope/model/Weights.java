package org.tokenscope.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tokenscope.model.ModelConfig.Family;
import org.tokenscope.model.quant.Q8Matrix;
import org.tokenscope.model.quant.TensorRows;
import org.tokenscope.model.safetensors.DType;
import org.tokenscope.model.safetensors.FiniteCheck;
import org.tokenscope.model.safetensors.SafetensorsBundle;
import org.tokenscope.model.safetensors.TensorInfo;

/**
 * A decoder's tensors as engine arrays, named as transformers saves them and checked against
 * {@code config.json}. F32 weights are handed to the engine straight from the memory-mapped file
 * (no copy on the Java heap, no second copy in the engine); F16 and BF16 weights are widened to F32
 * once. Each weight is held once: a tied head is the embedding itself.
 */
final class Weights {

    /** A norm's gain and (LayerNorm only) bias: [E] or [D]. */
    record NormWeights(NDArray gain, NDArray bias) {
    }

    /**
     * One linear layer, y = x·Wᵀ + b with W [out, in], held as the model's {@link WeightFormat}:
     * {@code weights} is what inference multiplies by. {@code stored} is the float32 array as the file
     * has it (GPT-2's Conv1D: [in, out]), what training updates; null when the matrix is held in
     * bf16 or q8 only.
     */
    record Linear(NDArray stored, boolean storedInOut, NDArray bias, LinearWeights weights) { // bias [out] or null
    }

    /**
     * One transformer block. GPT-2 has a fused {@code qkv}; the others separate q, k, v. Norms after
     * attention and after the MLP exist only in Gemma 3 (its "sandwich"); q/k norms only in Qwen3
     * and Gemma 3; the gate only in gated MLPs ({@code up} is GPT-2's c_fc, {@code down} its c_proj).
     */
    record Block(NormWeights attnNorm, NormWeights attnOutNorm, NormWeights mlpNorm, NormWeights mlpOutNorm,
                 Linear qkv, Linear q, Linear k, Linear v, Linear o, NDArray qNorm, NDArray kNorm,
                 Linear gate, Linear up, Linear down) {
    }

    final NDArray tokenEmbedding;    // [V, E] float32; null when held as bf16/q8 (then only in embedding)
    final LinearWeights embedding;   // [V, E] in the model's format: its rows are the lookups
    final NDArray positionEmbedding; // [P, E], learned positions only (else null); float32 in every format
    final List<Block> blocks;
    final NormWeights finalNorm;
    final NDArray head;              // [V, E] float32: the token embedding itself when tied; null unless f32
    final NDArray headTransposed;    // [E, V]: a view of head, made once; null unless f32
    final LinearWeights headWeights; // [V, E] in the model's format: the embedding's own when tied
    final WeightFormat format;
    final long parameterCount;
    /** Every tensor by its name without the family's prefix, in file order; the head is the embedding's when tied. */
    final Map<String, NDArray> named;
    /** The mapped file regions and widened buffers that arrays point into; they must outlive the arrays. */
    private final List<ByteBuffer> pinned;

    private Weights(ModelConfig config, Map<String, NDArray> a, Packed packed, NDArray head, long parameterCount,
                    List<ByteBuffer> pinned) {
        List<Block> list = new ArrayList<>();
        this.format = packed.format;
        if (config.family() == Family.GPT2) {
            this.tokenEmbedding = a.get("wte.weight");
            this.positionEmbedding = a.get("wpe.weight");
            for (int i = 0; i < config.layers(); i++) {
                String p = "h." + i + ".";
                list.add(new Block(norm(a, p + "ln_1"), null, norm(a, p + "ln_2"), null,
                        linear(a, packed, p + "attn.c_attn", true), null, null, null,
                        linear(a, packed, p + "attn.c_proj", true), null, null, null,
                        linear(a, packed, p + "mlp.c_fc", true),
                        linear(a, packed, p + "mlp.c_proj", true)));
            }
            this.finalNorm = norm(a, "ln_f");
        } else {
            boolean sandwich = config.sandwichNorm();
            boolean plusOne = config.norm() == ModelConfig.Norm.RMS_PLUS_ONE;
            this.tokenEmbedding = a.get("embed_tokens.weight");
            this.positionEmbedding = null;
            for (int i = 0; i < config.layers(); i++) {
                String p = "layers." + i + ".";
                String attn = p + "self_attn.";
                String mlp = p + "mlp.";
                list.add(new Block(norm(a, p + "input_layernorm", plusOne),
                        sandwich ? norm(a, p + "post_attention_layernorm", plusOne) : null,
                        norm(a, p + (sandwich ? "pre_feedforward_layernorm" : "post_attention_layernorm"), plusOne),
                        sandwich ? norm(a, p + "post_feedforward_layernorm", plusOne) : null,
                        null, linear(a, packed, attn + "q_proj", false), linear(a, packed, attn + "k_proj", false),
                        linear(a, packed, attn + "v_proj", false), linear(a, packed, attn + "o_proj", false),
                        gain(a.get(attn + "q_norm.weight"), plusOne), gain(a.get(attn + "k_norm.weight"), plusOne),
                        linear(a, packed, mlp + "gate_proj", false), linear(a, packed, mlp + "up_proj", false),
                        linear(a, packed, mlp + "down_proj", false)));
            }
            this.finalNorm = norm(a, "norm", plusOne);
        }
        this.blocks = List.copyOf(list);
        String embeddingName = embeddingName(config);
        this.embedding = packed.layers.containsKey(embeddingName) ? packed.layers.get(embeddingName)
                : new LinearWeights.F32(tokenEmbedding, null);
        this.head = head;
        this.headTransposed = head == null ? null : head.transpose();
        this.headWeights = packed.head != null ? packed.head
                : head == tokenEmbedding ? embedding : new LinearWeights.F32(head, null);
        this.parameterCount = parameterCount;
        this.named = Collections.unmodifiableMap(new LinkedHashMap<>(a));
        this.pinned = pinned;
    }

    private static NormWeights norm(Map<String, NDArray> a, String name) {
        return new NormWeights(a.get(name + ".weight"), a.get(name + ".bias"));
    }

    private static NormWeights norm(Map<String, NDArray> a, String name, boolean plusOne) {
        return new NormWeights(gain(a.get(name + ".weight"), plusOne), null);
    }

    /** Gemma's RMSNorm multiplies by (1 + w): that gain, made once here ([N] arrays, next to nothing). */
    private static NDArray gain(NDArray w, boolean plusOne) {
        return w == null || !plusOne ? w : w.add(1f);
    }

    /** Layer {@code name}: its packed weights when the format packs them, else its float32 array (a view [out, in]). */
    private static Linear linear(Map<String, NDArray> a, Packed packed, String name, boolean storedInOut) {
        NDArray bias = a.get(name + ".bias");
        LinearWeights held = packed.layers.get(name + ".weight");
        if (held != null) {
            return new Linear(null, storedInOut, bias, held.withBias(bias));
        }
        NDArray stored = a.get(name + ".weight");
        return new Linear(stored, storedInOut, bias, new LinearWeights.F32(storedInOut ? stored.transpose() : stored, bias));
    }

    /**
     * The matrices held in a format other than float32 (by tensor name), and an untied head; empty for f32.
     * Shares one scratch buffer among them (see {@link LinearWeights.Scratch}).
     */
    private record Packed(WeightFormat format, Map<String, LinearWeights> layers, LinearWeights head) {
        static Packed f32() {
            return new Packed(WeightFormat.F32, Map.of(), null);
        }
    }

    private static String embeddingName(ModelConfig c) {
        return c.family() == Family.GPT2 ? "wte.weight" : "embed_tokens.weight";
    }

    /**
     * Whether a format other than f32 holds this tensor: every 2-D weight — the linear layers and the
     * token embedding (which the tied head multiplies by) — but not GPT-2's position embedding, which is
     * only ever added.
     */
    /** Whether the file holds matrix {@code bare} as [in, out] (GPT-2's Conv1D layers) rather than [out, in]. */
    private static boolean storedInOut(ModelConfig c, String bare) {
        return c.family() == Family.GPT2 && !bare.equals("wte.weight");
    }

    private static boolean packs(ModelConfig c, String bare, long[] shape) {
        return shape.length == 2 && !bare.equals("wpe.weight");
    }

    /**
     * Fresh GPT-2 weights to train, initialised as GPT-2 was: embeddings and matrices normal(0, 0.02),
     * the two projections that write into the residual stream ({@code attn.c_proj}, {@code mlp.c_proj})
     * normal(0, 0.02/√(2·layers)), biases 0, LayerNorm gains 1. Every array requires a gradient;
     * the head is tied to {@code wte}. The same seed gives the same weights.
     */
    static Weights initialised(ModelConfig config, NDManager manager, long seed) {
        Random random = new Random(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.layers());
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        long parameters = 0;
        for (Map.Entry<String, long[]> entry : expectedShapes(config).entrySet()) {
            String name = entry.getKey();
            long[] shape = entry.getValue();
            float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
            if (shape.length == 2) {
                double std = name.endsWith(".c_proj.weight") ? residualStd : 0.02;
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            } else if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.equals("ln_f.weight")) {
                Arrays.fill(values, 1f);
            }
            NDArray array = manager.create(values, new Shape(shape));
            array.setRequiresGradient(true);
            arrays.put(name, array);
            parameters += values.length;
        }
        return new Weights(config, arrays, Packed.f32(), arrays.get("wte.weight"), parameters, List.of());
    }

    /** The shape every tensor must have, by its name without the family's prefix, in file order. */
    static Map<String, long[]> expectedShapes(ModelConfig c) {
        return c.family() == Family.GPT2 ? gpt2Shapes(c) : decoderShapes(c);
    }

    private static Map<String, long[]> gpt2Shapes(ModelConfig c) {
        long e = c.width();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new long[] {c.vocab(), e});
        shapes.put("wpe.weight", new long[] {c.context(), e});
        for (int i = 0; i < c.layers(); i++) {
            String p = "h." + i + ".";
            shapes.put(p + "ln_1.weight", new long[] {e});
            shapes.put(p + "ln_1.bias", new long[] {e});
            shapes.put(p + "attn.c_attn.weight", new long[] {e, 3 * e});
            shapes.put(p + "attn.c_attn.bias", new long[] {3 * e});
            shapes.put(p + "attn.c_proj.weight", new long[] {e, e});
            shapes.put(p + "attn.c_proj.bias", new long[] {e});
            shapes.put(p + "ln_2.weight", new long[] {e});
            shapes.put(p + "ln_2.bias", new long[] {e});
            shapes.put(p + "mlp.c_fc.weight", new long[] {e, c.inner()});
            shapes.put(p + "mlp.c_fc.bias", new long[] {c.inner()});
            shapes.put(p + "mlp.c_proj.weight", new long[] {c.inner(), e});
            shapes.put(p + "mlp.c_proj.bias", new long[] {e});
        }
        shapes.put("ln_f.weight", new long[] {e});
        shapes.put("ln_f.bias", new long[] {e});
        return shapes;
    }

    /** Llama's names (transformers' LlamaForCausalLM without the {@code model.} prefix), and each family's extras. */
    private static Map<String, long[]> decoderShapes(ModelConfig c) {
        long e = c.width();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("embed_tokens.weight", new long[] {c.vocab(), e});
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            String a = p + "self_attn.";
            shapes.put(p + "input_layernorm.weight", new long[] {e});
            shapes.put(a + "q_proj.weight", new long[] {q, e});
            shapes.put(a + "k_proj.weight", new long[] {kv, e});
            shapes.put(a + "v_proj.weight", new long[] {kv, e});
            if (c.qkvBias()) {
                shapes.put(a + "q_proj.bias", new long[] {q});
                shapes.put(a + "k_proj.bias", new long[] {kv});
                shapes.put(a + "v_proj.bias", new long[] {kv});
            }
            shapes.put(a + "o_proj.weight", new long[] {e, q});
            if (c.outBias()) {
                shapes.put(a + "o_proj.bias", new long[] {e});
            }
            if (c.qkNorm()) {
                shapes.put(a + "q_norm.weight", new long[] {c.headDim()});
                shapes.put(a + "k_norm.weight", new long[] {c.headDim()});
            }
            shapes.put(p + "post_attention_layernorm.weight", new long[] {e});
            if (c.sandwichNorm()) {
                shapes.put(p + "pre_feedforward_layernorm.weight", new long[] {e});
                shapes.put(p + "post_feedforward_layernorm.weight", new long[] {e});
            }
            String m = p + "mlp.";
            shapes.put(m + "gate_proj.weight", new long[] {c.inner(), e});
            shapes.put(m + "up_proj.weight", new long[] {c.inner(), e});
            shapes.put(m + "down_proj.weight", new long[] {e, c.inner()});
            if (c.mlpBias()) {
                shapes.put(m + "gate_proj.bias", new long[] {c.inner()});
                shapes.put(m + "up_proj.bias", new long[] {c.inner()});
                shapes.put(m + "down_proj.bias", new long[] {e});
            }
        }
        shapes.put("norm.weight", new long[] {e});
        return shapes;
    }

    /** The prefix transformers writes before the body's names, which a file may or may not carry. */
    private static String prefix(ModelConfig c) {
        return c.family() == Family.GPT2 ? "transformer." : "model.";
    }

    /** Buffers some checkpoints carry that are not weights: GPT-2's causal masks, old RoPE tables. */
    private static boolean isBuffer(ModelConfig c, String bare) {
        if (c.family() == Family.GPT2) {
            return bare.startsWith("h.") && (bare.endsWith(".attn.bias") || bare.endsWith(".attn.masked_bias"));
        }
        return bare.endsWith(".rotary_emb.inv_freq");
    }

    /**
     * Loads and checks every tensor. Accepts names with and without the family's prefix
     * ({@code transformer.} for GPT-2, {@code model.} for the others); ignores buffers; ties the head
     * to the embedding when {@code lm_head.weight} is absent or identical.
     */
    static Weights load(TensorSource bundle, ModelConfig config, NDManager manager) throws ModelFormatException {
        return load(bundle, config, manager, WeightFormat.F32, LoadProgress.NONE);
    }

    /**
     * Loads as {@link #load(TensorSource, ModelConfig, NDManager)} does, holding the 2-D weights
     * in {@code format}: bf16 and q8 read each matrix from the mapped file a row at a time and keep
     * only their own copy (no float32 array of it is ever made). {@code progress} hears of each tensor.
     */
    static Weights load(TensorSource bundle, ModelConfig config, NDManager manager, WeightFormat format,
                        LoadProgress progress) throws ModelFormatException {
        Map<String, long[]> expected = expectedShapes(config);
        String prefix = prefix(config);
        Map<String, String> fileNameOf = new LinkedHashMap<>(); // bare name -> name in the file
        String headName = null;
        for (String stored : bundle.tensors().keySet()) {
            String bare = stored.startsWith(prefix) ? stored.substring(prefix.length()) : stored;
            if (isBuffer(config, bare)) {
                continue;
            }
            if (bare.equals("lm_head.weight")) {
                headName = stored;
                continue;
            }
            if (!expected.containsKey(bare)) {
                throw new ModelFormatException(bundle.file(stored) + " has an unexpected tensor '" + stored
                        + "' for a " + config.family().architecture + " with " + config.layers() + " layers.");
            }
            if (fileNameOf.put(bare, stored) != null) {
                throw new ModelFormatException(bundle.file(stored) + " has tensor '" + bare
                        + "' twice (with and without the '" + prefix + "' prefix).");
            }
        }
        for (String bare : expected.keySet()) {
            if (!fileNameOf.containsKey(bare)) {
                throw new ModelFormatException("The model's weights lack tensor '" + prefix(config) + bare
                        + "' (looked in " + bundle.files() + ").");
            }
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, LinearWeights> packedLayers = new LinkedHashMap<>();
        LinearWeights.Scratch scratch = new LinearWeights.Scratch();
        List<ByteBuffer> pinned = new ArrayList<>();
        long parameters = 0;
        long total = expected.values().stream().mapToLong(s -> Arrays.stream(s).reduce(1, Math::multiplyExact)).sum();
        List<int[]> packedShapes = new ArrayList<>(); // [out, in] of each matrix to pack, in the order packed
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            long[] s = entry.getValue();
            if (format == WeightFormat.Q8 && packs(config, entry.getKey(), s)) {
                packedShapes.add(storedInOut(config, entry.getKey()) ? new int[] {(int) s[1], (int) s[0]}
                        : new int[] {(int) s[0], (int) s[1]});
            }
        }
        Q8Matrix.Arena arena = packedShapes.isEmpty() ? null : new Q8Matrix.Arena(packedShapes);
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            String stored = fileNameOf.get(entry.getKey());
            TensorInfo info = bundle.tensors().get(stored);
            checkShape(bundle, info, entry.getValue());
            if (format != WeightFormat.F32 && packs(config, entry.getKey(), entry.getValue())) {
                packedLayers.put(entry.getKey(), pack(bundle, info, format, storedInOut(config, entry.getKey()), scratch, arena));
            } else {
                arrays.put(entry.getKey(), toArray(bundle, info, manager, pinned));
            }
            parameters += info.elementCount();
            progress.loaded(entry.getKey(), parameters, total);
        }
        String embedding = embeddingName(config);
        NDArray head = arrays.get(embedding);
        LinearWeights packedHead = null;
        if (headName != null) {
            TensorInfo info = bundle.tensors().get(headName);
            checkShape(bundle, info, expected.get(embedding));
            TensorInfo wte = bundle.tensors().get(fileNameOf.get(embedding));
            boolean tied = info.dtype() == wte.dtype() && bundle.data(headName).equals(bundle.data(wte.name()));
            if (!tied) {
                if (format == WeightFormat.F32) {
                    head = toArray(bundle, info, manager, pinned);
                } else {
                    packedHead = pack(bundle, info, format, false, scratch, null);
                }
                parameters += info.elementCount();
            }
        } else if (!config.tiedHead() && config.family() != Family.GPT2) {
            throw new ModelFormatException("The model's weights lack tensor 'lm_head.weight' (config.json says "
                    + "tie_word_embeddings is false; looked in " + bundle.files() + ").");
        }
        return new Weights(config, arrays, new Packed(format, packedLayers, packedHead), head, parameters, pinned);
    }

    /** One matrix in bf16 or q8, read a row at a time from the file: [out, in] (GPT-2's Conv1D transposed). */
    private static LinearWeights pack(TensorSource bundle, TensorInfo info, WeightFormat format, boolean storedInOut,
                                      LinearWeights.Scratch scratch, Q8Matrix.Arena arena) throws ModelFormatException {
        if (info.dtype() != DType.F32 && info.dtype() != DType.F16 && info.dtype() != DType.BF16) {
            throw new ModelFormatException(bundle.file(info.name()) + ": tensor '" + info.name()
                    + "' is stored as " + info.dtype() + "; weights must be F32, F16 or BF16.");
        }
        // a BF16 file kept as bf16 is copied bit for bit from its mapping; everything else is read a
        // block of rows at a time, so the float32 source's pages never count in our memory
        boolean copied = format == WeightFormat.BF16 && info.dtype() == DType.BF16 && !storedInOut;
        TensorRows rows = copied ? TensorRows.of(bundle.data(info.name()), info.dtype(), info.shape(), false)
                : TensorRows.of((offset, dst) -> {
                    try {
                        bundle.read(info.name(), offset, dst);
                    } catch (ModelFormatException e) {
                        throw new java.io.IOException(e.getMessage(), e);
                    }
                }, info.dtype(), info.shape(), storedInOut);
        try {
            return LinearWeights.of(format, rows, null, null, scratch, arena);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(bundle.file(info.name()) + ": tensor '" + info.name() + "': " + e.getMessage() + ".");
        } catch (java.io.UncheckedIOException e) {
            throw new ModelFormatException(bundle.file(info.name()) + ": tensor '" + info.name() + "' cannot be read: "
                    + e.getCause().getMessage(), e);
        }
    }

    /** Hears of each tensor as it is loaded (and quantized): a progress bar for large models. */
    @FunctionalInterface
    interface LoadProgress {
        LoadProgress NONE = (name, done, total) -> { };

        /** {@code done} of {@code total} parameters are loaded, the last one in tensor {@code name}. */
        void loaded(String name, long done, long total);
    }

    private static void checkShape(TensorSource bundle, TensorInfo info, long[] want)
            throws ModelFormatException {
        if (!Arrays.equals(info.shape(), want)) {
            throw new ModelFormatException(bundle.file(info.name()) + ": tensor '" + info.name() + "' has shape "
                    + Arrays.toString(info.shape()) + " but config.json implies " + Arrays.toString(want) + ".");
        }
    }

    private static NDArray toArray(TensorSource bundle, TensorInfo info, NDManager manager,
                                   List<ByteBuffer> pinned) throws ModelFormatException {
        // one mapping for the check and the array: each data() call maps the region again, and a page
        // the check touched in a second mapping stays resident (and counted) until that buffer is collected
        ByteBuffer data = bundle.data(info.name()).order(ByteOrder.LITTLE_ENDIAN);
        FiniteCheck.requireFinite(String.valueOf(bundle.file(info.name())), info, data);
        Shape shape = new Shape(info.shape());
        DataType type = switch (info.dtype()) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
            default -> throw new ModelFormatException(bundle.file(info.name()) + ": tensor '" + info.name()
                    + "' is stored as " + info.dtype() + "; weights must be F32, F16 or BF16.");
        };
        if (type == DataType.BFLOAT16) {
            // DJL's PyTorch engine aborts the process on bfloat16 buffers, so widen here: f32 bits = bf16 << 16.
            data = widenBf16(data);
            type = DataType.FLOAT32;
        }
        if (data.alignmentOffset(0, type.getNumOfBytes()) != 0) {
            ByteBuffer aligned = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            aligned.put(data.duplicate()).flip();
            data = aligned;
        }
        NDArray stored = manager.create(data, shape, type);
        if (type == DataType.FLOAT32) {
            pinned.add(data); // the array reads the mapped file (or the widened buffer); keep it alive
            return stored;
        }
        NDArray widened = stored.toType(DataType.FLOAT32, false);
        stored.close();
        return widened;
    }

    private static ByteBuffer widenBf16(ByteBuffer bf16) { // [n] bf16 -> [n] f32, off-heap
        ByteBuffer in = bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = in.remaining() / 2;
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out.putInt((in.getShort() & 0xFFFF) << 16);
        }
        return out.flip();
    }

    /** Keeps the mapped regions reachable until the arrays that read them are closed. */
    int pinnedRegions() {
        return pinned.size();
    }
}
