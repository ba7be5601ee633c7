package org.tokenscope.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code generation_config.json} says generation should stop at. */
final class GenerationConfig {

    private GenerationConfig() {
    }

    /** Its {@code eos_token_id} (a number or a list), only ids inside the vocabulary; none if there is no file. */
    static int[] eosIds(Path file, int vocab) throws ModelFormatException {
        if (!Files.isRegularFile(file)) {
            return new int[0];
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + " is not readable JSON: " + e.getMessage(), e);
        }
        JsonNode node = json == null ? null : json.path("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (node != null && node.isInt()) {
            ids.add(node.asInt());
        } else if (node != null && node.isArray()) {
            node.forEach(n -> ids.add(n.asInt(-1)));
        }
        return ids.stream().filter(i -> i >= 0 && i < vocab).mapToInt(Integer::intValue).toArray();
    }
}
