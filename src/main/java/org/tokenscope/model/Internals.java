package org.tokenscope.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one forward pass looked like from inside. Layer index {@code l} of the lens and residual
 * arrays is "after block l−1", so index 0 is the embeddings and index {@code layers} the output.
 *
 * @param attention layer → [head][query][key] weights, for the layers asked for
 * @param residualNorm L2 norm of the residual stream: [layers + 1][positions] (empty if not asked)
 * @param attentionNorm norm of what each block's attention added: [layers][positions]
 * @param mlpNorm norm of what each block's MLP added: [layers][positions]
 * @param lensRank rank of the actual next token read off each layer: [layers + 1][positions] (0 at the last position)
 * @param lensLogprob its log-probability there: [layers + 1][positions] (NaN at the last position)
 * @param lensTopIds the top predictions there: [layers + 1][positions][k]
 * @param lensTopLogprobs their log-probabilities: [layers + 1][positions][k]
 */
public record Internals(int layers, int positions, Map<Integer, float[][][]> attention,
                        float[][] residualNorm, float[][] attentionNorm, float[][] mlpNorm,
                        int[][] lensRank, float[][] lensLogprob, int[][][] lensTopIds, float[][][] lensTopLogprobs) {

    public boolean hasLens() {
        return lensRank.length > 0 && lensRank[0] != null;
    }

    static final class Builder {
        private final int layers;
        private final int n;
        private final Map<Integer, float[][][]> attention = new TreeMap<>();
        private final float[][] residualNorm;
        private final float[][] attentionNorm;
        private final float[][] mlpNorm;
        private final int[][] lensRank;
        private final float[][] lensLogprob;
        private final int[][][] lensTopIds;
        private final float[][][] lensTopLogprobs;

        Builder(int layers, int positions) {
            this.layers = layers;
            this.n = positions;
            residualNorm = new float[layers + 1][];
            attentionNorm = new float[layers][];
            mlpNorm = new float[layers][];
            lensRank = new int[layers + 1][];
            lensLogprob = new float[layers + 1][];
            lensTopIds = new int[layers + 1][][];
            lensTopLogprobs = new float[layers + 1][][];
        }

        void attention(int layer, float[] flat, int heads, int positions) { // flat [H, T, T]
            float[][][] w = new float[heads][positions][];
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < positions; q++) {
                    int from = (h * positions + q) * positions;
                    w[h][q] = java.util.Arrays.copyOfRange(flat, from, from + positions);
                }
            }
            attention.put(layer, w);
        }

        void residualNorm(int afterLayer, float[] norms) {
            residualNorm[afterLayer + 1] = norms;
        }

        void contributionNorms(int layer, float[] attn, float[] mlp) {
            attentionNorm[layer] = attn;
            mlpNorm[layer] = mlp;
        }

        void lens(int level, int t, int rank, float logprob, long[] ids, float[] logprobs) {
            if (lensRank[level] == null) {
                lensRank[level] = new int[n];
                lensLogprob[level] = new float[n];
                lensTopIds[level] = new int[n][];
                lensTopLogprobs[level] = new float[n][];
            }
            lensRank[level][t] = rank;
            lensLogprob[level][t] = logprob;
            int[] asInts = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                asInts[i] = (int) ids[i];
            }
            lensTopIds[level][t] = asInts;
            lensTopLogprobs[level][t] = logprobs;
        }

        Internals build() {
            boolean norms = residualNorm[0] != null;
            boolean lens = lensRank[0] != null;
            return new Internals(layers, n, attention,
                    norms ? residualNorm : new float[0][], norms ? attentionNorm : new float[0][],
                    norms ? mlpNorm : new float[0][],
                    lens ? lensRank : new int[0][], lens ? lensLogprob : new float[0][],
                    lens ? lensTopIds : new int[0][][], lens ? lensTopLogprobs : new float[0][][]);
        }
    }
}
