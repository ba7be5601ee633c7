package org.tokenscope.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One decoder's shape and parts, read from a Hugging Face {@code config.json}: the family is data
 * (norm, positions, MLP, attention layout), not a subclass. Each family's differences from the
 * Llama baseline are a few named fields, set in {@link #read} next to the transformers file they
 * come from ({@code modeling_gpt2.py}, {@code modeling_llama.py}, {@code modeling_mistral.py},
 * {@code modeling_qwen2.py}, {@code modeling_qwen3.py}, {@code modeling_gemma3.py}).
 *
 * @param family which architecture the file named
 * @param layers transformer blocks
 * @param heads query heads per block
 * @param kvHeads key/value heads per block (grouped-query attention when fewer than {@code heads})
 * @param width residual stream width (hidden size)
 * @param headDim width of one head (explicit {@code head_dim}, else width / heads)
 * @param inner MLP hidden width
 * @param context maximum positions
 * @param vocab vocabulary size (rows of the embedding and the head)
 * @param norm LayerNorm, RMSNorm, or Gemma's RMSNorm with (1 + w)
 * @param normEps the norms' epsilon
 * @param ropeTheta RoPE base of global (full-attention) layers; 0 with learned positions
 * @param localRopeTheta RoPE base of sliding-window layers (Gemma 3's {@code rope_local_base_freq})
 * @param ropeScaling how global layers' frequencies are rescaled, or null
 * @param activation the MLP's activation (of the gate, in a gated MLP)
 * @param gatedMlp SwiGLU/GeGLU (gate, up, down) rather than GPT-2's fc, proj
 * @param qkvBias q, k and v projections carry biases (Qwen2; GPT-2's fused c_attn)
 * @param outBias the attention output projection carries a bias
 * @param mlpBias the MLP's projections carry biases
 * @param qkNorm per-head RMSNorm of queries and keys before RoPE (Qwen3, Gemma 3)
 * @param sandwichNorm norms after attention and after the MLP as well as before (Gemma 3)
 * @param queryScale what queries are multiplied by (1/√headDim, or Gemma's query_pre_attn_scalar^-½)
 * @param slidingWindow keys a sliding-window layer sees, the query's own included; 0 for none
 * @param slidingLayers which layers use the sliding window
 * @param embedScale what token embeddings are multiplied by (√width for Gemma, else 1)
 * @param tiedHead the output head is the token embedding
 * @param finalSoftcap logits ← cap·tanh(logits / cap) when positive
 * @param attnSoftcap attention scores ← cap·tanh(scores / cap) when positive
 * @param eosIds end-of-sequence ids from config.json (may be several; may be empty)
 * @param bosId begin-of-sequence id from config.json, or -1
 */
public record ModelConfig(Family family, int layers, int heads, int kvHeads, int width, int headDim, int inner,
                          int context, int vocab, Norm norm, float normEps, double ropeTheta, double localRopeTheta,
                          RopeScaling ropeScaling, Activation activation, boolean gatedMlp, boolean qkvBias,
                          boolean outBias, boolean mlpBias, boolean qkNorm, boolean sandwichNorm, double queryScale,
                          int slidingWindow, boolean[] slidingLayers, float embedScale, boolean tiedHead,
                          float finalSoftcap, float attnSoftcap, int[] eosIds, int bosId) {

    /** The architectures we run, by the name transformers writes in {@code architectures}. */
    public enum Family {
        GPT2("GPT2LMHeadModel", "gpt2"),
        LLAMA("LlamaForCausalLM", "llama"),
        MISTRAL("MistralForCausalLM", "mistral"),
        QWEN2("Qwen2ForCausalLM", "qwen2"),
        QWEN3("Qwen3ForCausalLM", "qwen3"),
        GEMMA3("Gemma3ForCausalLM", "gemma3_text");

        public final String architecture;
        public final String modelType;

        Family(String architecture, String modelType) {
            this.architecture = architecture;
            this.modelType = modelType;
        }

        static String supported() {
            List<String> names = new ArrayList<>();
            for (Family f : values()) {
                names.add(f.architecture);
            }
            return String.join(", ", names);
        }
    }

    public enum Norm { LAYER, RMS, RMS_PLUS_ONE }

    public enum Activation {
        /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): gelu_new, gelu_pytorch_tanh. */
        GELU_TANH,
        /** x·Φ(x): exact gelu. */
        GELU,
        /** x·σ(x). */
        SILU
    }

    /**
     * How RoPE frequencies of global layers are rescaled ({@code rope_scaling}): {@code linear}
     * divides every frequency by {@code factor}; {@code llama3} divides only the low ones and
     * blends the middle band (see {@link Rope}).
     */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalContext) {
    }

    public ModelConfig {
        slidingLayers = slidingLayers.clone();
        eosIds = eosIds.clone();
    }

    /** A GPT-2 of these sizes (what {@link Gpt2Config} describes), as one configuration of the decoder. */
    public static ModelConfig gpt2(Gpt2Config c) {
        return new ModelConfig(Family.GPT2, c.layers(), c.heads(), c.heads(), c.width(), c.headDim(), c.inner(),
                c.context(), c.vocab(), Norm.LAYER, c.layerNormEps(), 0, 0, null, Activation.GELU_TANH, false,
                true, true, true, false, false, 1 / Math.sqrt(c.headDim()), 0, new boolean[c.layers()], 1f, true,
                0f, 0f, c.eosId() >= 0 ? new int[] {c.eosId()} : new int[0], -1);
    }

    public boolean learnedPositions() {
        return family == Family.GPT2;
    }

    /** Whether layer {@code layer} attends through the sliding window. */
    public boolean sliding(int layer) {
        return slidingWindow > 0 && slidingLayers[layer];
    }

    /** The first end-of-sequence id, or -1. */
    public int eosId() {
        return eosIds.length > 0 ? eosIds[0] : -1;
    }

    /** GPT-2's {@code layer_norm_epsilon} (kept under its old name for GPT-2's callers). */
    public float layerNormEps() {
        return normEps;
    }

    @Override
    public boolean[] slidingLayers() {
        return slidingLayers.clone();
    }

    @Override
    public int[] eosIds() {
        return eosIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "ModelConfig[" + family + ", layers=" + layers + ", heads=" + heads + "/" + kvHeads + ", width=" + width
                + ", headDim=" + headDim + ", inner=" + inner + ", context=" + context + ", vocab=" + vocab + ", norm="
                + norm + "(" + normEps + "), rope=" + ropeTheta + "/" + localRopeTheta + " " + ropeScaling + ", "
                + activation + (gatedMlp ? " gated" : "") + ", bias=" + qkvBias + "/" + outBias + "/" + mlpBias
                + ", qkNorm=" + qkNorm + ", sandwich=" + sandwichNorm + ", queryScale=" + queryScale + ", window="
                + slidingWindow + " " + Arrays.toString(slidingLayers) + ", embedScale=" + embedScale + ", tied="
                + tiedHead + ", softcap=" + finalSoftcap + "/" + attnSoftcap + ", eos=" + Arrays.toString(eosIds)
                + ", bos=" + bosId + "]";
    }

    /** Reads and validates {@code config.json}; the message names the file and the field at fault. */
    public static ModelConfig read(Path file) throws ModelFormatException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelFormatException(file + " is not readable JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new ModelFormatException(file + " is not a JSON object.");
        }
        Family family = family(json, file);
        if (family == Family.GPT2) {
            return gpt2(Gpt2Config.read(file));
        }
        return decoder(json, family, file);
    }

    private static Family family(JsonNode json, Path file) throws ModelFormatException {
        JsonNode architectures = json.path("architectures");
        String named = architectures.isArray() && !architectures.isEmpty() ? architectures.get(0).asText() : "";
        String type = json.path("model_type").asText("");
        for (Family f : Family.values()) {
            if (f.architecture.equals(named)) {
                return f;
            }
        }
        if (named.isEmpty()) {
            for (Family f : Family.values()) {
                if (f.modelType.equals(type) || (f == Family.GEMMA3 && type.equals("gemma3"))) {
                    return f;
                }
            }
        }
        String what = !named.isEmpty() ? named : !type.isEmpty() ? "model_type '" + type + "'" : "no architecture";
        throw new ModelFormatException(file + " describes " + what + ", which tokenscope cannot run; it runs "
                + Family.supported() + ".");
    }

    /** Llama and the families that differ from it in a few named places. */
    private static ModelConfig decoder(JsonNode json, Family family, Path file) throws ModelFormatException {
        int layers = positive(json, "num_hidden_layers", file);
        int heads = positive(json, "num_attention_heads", file);
        int width = positive(json, "hidden_size", file);
        int inner = positive(json, "intermediate_size", file);
        int vocab = positive(json, "vocab_size", file);
        int kvHeads = json.has("num_key_value_heads") && !json.get("num_key_value_heads").isNull()
                ? positive(json, "num_key_value_heads", file) : heads;
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(file + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads + ".");
        }
        int headDim;
        if (json.hasNonNull("head_dim")) {
            headDim = positive(json, "head_dim", file);
        } else if (width % heads != 0) {
            throw new ModelFormatException(file + ": hidden_size " + width + " is not divisible by num_attention_heads "
                    + heads + " and there is no head_dim.");
        } else {
            headDim = width / heads;
        }
        if (headDim % 2 != 0) {
            throw new ModelFormatException(file + ": head_dim " + headDim + " is odd; RoPE needs pairs.");
        }
        int context = json.hasNonNull("max_position_embeddings") ? positive(json, "max_position_embeddings", file)
                : 8192;
        boolean gemma = family == Family.GEMMA3;
        float eps = (float) json.path("rms_norm_eps").asDouble(1e-6);
        double theta = json.path("rope_theta").asDouble(gemma ? 1_000_000 : 10_000);
        double localTheta = gemma ? json.path("rope_local_base_freq").asDouble(10_000) : theta;
        RopeScaling scaling = ropeScaling(json.path("rope_scaling"), file);
        String act = json.hasNonNull("hidden_activation") ? json.path("hidden_activation").asText()
                : json.path("hidden_act").asText(gemma ? "gelu_pytorch_tanh" : "silu");
        Activation activation = switch (act) {
            case "silu", "swish" -> Activation.SILU;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> Activation.GELU_TANH;
            case "gelu" -> Activation.GELU;
            default -> throw new ModelFormatException(file + " asks for activation '" + act
                    + "'; tokenscope runs silu, gelu and gelu_pytorch_tanh.");
        };
        boolean attentionBias = json.path("attention_bias").asBoolean(false);
        boolean qkvBias = family == Family.QWEN2 || attentionBias;
        boolean mlpBias = json.path("mlp_bias").asBoolean(false);
        double queryScale = gemma && json.hasNonNull("query_pre_attn_scalar")
                ? 1 / Math.sqrt(json.path("query_pre_attn_scalar").asDouble()) : 1 / Math.sqrt(headDim);
        int window = 0;
        boolean[] sliding = new boolean[layers];
        JsonNode windowNode = json.path("sliding_window");
        boolean windowUsed = switch (family) {
            case MISTRAL, GEMMA3 -> true;
            // Qwen2/3: only when use_sliding_window, and then from max_window_layers on
            case QWEN2, QWEN3 -> json.path("use_sliding_window").asBoolean(false);
            default -> false;
        };
        if (windowUsed && windowNode.isInt() && windowNode.asInt() > 0) {
            window = windowNode.asInt();
            JsonNode types = json.path("layer_types");
            if (types.isArray() && types.size() == layers) {
                for (int i = 0; i < layers; i++) {
                    sliding[i] = types.get(i).asText().equals("sliding_attention");
                }
            } else if (gemma) {
                int pattern = json.path("sliding_window_pattern").asInt(6);
                for (int i = 0; i < layers; i++) {
                    sliding[i] = (i + 1) % pattern != 0;
                }
            } else if (family == Family.QWEN2 || family == Family.QWEN3) {
                int from = json.path("max_window_layers").asInt(layers);
                for (int i = from; i < layers; i++) {
                    sliding[i] = true;
                }
            } else {
                Arrays.fill(sliding, true);
            }
        }
        boolean tied = json.path("tie_word_embeddings").asBoolean(gemma);
        float finalSoftcap = (float) json.path("final_logit_softcapping").asDouble(0);
        float attnSoftcap = (float) json.path("attn_logit_softcapping").asDouble(0);
        int[] eos = ids(json.path("eos_token_id"), vocab);
        int bos = json.path("bos_token_id").isInt() && json.path("bos_token_id").asInt() < vocab
                ? json.path("bos_token_id").asInt() : -1;
        return new ModelConfig(family, layers, heads, kvHeads, width, headDim, inner, context, vocab,
                gemma ? Norm.RMS_PLUS_ONE : Norm.RMS, eps, theta, localTheta, scaling, activation, true, qkvBias,
                attentionBias, mlpBias, family == Family.QWEN3 || gemma, gemma, queryScale, window, sliding,
                gemma ? (float) Math.sqrt(width) : 1f, tied, finalSoftcap, attnSoftcap, eos, bos);
    }

    private static RopeScaling ropeScaling(JsonNode node, Path file) throws ModelFormatException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        String type = node.path("rope_type").asText(node.path("type").asText("")).toLowerCase(Locale.ROOT);
        double factor = node.path("factor").asDouble(1);
        return switch (type) {
            case "default", "" -> null;
            case "linear" -> new RopeScaling("linear", factor, 0, 0, 0);
            case "llama3" -> new RopeScaling("llama3", factor, node.path("low_freq_factor").asDouble(1),
                    node.path("high_freq_factor").asDouble(4),
                    node.path("original_max_position_embeddings").asInt(8192));
            default -> throw new ModelFormatException(file + " asks for rope_scaling of type '" + type
                    + "'; tokenscope runs linear and llama3.");
        };
    }

    private static int[] ids(JsonNode node, int vocab) {
        List<Integer> ids = new ArrayList<>();
        if (node.isInt()) {
            ids.add(node.asInt());
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (n.isInt()) {
                    ids.add(n.asInt());
                }
            });
        }
        return ids.stream().filter(i -> i >= 0 && i < vocab).mapToInt(Integer::intValue).toArray();
    }

    private static int positive(JsonNode json, String field, Path file) throws ModelFormatException {
        JsonNode node = json.get(field);
        if (node == null || !node.isInt() || node.asInt() <= 0) {
            throw new ModelFormatException(file + ": field '" + field + "' must be a positive integer"
                    + (node == null ? " and is missing." : " but is " + node + "."));
        }
        return node.asInt();
    }
}
