package org.tokenscope.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tokenscope.model.safetensors.DType;
import org.tokenscope.model.safetensors.FiniteCheck;
import org.tokenscope.model.safetensors.SafetensorsBundle;
import org.tokenscope.model.safetensors.TensorInfo;

/**
 * GPT-2's tensors as engine arrays, checked against {@code config.json}. F32 weights are handed to
 * the engine straight from the memory-mapped file (no copy on the Java heap, no second copy in
 * the engine); F16 and BF16 weights are widened to F32 once.
 */
final class Gpt2Weights {

    /** The tensors of one transformer block. Conv1D weights are stored [in, out]: y = x·W + b. */
    record Block(NDArray ln1Gain, NDArray ln1Bias,
                 NDArray qkvWeight, NDArray qkvBias,      // [E, 3E], [3E]
                 NDArray attnProjWeight, NDArray attnProjBias, // [E, E], [E]
                 NDArray ln2Gain, NDArray ln2Bias,
                 NDArray fcWeight, NDArray fcBias,         // [E, I], [I]
                 NDArray mlpProjWeight, NDArray mlpProjBias, // [I, E], [E]
                 Linear qkv, Linear attnProj, Linear fc, Linear mlpProj) {
    }

    /**
     * One Conv1D layer as torch's {@code linear} wants it: y = x·Wᵀ + b with W [out, in], here a
     * transposed view of the stored [in, out] weight (no copy), so that the engine runs one fused
     * {@code addmm} per layer instead of a matrix product and a separate bias pass.
     */
    record Linear(NDArray weightInOut, NDArray weightOutIn, NDArray bias) { // [in, out], [out, in], [out]
        static Linear of(NDArray weightInOut, NDArray bias) {
            return new Linear(weightInOut, weightInOut.transpose(), bias);
        }
    }

    final NDArray tokenEmbedding;    // [V, E]
    final NDArray positionEmbedding; // [P, E]
    final List<Block> blocks;
    final NDArray finalGain;
    final NDArray finalBias;
    final NDArray head;              // [V, E]: wte itself when tied
    final NDArray headTransposed;    // [E, V]: a view of head, made once
    final long parameterCount;
    /** Every tensor above by its bare name ({@code h.0.attn.c_attn.weight}), in file order; the head is wte's. */
    final Map<String, NDArray> named;
    /** The mapped file regions that F32 arrays point into; they must outlive the arrays. */
    private final List<ByteBuffer> pinned;

