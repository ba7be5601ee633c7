package org.tokenscope.model.deberta;

/**
 * DeBERTa's relative positions, as transformers' {@code build_relative_position} and
 * {@code make_log_bucket_position} compute them: δ(i, j) = i − j, and with buckets, distances
 * beyond half the buckets squeezed logarithmically up to {@code maxPosition}. The logarithm is taken
 * in single precision, as torch does it, so that bucket edges fall where transformers puts them.
 */
final class RelativePositions {

    private RelativePositions() {
    }

    /** [T, T]: the (bucketed) relative position of query i to key j. */
    static int[][] build(int t, int bucketSize, int maxPosition) {
        int[][] out = new int[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                out[i][j] = bucketSize > 0 && maxPosition > 0 ? bucket(i - j, bucketSize, maxPosition) : i - j;
            }
        }
        return out;
    }

    /** make_log_bucket_position for one distance. */
    static int bucket(int relative, int bucketSize, int maxPosition) {
        int mid = bucketSize / 2;
        int abs = relative < mid && relative > -mid ? mid - 1 : Math.abs(relative);
        if (abs <= mid) {
            return relative;
        }
        float ratio = (float) abs / mid;                                  // abs_pos / mid, float32
        float denominator = (float) Math.log((float) ((maxPosition - 1) / (double) mid));
        float logPos = (float) Math.ceil((float) ((float) Math.log(ratio) / denominator) * (mid - 1)) + mid;
        return (int) (logPos * Integer.signum(relative));
    }
}
