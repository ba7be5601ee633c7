package org.tokenscope.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** The files tokenscope needs from a model folder, and whether a folder has them all. */
final class ModelFiles {

    static final String CONFIG = "config.json";
    static final String TOKENIZER = "tokenizer.json";
    static final String VOCAB = "vocab.json";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String GENERATION_CONFIG = "generation_config.json";
    static final String MERGES = "merges.txt";
    static final String WEIGHTS = "model.safetensors";
    static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    static final String PYTORCH_WEIGHTS = "pytorch_model.bin";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {
    }

    /**
     * Whether {@code folder} holds a loadable model: config.json, tokenizer.json (or vocab.json and
     * merges.txt to build it from), and model.safetensors or an index with every shard it names.
     * Symbolic links are followed, so a snapshot whose blob is missing is not complete.
     */
    static boolean isComplete(Path folder) {
        return missing(folder).isEmpty();
    }

    /** The first file {@code folder} lacks, if any (see {@link #isComplete}). */
    static Optional<String> missing(Path folder) {
        if (!Files.isRegularFile(folder.resolve(CONFIG))) {
            return Optional.of(CONFIG);
        }
        if (!Files.isRegularFile(folder.resolve(TOKENIZER))
                && !(Files.isRegularFile(folder.resolve(VOCAB)) && Files.isRegularFile(folder.resolve(MERGES)))) {
            return Optional.of(TOKENIZER);
        }
        if (Files.isRegularFile(folder.resolve(WEIGHTS))) {
            return Optional.empty();
        }
        Path index = folder.resolve(WEIGHTS_INDEX);
        if (!Files.isRegularFile(index)) {
            return Optional.of(WEIGHTS);
        }
        try {
            for (String shard : shards(index)) {
                if (!Files.isRegularFile(folder.resolve(shard))) {
                    return Optional.of(shard);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(WEIGHTS_INDEX);
        }
    }

    /** Builds tokenizer.json from vocab.json and merges.txt when {@code folder} has only those. */
    static void completeTokenizer(Path folder) throws IOException {
        Path tokenizer = folder.resolve(TOKENIZER);
        if (!Files.isRegularFile(tokenizer)
                && Files.isRegularFile(folder.resolve(VOCAB)) && Files.isRegularFile(folder.resolve(MERGES))) {
            Gpt2TokenizerJson.write(folder.resolve(VOCAB), folder.resolve(MERGES), tokenizer);
        }
    }

    /** The shard files a {@code model.safetensors.index.json} names, sorted, each once. */
    static List<String> shards(Path index) throws IOException {
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new HubException(index + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new HubException(index + " has no weight_map naming its shards.");
        }
        TreeSet<String> shards = new TreeSet<>();
        for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
            String shard = it.next().asText();
            if (!RepoIds.isSafeRelativePath(shard)) {
                throw new HubException(index + " names a shard outside the model folder: " + shard + ".");
            }
            shards.add(shard);
        }
        return new ArrayList<>(shards);
    }

    /** The architectures tokenscope's decoder runs (as model.ModelConfig.Family names them; a test keeps the two equal). */
    public static final java.util.List<String> RUNNABLE_ARCHITECTURES = java.util.List.of("GPT2LMHeadModel",
            "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM", "Gemma3ForCausalLM");

    /** Whether {@code config.json} in {@code folder} names an architecture tokenscope runs (or says model_type gpt2). */
    static boolean isRunnable(Path folder) {
        try {
            com.fasterxml.jackson.databind.JsonNode config = JSON.readTree(folder.resolve(CONFIG).toFile());
            com.fasterxml.jackson.databind.JsonNode architectures = config.path("architectures");
            if (architectures.isArray() && !architectures.isEmpty()) {
                return RUNNABLE_ARCHITECTURES.contains(architectures.get(0).asText());
            }
            return "gpt2".equals(config.path("model_type").asText());
        } catch (IOException e) {
            return false;
        }
    }
}
