package org.tokenscope.remote;

import java.util.List;

/**
 * What a server said about itself ({@code GET /v1/models}).
 *
 * @param model       the model used, as the server names it
 * @param models      every model the server lists (empty when it has no {@code /v1/models})
 * @param maxModelLen the model's context in tokens, when the server says (vLLM's {@code max_model_len}); else null
 * @param ownedBy     the model's {@code owned_by} ({@code "vllm"} on vLLM), or null
 */
public record ServerInfo(String model, List<String> models, Integer maxModelLen, String ownedBy) {

    public ServerInfo {
        models = List.copyOf(models);
    }

    /** Whether the server is vLLM, which takes extra sampling parameters ({@code top_k}, {@code repetition_penalty}). */
    public boolean vllm() {
        return "vllm".equals(ownedBy);
    }
}
