package org.tokenscope.model;

/**
 * What the model thought at each position about the token that came next.
 * Arrays are indexed by input position; positions that were not scored have {@code scored[t] == false}.
 *
 * @param logprob natural-log probability of the next token
 * @param entropy entropy of the predictive distribution, in nats
 * @param rank rank of the next token in the whole vocabulary (1 = the model's top choice)
 * @param topIds the k most likely next tokens, most likely first: [positions][k]
 * @param topLogprobs their log-probabilities: [positions][k]
 */
public record NextTokenStats(boolean[] scored, float[] logprob, float[] entropy, int[] rank,
                             int[][] topIds, float[][] topLogprobs) {

    public int positions() {
        return scored.length;
    }

    static final class Builder {
        private final boolean[] scored;
        private final float[] logprob;
        private final float[] entropy;
        private final int[] rank;
        private final int[][] topIds;
        private final float[][] topLogprobs;

        Builder(int positions, int k) {
            scored = new boolean[positions];
            logprob = new float[positions];
            entropy = new float[positions];
            rank = new int[positions];
            topIds = new int[positions][0];
            topLogprobs = new float[positions][0];
        }

        void set(int t, float lp, float h, int r, long[] ids, float[] lps) {
            scored[t] = true;
            logprob[t] = lp;
            entropy[t] = h;
            rank[t] = r;
            int[] asInts = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                asInts[i] = (int) ids[i];
            }
            topIds[t] = asInts;
            topLogprobs[t] = lps;
        }

        NextTokenStats build() {
            return new NextTokenStats(scored, logprob, entropy, rank, topIds, topLogprobs);
        }
    }
}
