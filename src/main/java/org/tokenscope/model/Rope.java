package org.tokenscope.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings as transformers computes them (the "rotate half" layout): pair i of a
 * head is (x_i, x_{i+D/2}), turned by the angle position·f_i with f_i = θ^(−2i/D), rescaled by
 * {@code rope_scaling} where a config sets it. The angles are computed in float32 as torch does.
 */
final class Rope {

    private final int headDim;
    private final float[] inverseFrequencies; // [D/2]

    Rope(int headDim, double theta, ModelConfig.RopeScaling scaling) {
        this.headDim = headDim;
        this.inverseFrequencies = frequencies(headDim, theta, scaling);
    }

    /** f_i for i < D/2: 1 / θ^(2i/D), then scaled (transformers' _compute_default/linear/llama3_parameters). */
    static float[] frequencies(int headDim, double theta, ModelConfig.RopeScaling scaling) {
        int half = headDim / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / headDim;
            f[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        if (scaling == null) {
            return f;
        }
        if (scaling.type().equals("linear")) {
            for (int i = 0; i < half; i++) {
                f[i] = (float) (f[i] / scaling.factor());
            }
            return f;
        }
        // llama3: long wavelengths divided by factor, short ones kept, the band between blended
        double lowWavelength = scaling.originalContext() / scaling.lowFreqFactor();
        double highWavelength = scaling.originalContext() / scaling.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double wavelength = 2 * Math.PI / f[i];
            double scaled = wavelength > lowWavelength ? f[i] / scaling.factor() : f[i];
            if (wavelength <= lowWavelength && wavelength >= highWavelength) {
                double smooth = (scaling.originalContext() / wavelength - scaling.lowFreqFactor())
                        / (scaling.highFreqFactor() - scaling.lowFreqFactor());
                scaled = (1 - smooth) * scaled / scaling.factor() + smooth * scaled;
            }
            f[i] = (float) scaled;
        }
        return f;
    }

    /** cos and sin of positions {@code past .. past + t − 1}, each [T, D] (the D/2 angles twice). */
    NDArray[] table(NDManager manager, int past, int t) {
        int half = headDim / 2;
        float[] cos = new float[t * headDim];
        float[] sin = new float[t * headDim];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) (past + p) * inverseFrequencies[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + half + i] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + half + i] = s;
            }
        }
        return new NDArray[] {manager.create(cos, new Shape(t, headDim)), manager.create(sin, new Shape(t, headDim))};
    }

    /** cos and sin of one position's D/2 angles, as {@link #table} computes them, into {@code cos} and {@code sin}. */
    void angles(int position, float[] cos, float[] sin) {
        for (int i = 0; i < headDim / 2; i++) {
            float angle = (float) position * inverseFrequencies[i];
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
    }

    /**
     * One head's vector x[offset .. offset + D) rotated in place as {@link #rotate} does:
     * (x₁, x₂) -> (x₁·cos − x₂·sin, x₂·cos + x₁·sin), cos and sin from {@link #angles}.
     */
    static void rotate(float[] x, int offset, float[] cos, float[] sin) {
        int half = cos.length;
        for (int i = 0; i < half; i++) {
            float x1 = x[offset + i];
            float x2 = x[offset + half + i];
            x[offset + i] = x1 * cos[i] + -x2 * sin[i];
            x[offset + half + i] = x2 * cos[i] + x1 * sin[i];
        }
    }

    /** x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁]: [N, T, D], [T, D], [T, D] -> [N, T, D]. */
    static NDArray rotate(NDArray x, NDArray cos, NDArray sin, boolean training) {
        long half = x.getShape().get(2) / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));                            // [N, T, D/2]
        NDArray x2 = x.get(new NDIndex("..., {}:", half));                            // [N, T, D/2]
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), 2);               // [N, T, D]
        if (training) {
            return x.mul(cos).add(rotated.mul(sin));
        }
        NDArray out = x.mul(cos).addi(rotated.muli(sin));
        rotated.close();
        return out;
    }
}
