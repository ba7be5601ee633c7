package org.tokenscope.analysis;

/**
 * What a run says about the model that produced it.
 *
 * @param name       the model's name or folder, as the user gave it
 * @param layers     number of transformer blocks
 * @param parameters number of parameters
 * @param context    maximum number of positions ({@code n_positions})
 */
public record ModelSummary(String name, int layers, long parameters, int context) {
}
