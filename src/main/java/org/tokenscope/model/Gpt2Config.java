package org.tokenscope.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hyper-parameters of a GPT-2 model, read from the Hugging Face {@code config.json}.
 *
 * @param layers number of transformer blocks ({@code n_layer})
 * @param heads attention heads per block ({@code n_head})
 * @param width residual stream width ({@code n_embd})
 * @param inner MLP hidden width ({@code n_inner}, default 4 × width)
 * @param context maximum positions ({@code n_positions})
 * @param vocab vocabulary size ({@code vocab_size})
 * @param layerNormEps LayerNorm epsilon ({@code layer_norm_epsilon})
 * @param eosId end-of-text token id ({@code eos_token_id}), -1 if absent
 */
public record Gpt2Config(int layers, int heads, int width, int inner, int context, int vocab, float layerNormEps, int eosId) {

    public int headDim() {
        return width / heads;
    }

    /** Reads and validates {@code config.json}; the message names the file and the field at fault. */
    public static Gpt2Config read(Path file) throws ModelFormatException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelFormatException(file + " is not readable JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new ModelFormatException(file + " is not a JSON object.");
        }
        String type = json.path("model_type").asText("");
        if (!type.equals("gpt2")) {
            throw new ModelFormatException(file + " describes a model of type '" + type
                    + "', not GPT-2 (model_type must be \"gpt2\").");
        }
        String activation = json.path("activation_function").asText("gelu_new");
        if (!activation.equals("gelu_new") && !activation.equals("gelu_pytorch_tanh")) {
            throw new ModelFormatException(file + " asks for activation '" + activation
                    + "'; only GPT-2's gelu_new (tanh approximation) is supported.");
        }
        int layers = positive(json, "n_layer", file);
        int heads = positive(json, "n_head", file);
        int width = positive(json, "n_embd", file);
        int context = json.has("n_positions") ? positive(json, "n_positions", file) : positive(json, "n_ctx", file);
        int vocab = positive(json, "vocab_size", file);
        if (width % heads != 0) {
            throw new ModelFormatException(file + ": n_embd " + width + " is not divisible by n_head " + heads + ".");
        }
        JsonNode eps = json.path("layer_norm_epsilon");
        float layerNormEps = eps.isNumber() ? (float) eps.asDouble() : 1e-5f;
        JsonNode eos = json.path("eos_token_id");
        int eosId = eos.isInt() && eos.asInt() < vocab ? eos.asInt() : -1;
        JsonNode innerNode = json.path("n_inner");
        int inner = innerNode.isInt() && innerNode.asInt() > 0 ? innerNode.asInt() : 4 * width;
        return new Gpt2Config(layers, heads, width, inner, context, vocab, layerNormEps, eosId);
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
