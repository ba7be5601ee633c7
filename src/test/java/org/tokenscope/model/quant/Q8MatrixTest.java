package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Q8MatrixTest {

    /** ggml's quantize_row_q8_0_ref, transcribed for one block, in double where it may be. */
    private static float ggmlScale(float[] block) {
        float amax = 0;
        for (float v : block) amax = Math.max(amax, Math.abs(v));
        return amax / 127;
    }

    private static float[][] random(long seed, int rows, int cols, double std) {
        Random random = new Random(seed);
        float[][] m = new float[rows][cols];
        for (float[] row : m) for (int c = 0; c < cols; c++) row[c] = (float) (std * random.nextGaussian());
        return m;
    }

    private static Q8Matrix quantize(float[][] m) {
        return Q8Matrix.quantize(m.length, m[0].length, (r, dst) -> System.arraycopy(m[r], 0, dst, 0, dst.length));
    }

    @Test
    void eachBlockHasItsOwnScaleAndTheLargestValueMapsTo127() {
        float[][] m = random(1, 3, 96, 1);
        m[1][40] = 9f;   // block 1 of row 1: a large value, its scale 9/127
        m[2][70] = -5f;  // block 2 of row 2: negative extreme -> -127
        Q8Matrix q = quantize(m);
        for (int r = 0; r < 3; r++) {
            for (int b = 0; b < 3; b++) {
                float[] block = java.util.Arrays.copyOfRange(m[r], b * 32, b * 32 + 32);
                float d = ggmlScale(block);
                assertThat(q.scale(r, b * 32 + 5)).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(d)));
            }
        }
        assertThat(q.quant(1, 40)).isEqualTo((byte) 127);
        assertThat(q.quant(2, 70)).isEqualTo((byte) -127);
        assertThat(q.scale(1, 40)).isCloseTo(9f / 127, within(9f / 127 / 1000));
        assertThat(q.scale(1, 0)).isNotEqualTo(q.scale(1, 40));
    }

    @Test
    void roundTripErrorIsAtMostHalfAStepPlusTheScalesFloat16Rounding() {
        float[][] m = random(2, 7, 200, 0.05); // 200: six full blocks and a short one of 8
        Q8Matrix q = quantize(m);
        float[] row = new float[200];
        for (int r = 0; r < m.length; r++) {
            q.dequantizeRow(r, row, 0);
            for (int c = 0; c < 200; c++) {
                int from = c / 32 * 32;
                float d = ggmlScale(java.util.Arrays.copyOfRange(m[r], from, Math.min(200, from + 32)));
                float s = q.scale(r, c);
                double bound = 0.5 * d + 127 * Math.abs(d - s) + 1e-9;
                assertThat((double) Math.abs(row[c] - m[r][c])).as("(%d, %d)", r, c).isLessThanOrEqualTo(bound);
                assertThat(row[c]).isEqualTo(s * q.quant(r, c));
            }
        }
    }

    /**
     * The vector kernel's quantization is the scalar one's bit for bit: random rows of every length
     * around the block size, exact halves of both signs, zero blocks, float extremes and subnormals;
     * and both name the first value that is NaN or infinite.
     */
    @Test
    void vectorQuantizationEqualsTheScalarOneBitForBit() {
        Kernels scalar = new ScalarKernels();
        Kernels best = Kernels.best();
        Random random = new Random(11);
        for (int n : new int[] {1, 31, 32, 33, 64, 95, 96, 200, 3072}) {
            for (int trial = 0; trial < 20; trial++) {
                float[] x = new float[n];
                double scale = Math.pow(10, random.nextInt(12) - 6);
                for (int c = 0; c < n; c++) x[c] = (float) (scale * random.nextGaussian());
                if (trial == 1) java.util.Arrays.fill(x, 0f);                        // all-zero blocks
                if (trial == 2) for (int c = 0; c < n; c++) x[c] = c % 32 == 0 ? 127f : (c % 7 - 3) + 0.5f; // halves
                if (trial == 3) for (int c = 0; c < n; c++) x[c] = (c % 2 == 0 ? 1 : -1) * Float.MAX_VALUE / (1 + c % 5);
                if (trial == 4) for (int c = 0; c < n; c++) x[c] = (c % 3 - 1) * Float.MIN_VALUE * (c % 11); // subnormals
                if (trial == 5) for (int c = 0; c < n; c++) x[c] = c % 2 == 0 ? -0.0f : 0.0f;
                byte[] qs = new byte[n];
                byte[] qv = new byte[n];
                short[] ds = new short[Q8Matrix.blocksPerRow(n)];
                short[] dv = new short[ds.length];
                assertThat(scalar.quantizeQ8(x, n, qs, ds)).isEqualTo(-1);
                assertThat(best.quantizeQ8(x, n, qv, dv)).isEqualTo(-1);
                assertThat(qv).as("n = %d, trial %d", n, trial).containsExactly(qs);
                assertThat(dv).as("n = %d, trial %d", n, trial).containsExactly(ds);
            }
        }
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int at : new int[] {0, 17, 40, 199}) {
                float[] x = new float[200];
                for (int c = 0; c < 200; c++) x[c] = (float) random.nextGaussian();
                x[at] = bad;
                x[199 - (199 - at) / 2] = at == 199 ? x[199] : Float.NaN; // a later one must not be the one named
                if (at == 199) x[199] = bad;
                assertThat(scalar.quantizeQ8(x, 200, new byte[200], new short[7])).as("%s at %d", bad, at).isEqualTo(at);
                assertThat(best.quantizeQ8(x, 200, new byte[200], new short[7])).as("%s at %d", bad, at).isEqualTo(at);
            }
        }
    }

    @Test
    void halvesRoundAwayFromZeroAsCsRoundf() {
        // d = 127/127 = 1, so x·id is x itself: 2.5 -> 3 and -2.5 -> -3 (Math.round would give -2)
        float[] x = new float[32];
        x[0] = 127;
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = -0.5f;
        x[4] = 0.49f;
        Q8Matrix q = quantize(new float[][] {x});
        assertThat(q.quant(0, 1)).isEqualTo((byte) 3);
        assertThat(q.quant(0, 2)).isEqualTo((byte) -3);
        assertThat(q.quant(0, 3)).isEqualTo((byte) -1);
        assertThat(q.quant(0, 4)).isEqualTo((byte) 0);
    }

    @Test
    void aZeroBlockHasScaleZeroAndDequantizesToExactZeros() {
        float[][] m = random(3, 2, 64, 1);
        java.util.Arrays.fill(m[0], 32, 64, 0f);
        java.util.Arrays.fill(m[1], 0f);
        Q8Matrix q = quantize(m);
        float[] row = new float[64];
        q.dequantizeRow(0, row, 0);
        assertThat(q.scale(0, 40)).isZero();
        for (int c = 32; c < 64; c++) assertThat(row[c]).isZero();
        q.dequantizeRow(1, row, 0);
        assertThat(row).containsOnly(0f);
        float[] y = new float[2];
        q.matvec(new float[64], y);
        assertThat(y).containsExactly(0f, 0f);
    }

    @Test
    void extremeValuesKeepTheirRelativeError() {
        float[][] m = new float[2][32];
        Random random = new Random(4);
        for (int c = 0; c < 32; c++) {
            m[0][c] = (float) (60000 * (random.nextDouble() * 2 - 1)); // near float16's largest scale times 127
            m[1][c] = (float) (1e-3 * (random.nextDouble() * 2 - 1));  // scale ~8e-6: a float16 subnormal
        }
        m[0][3] = 65504f;
        Q8Matrix q = quantize(m);
        float[] row = new float[32];
        for (int r = 0; r < 2; r++) {
            q.dequantizeRow(r, row, 0);
            float d = ggmlScale(m[r]);
            for (int c = 0; c < 32; c++) {
                double bound = 0.5 * d + 127 * Math.abs(d - q.scale(r, c));
                assertThat((double) Math.abs(row[c] - m[r][c])).isLessThanOrEqualTo(bound);
                assertThat((double) Math.abs(row[c] - m[r][c])).isLessThanOrEqualTo(0.01 * d * 127);
            }
        }
        assertThat(q.quant(0, 3)).isEqualTo((byte) 127);
        assertThat(row[0]).isNotZero();
    }

    @Test
    void nonFiniteValuesAreRefusedNamingWhere() {
        float[][] m = random(5, 2, 40, 1);
        m[1][33] = Float.NaN;
        assertThatThrownBy(() -> quantize(m)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1, column 33");
    }

    @Test
    void matvecEqualsTheDoublePrecisionProductOfTheDequantizedMatrix() {
        for (int cols : new int[] {32, 96, 200, 232, 768}) { // whole blocks (odd and even counts), a short last block, gpt2's width
            float[][] m = random(6 + cols, 300, cols, 0.1);
            Q8Matrix q = quantize(m); // 300 × 768 is large enough to run in parallel
            float[] x = random(7, 1, cols, 1)[0];
            float[] y = new float[300];
            q.matvec(x, y);
            float[] row = new float[cols];
            for (int r = 0; r < 300; r++) {
                q.dequantizeRow(r, row, 0);
                double want = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    want += (double) row[c] * x[c];
                    magnitude += Math.abs((double) row[c] * x[c]);
                }
                assertThat((double) y[r]).as("row %d of %d columns", r, cols).isCloseTo(want, within(1e-5 * magnitude + 1e-7));
            }
        }
    }

    @Test
    void matmulOfAFewPositionsEqualsTheDoublePrecisionProductOfTheDequantizedMatrix() {
        // t = 1..6: the kernel's four positions a pass and what remains; 200 columns: a short last block
        // and a row not a multiple of the vector width; 300 × 768 runs in parallel where it may
        for (int cols : new int[] {200, 768}) {
            float[][] m = random(20 + cols, 300, cols, 0.1);
            Q8Matrix q = quantize(m);
            float[] row = new float[cols];
            for (int t = 1; t <= 6; t++) {
                float[] x = random(21 + t, 1, t * cols, 1)[0]; // [t, cols]
                float[] y = new float[t * 300];                 // [t, 300]
                q.matmul(x, t, y);
                for (int r = 0; r < 300; r++) {
                    q.dequantizeRow(r, row, 0);
                    for (int p = 0; p < t; p++) {
                        double want = 0;
                        double magnitude = 0;
                        for (int c = 0; c < cols; c++) {
                            want += (double) row[c] * x[p * cols + c];
                            magnitude += Math.abs((double) row[c] * x[p * cols + c]);
                        }
                        assertThat((double) y[p * 300 + r]).as("row %d, position %d of %d, %d columns", r, p, t, cols)
                                .isCloseTo(want, within(1e-5 * magnitude + 1e-7));
                    }
                }
            }
        }
    }

    @Test
    void scalarAndVectorKernelsAgreeOnARowAgainstSeveralPositions() {
        float[] w = random(30, 1, 5 + 777, 1)[0];     // the row from element 5
        float[] x = random(31, 1, 9 + 7 * 777, 1)[0]; // the positions from element 9
        float[] scalar = new float[2 * 7];
        float[] vector = new float[2 * 7];
        new ScalarKernels().dotPositions(w, 5, x, 9, 7, 777, scalar, 1, 2); // y[1 + 2p]: a strided column
        Kernels.best().dotPositions(w, 5, x, 9, 7, 777, vector, 1, 2);
        for (int p = 0; p < 7; p++) {
            double want = 0;
            for (int c = 0; c < 777; c++) want += (double) w[5 + c] * x[9 + p * 777 + c];
            assertThat((double) scalar[1 + 2 * p]).isCloseTo(want, within(1e-4 * (Math.abs(want) + 1)));
            assertThat(vector[1 + 2 * p]).isCloseTo(scalar[1 + 2 * p], within(1e-4f * (Math.abs(scalar[1 + 2 * p]) + 1)));
            assertThat(scalar[1 + 2 * p]).isNotZero();
            assertThat(vector[2 * p]).isZero(); // nothing written between the strides
        }
    }

    @Test
    void scalarAndVectorKernelsAgree() {
        float[][] m = random(8, 5, 777, 1);
        Q8Matrix q = quantize(m);
        float[] padded = random(9, 1, 3 + 777, 1)[0]; // the kernels read x from element 3
        float[] x = java.util.Arrays.copyOfRange(padded, 3, 3 + 777);
        Kernels scalar = new ScalarKernels();
        Kernels best = Kernels.best();
        assertThat(best.description()).startsWith("Vector API"); // surefire runs with the module
        float[] flat = new float[5 * 777];
        for (int r = 0; r < 5; r++) q.dequantizeRow(r, flat, r * 777);
        float[] y = new float[5];
        q.matvec(x, y);
        for (int r = 0; r < 5; r++) {
            byte[] quants = new byte[777];
            short[] scales = new short[Q8Matrix.blocksPerRow(777)];
            for (int c = 0; c < 777; c++) quants[c] = q.quant(r, c);
            for (int b = 0; b < scales.length; b++) scales[b] = Float.floatToFloat16(q.scale(r, b * 32));
            float s = scalar.dotQ8(quants, 0, scales, 0, padded, 3, 777);
            float v = best.dotQ8(quants, 0, scales, 0, padded, 3, 777);
            assertThat(v).isCloseTo(s, within(1e-4f * (Math.abs(s) + 1)));
            assertThat(y[r]).isCloseTo(v, within(1e-4f * (Math.abs(s) + 1)));
        }
    }

    @Test
    void dequantizeRowsFillsAnEngineBuffer() {
        float[][] m = random(10, 40, 64, 1);
        Q8Matrix q = quantize(m);
        FloatBuffer out = FloatBuffer.allocate(10 * 64);
        q.dequantizeRows(30, 40, out);
        float[] row = new float[64];
        q.dequantizeRow(35, row, 0);
        for (int c = 0; c < 64; c++) assertThat(out.get(5 * 64 + c)).isEqualTo(row[c]);
    }

    /** Matrices laid out in an arena's shared arrays hold and multiply exactly what they hold on their own. */
    @Test
    void matricesInAnArenaEqualMatricesOnTheirOwn() {
        int[][] shapes = {{40, 64}, {30, 200}, {300, 96}, {10, 32}, {7, 33}};
        Q8Matrix.Arena arena = new Q8Matrix.Arena(java.util.Arrays.asList(shapes), 10_000); // 300 × 96 gets its own
        assertThat(arena.arrays()).isEqualTo(3);
        for (int m = 0; m < shapes.length; m++) {
            int rows = shapes[m][0];
            int cols = shapes[m][1];
            float[][] w = random(40 + m, rows, cols, 0.3);
            Q8Matrix alone = Q8Matrix.quantize(rows, cols, (r, dst) -> System.arraycopy(w[r], 0, dst, 0, cols));
            Q8Matrix placed = Q8Matrix.quantize(rows, cols, (r, dst) -> System.arraycopy(w[r], 0, dst, 0, cols), arena);
            assertThat(placed.bytes()).isEqualTo(alone.bytes());
            float[] x = random(50 + m, 1, cols, 1)[0];
            float[] a = new float[rows];
            float[] b = new float[rows];
            alone.matvec(x, a);
            placed.matvec(x, b);
            assertThat(b).as("matrix %d", m).containsExactly(a);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    assertThat(placed.quant(r, c)).isEqualTo(alone.quant(r, c));
                    assertThat(placed.scale(r, c)).isEqualTo(alone.scale(r, c));
                }
            }
        }
        float[][] w = random(60, 5, 32, 0.3); // past the layout: arrays of its own
        Q8Matrix extra = Q8Matrix.quantize(5, 32, (r, dst) -> System.arraycopy(w[r], 0, dst, 0, 32), arena);
        assertThat(extra.quant(4, 31)).isEqualTo(Q8Matrix.quantize(5, 32, (r, dst) -> System.arraycopy(w[r], 0, dst, 0, 32)).quant(4, 31));
    }
}
