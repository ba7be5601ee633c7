package org.tokenscope.analysis;

/**
 * What a run says about the model that produced it.
 *
 * @param name       the model's name or folder, as the user gave it
 * @param layers     number of transformer blocks
 * @param parameters number of parameters
 * @param context    maximum number of positions ({@code n_positions})
 * @param weights    how the weight matrices were held: "f32", "bf16" or "q8"; null for a remote model
 */
public record ModelSummary(String name, int layers, long parameters, int context, String weights) {

    /** A summary that does not say how the weights were held (a remote model's). */
    public ModelSummary(String name, int layers, long parameters, int context) {
        this(name, layers, parameters, context, null);
    }
}
