package org.tokenscope.model.deberta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tokenscope.model.ModelFormatException;

/**
 * The hyper-parameters of a {@code DebertaV2ForSequenceClassification}, read from {@code config.json}
 * with transformers' defaults ({@code configuration_deberta_v2.py}): deberta-v3-base has
 * {@code position_buckets: 256}, {@code share_att_key: true}, {@code pos_att_type: "p2c|c2p"},
 * {@code norm_rel_ebd: "layer_norm"}, {@code position_biased_input: false}, {@code type_vocab_size: 0}.
 *
 * @param headSize per-head width ({@code attention_head_size}, default hidden / heads)
 * @param maxRelativePositions {@code max_relative_positions}, or {@code max_position_embeddings} when below 1
 * @param positionBuckets {@code position_buckets}; ≤ 0 means no log-bucketing
 * @param labels the class names in id order ({@code id2label}); one entry for a single-output model
 */
public record DebertaConfig(int vocab, int hidden, int layers, int heads, int headSize, int intermediate,
                            int maxPositions, int typeVocab, boolean positionBiasedInput, boolean relativeAttention,
                            int maxRelativePositions, int positionBuckets, boolean shareAttKey, boolean c2p, boolean p2c,
                            boolean normRelEmbedding, float layerNormEps, int embeddingSize, int poolerSize,
                            List<String> labels) {

    public static final String ARCHITECTURE = "DebertaV2ForSequenceClassification";

    public DebertaConfig {
        labels = List.copyOf(labels);
    }

    /** Relative distances kept: {@code position_buckets} when set, else {@code max_relative_positions}. */
    public int attentionSpan() {
        return positionBuckets > 0 ? positionBuckets : maxRelativePositions;
    }

    /**
     * 1 + one for each of c2p and p2c in {@code pos_att_type}: scores are divided by √(headSize · this),
     * as transformers does even when {@code relative_attention} is off.
     */
    public int scaleFactor() {
        return 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
    }

    /** Whether the model has one output, read as a sigmoid score. */
    public boolean singleOutput() {
        return labels.size() == 1;
    }

    public static DebertaConfig read(Path file) throws ModelFormatException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelFormatException(file + " is not readable JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new ModelFormatException(file + " is not a JSON object.");
        }
        List<String> architectures = new ArrayList<>();
        json.path("architectures").forEach(a -> architectures.add(a.asText()));
        String type = json.path("model_type").asText("");
        if (!architectures.contains(ARCHITECTURE)) {
            throw new ModelFormatException(file + " describes " + (architectures.isEmpty() ? "a model of type '" + type + "'"
                    : String.join(", ", architectures)) + ", which is not a supported pair classifier (only "
                    + ARCHITECTURE + ", as DeBERTa-v2/v3 NLI and consistency models use).");
        }
        if (!type.isEmpty() && !type.equals("deberta-v2")) {
            throw new ModelFormatException(file + " says model_type '" + type + "' for " + ARCHITECTURE
                    + ", which needs 'deberta-v2'.");
        }
        if (json.path("conv_kernel_size").asInt(0) > 0) {
            throw new ModelFormatException(file + " asks for DeBERTa-v2's convolution layer (conv_kernel_size "
                    + json.path("conv_kernel_size").asInt() + "), which tokenscope does not implement.");
        }
        for (String field : new String[] {"hidden_act", "pooler_hidden_act"}) {
            String act = json.path(field).asText("gelu");
            if (!act.equals("gelu")) {
                throw new ModelFormatException(file + " asks for " + field + " '" + act + "'; only 'gelu' is supported.");
            }
        }
        int hidden = positive(json, "hidden_size", file);
        int heads = positive(json, "num_attention_heads", file);
        if (hidden % heads != 0) {
            throw new ModelFormatException(file + ": hidden_size " + hidden + " is not divisible by num_attention_heads " + heads + ".");
        }
        int headSize = json.path("attention_head_size").isInt() ? json.path("attention_head_size").asInt() : hidden / heads;
        int maxPositions = positive(json, "max_position_embeddings", file);
        int maxRelative = json.path("max_relative_positions").asInt(-1);
        if (maxRelative < 1) {
            maxRelative = maxPositions;
        }
        List<String> posAttType = posAttType(json.path("pos_att_type"));
        boolean relative = json.path("relative_attention").asBoolean(false);
        int buckets = json.path("position_buckets").asInt(-1);
        String normRel = json.path("norm_rel_ebd").asText("none").toLowerCase(Locale.ROOT);
        int embeddingSize = json.path("embedding_size").isInt() ? json.path("embedding_size").asInt() : hidden;
        int poolerSize = json.path("pooler_hidden_size").isInt() ? json.path("pooler_hidden_size").asInt() : hidden;
        if (poolerSize != hidden) {
            throw new ModelFormatException(file + ": pooler_hidden_size " + poolerSize + " differs from hidden_size "
                    + hidden + ", which DeBERTa's pooler cannot take.");
        }
        return new DebertaConfig(positive(json, "vocab_size", file), hidden, positive(json, "num_hidden_layers", file),
                heads, headSize, positive(json, "intermediate_size", file), maxPositions,
                json.path("type_vocab_size").asInt(0), json.path("position_biased_input").asBoolean(true), relative,
                maxRelative, buckets, json.path("share_att_key").asBoolean(false),
                posAttType.contains("c2p"), posAttType.contains("p2c"),
                List.of(normRel.split("\\|")).stream().map(String::strip).anyMatch("layer_norm"::equals),
                (float) json.path("layer_norm_eps").asDouble(1e-7), embeddingSize, poolerSize, labels(json, file));
    }

    /** {@code ["p2c", "c2p"]} or deberta-v3's {@code "p2c|c2p"}, lower-cased (as DebertaV2Config does). */
    static List<String> posAttType(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            for (String part : node.asText().toLowerCase(Locale.ROOT).split("\\|")) {
                out.add(part.strip());
            }
        } else if (node.isArray()) {
            node.forEach(n -> out.add(n.asText().strip().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    private static List<String> labels(JsonNode json, Path file) throws ModelFormatException {
        JsonNode id2label = json.path("id2label");
        int count = id2label.isObject() && !id2label.isEmpty() ? id2label.size() : json.path("num_labels").asInt(2);
        if (json.path("num_labels").isInt() && json.path("num_labels").asInt() != count) {
            throw new ModelFormatException(file + ": num_labels " + json.path("num_labels").asInt() + " disagrees with the "
                    + count + " entries of id2label.");
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonNode name = id2label.path(Integer.toString(i));
            if (id2label.isObject() && !id2label.isEmpty() && name.isMissingNode()) {
                throw new ModelFormatException(file + ": id2label has no entry for id " + i + ".");
            }
            labels.add(name.isMissingNode() ? "LABEL_" + i : name.asText());
        }
        return labels;
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
