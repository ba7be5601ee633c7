package org.tokenscope.model;

import ai.djl.ndarray.NDArray;

/**
 * Changes one forward pass from inside, at the points interpretability work cuts into
 * (TransformerLens' hooks): each hook gets what the pass computed there and returns what the pass
 * goes on with, its argument when it changes nothing. Layers count from 0. A batch of B texts
 * comes as [B, T, E] where one text is [T, E], and B·H heads where one text has H.
 */
interface Intervention {

    /** Each head's output of block {@code layer} before the output projection: [B·H, T, D]. */
    default NDArray heads(int layer, NDArray mixed) {
        return mixed;
    }

    /** What the MLP of block {@code layer} adds to the residual stream: [(B,) T, E]. */
    default NDArray mlp(int layer, NDArray out) {
        return out;
    }

    /** The residual stream after block {@code layer}: [(B,) T, E]. */
    default NDArray residual(int layer, NDArray x) {
        return x;
    }
}