    private Gpt2Weights(Map<String, NDArray> arrays, NDArray head, int layers, long parameterCount,
                        List<ByteBuffer> pinned) {
        this.tokenEmbedding = arrays.get("wte.weight");
        this.positionEmbedding = arrays.get("wpe.weight");
        List<Block> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "h." + i + ".";
            list.add(new Block(arrays.get(p + "ln_1.weight"), arrays.get(p + "ln_1.bias"),
                    arrays.get(p + "attn.c_attn.weight"), arrays.get(p + "attn.c_attn.bias"),
                    arrays.get(p + "attn.c_proj.weight"), arrays.get(p + "attn.c_proj.bias"),
                    arrays.get(p + "ln_2.weight"), arrays.get(p + "ln_2.bias"),
                    arrays.get(p + "mlp.c_fc.weight"), arrays.get(p + "mlp.c_fc.bias"),
                    arrays.get(p + "mlp.c_proj.weight"), arrays.get(p + "mlp.c_proj.bias"),
                    Linear.of(arrays.get(p + "attn.c_attn.weight"), arrays.get(p + "attn.c_attn.bias")),
                    Linear.of(arrays.get(p + "attn.c_proj.weight"), arrays.get(p + "attn.c_proj.bias")),
                    Linear.of(arrays.get(p + "mlp.c_fc.weight"), arrays.get(p + "mlp.c_fc.bias")),
                    Linear.of(arrays.get(p + "mlp.c_proj.weight"), arrays.get(p + "mlp.c_proj.bias"))));
        }
        this.blocks = List.copyOf(list);
        this.finalGain = arrays.get("ln_f.weight");
        this.finalBias = arrays.get("ln_f.bias");
        this.head = head;
        this.headTransposed = head.transpose();
        this.parameterCount = parameterCount;
        this.named = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        this.pinned = pinned;
    }

    /**
     * Fresh weights to train, initialised as GPT-2 was: embeddings and matrices normal(0, 0.02), the
     * two projections that write into the residual stream ({@code attn.c_proj}, {@code mlp.c_proj})
     * normal(0, 0.02/√(2·layers)), biases 0, LayerNorm gains 1. Every array requires a gradient;
     * the head is tied to {@code wte}. The same seed gives the same weights.
     */
    static Gpt2Weights initialised(Gpt2Config config, NDManager manager, long seed) {
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
        return new Gpt2Weights(arrays, arrays.get("wte.weight"), config.layers(), parameters, List.of());
    }

    /** The shape every tensor must have, by its bare name, in file order. */
    static Map<String, long[]> expectedShapes(Gpt2Config c) {
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

    /**
     * Loads and checks every tensor. Accepts bare names ({@code h.0.attn.c_attn.weight}) and the
     * {@code transformer.} prefix that transformers writes; ignores the causal-mask buffers; ties
     * the head to {@code wte} when {@code lm_head.weight} is absent or identical.
     */
    static Gpt2Weights load(SafetensorsBundle bundle, Gpt2Config config, NDManager manager)
            throws ModelFormatException {
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, String> fileNameOf = new LinkedHashMap<>(); // bare name -> name in the file
        String headName = null;
        for (String stored : bundle.tensors().keySet()) {
            String bare = stored.startsWith("transformer.") ? stored.substring("transformer.".length()) : stored;
            if (isMaskBuffer(bare)) {
                continue;
            }
            if (bare.equals("lm_head.weight")) {
                headName = stored;
                continue;
            }
            if (!expected.containsKey(bare)) {
                throw new ModelFormatException(bundle.file(stored) + " has an unexpected tensor '" + stored
                        + "' for a GPT-2 with " + config.layers() + " layers.");
            }
            if (fileNameOf.put(bare, stored) != null) {
                throw new ModelFormatException(bundle.file(stored) + " has tensor '" + bare
                        + "' twice (with and without the 'transformer.' prefix).");
            }
        }
        for (String bare : expected.keySet()) {
            if (!fileNameOf.containsKey(bare)) {
                throw new ModelFormatException("The model's weights lack tensor '" + bare + "' (looked in "
                        + bundle.files() + ").");
            }
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        List<ByteBuffer> pinned = new ArrayList<>();
        long parameters = 0;
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            String stored = fileNameOf.get(entry.getKey());
            TensorInfo info = bundle.tensors().get(stored);
            checkShape(bundle, info, entry.getValue());
            arrays.put(entry.getKey(), toArray(bundle, info, manager, pinned));
            parameters += info.elementCount();
            seen.add(stored);
        }
        NDArray head = arrays.get("wte.weight");
        if (headName != null) {
            TensorInfo info = bundle.tensors().get(headName);
            checkShape(bundle, info, expected.get("wte.weight"));
            TensorInfo wte = bundle.tensors().get(fileNameOf.get("wte.weight"));
            boolean tied = info.dtype() == wte.dtype() && bundle.data(headName).equals(bundle.data(wte.name()));
            if (!tied) {
                head = toArray(bundle, info, manager, pinned);
                parameters += info.elementCount();
            }
        }
        return new Gpt2Weights(arrays, head, config.layers(), parameters, pinned);
    }

    private static boolean isMaskBuffer(String bare) {
        return bare.startsWith("h.") && (bare.endsWith(".attn.bias") || bare.endsWith(".attn.masked_bias"));
    }

    private static void checkShape(SafetensorsBundle bundle, TensorInfo info, long[] want)
            throws ModelFormatException {
        if (!Arrays.equals(info.shape(), want)) {
            throw new ModelFormatException(bundle.file(info.name()) + ": tensor '" + info.name() + "' has shape "
                    + Arrays.toString(info.shape()) + " but config.json implies " + Arrays.toString(want) + ".");
        }
    }

    private static NDArray toArray(SafetensorsBundle bundle, TensorInfo info, NDManager manager,
                                   List<ByteBuffer> pinned) throws ModelFormatException {
        FiniteCheck.requireFinite(bundle, info.name());
        Shape shape = new Shape(info.shape());
        ByteBuffer data = bundle.data(info.name()).order(ByteOrder.LITTLE_ENDIAN);
        DataType type = switch (info.dtype()) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
            default -> throw new ModelFormatException(bundle.file(info.name()) + ": tensor '" + info.name()
                    + "' is stored as " + info.dtype() + "; GPT-2 weights must be F32, F16 or BF16.");
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
            pinned.add(data); // the array reads the mapped file; keep the mapping alive
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
