package org.tokenscope.backend;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What to keep of a pass's insides (see {@link Backend#inspect}).
 *
 * @param attentionLayers blocks whose attention weights [heads, query, key] to keep (f32, so
 *     1,024 tokens × 12 heads is 50 MB a layer: ask for the layers a view shows, not all)
 * @param lens whether to read the logit lens off every layer
 * @param lensTopK predictions kept per layer and position for the lens
 * @param norms whether to keep the norms of the residual stream and of each block's contributions
 */
public record InsideRequest(Set<Integer> attentionLayers, boolean lens, int lensTopK, boolean norms) {

    public InsideRequest {
        attentionLayers = Set.copyOf(attentionLayers);
    }

    public static InsideRequest attention(int... layers) {
        return new InsideRequest(Arrays.stream(layers).boxed().collect(Collectors.toSet()), false, 0, false);
    }

    public static InsideRequest logitLens(int topK) {
        return new InsideRequest(Set.of(), true, topK, true);
    }
}
