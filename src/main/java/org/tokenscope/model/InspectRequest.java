package org.tokenscope.model;

import java.util.Set;

/**
 * What to keep of a forward pass's insides (see {@link LanguageModel#inspect}).
 *
 * @param attentionLayers blocks whose attention weights [heads, query, key] to keep (f32, so
 *     1,024 tokens × 12 heads is 50 MB a layer: ask for the layers a view shows, not all)
 * @param lens whether to read the logit lens off every layer
 * @param lensTopK predictions kept per layer and position for the lens
 * @param norms whether to keep the norms of the residual stream and of each block's contributions
 */
public record InspectRequest(Set<Integer> attentionLayers, boolean lens, int lensTopK, boolean norms) {

    public InspectRequest {
        attentionLayers = Set.copyOf(attentionLayers);
    }

    public static InspectRequest attention(int... layers) {
        return new InspectRequest(java.util.Arrays.stream(layers).boxed().collect(java.util.stream.Collectors.toSet()),
                false, 0, false);
    }

    public static InspectRequest logitLens(int topK) {
        return new InspectRequest(Set.of(), true, topK, true);
    }
}
