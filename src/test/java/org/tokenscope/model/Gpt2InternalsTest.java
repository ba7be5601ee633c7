package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** Attention weights, the logit lens and block norms against the plain-Java reference. */
class Gpt2InternalsTest {

    static final TinyGpt2 TINY = TinyGpt2.random(5, 3, 4, 32, 64, 50257);
    static final int[] IDS = {15496, 995, 11, 314, 716, 257, 1332, 13};

    @TempDir
    static Path dir;
    static LanguageModel model;
    static TinyGpt2.Trace trace;

    @BeforeAll
    static void load() throws Exception {
        model = LanguageModel.load(CheckpointWriter.write(TINY, dir), "tiny");
        trace = TINY.referenceTrace(IDS);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void attentionWeightsOfTheRequestedLayersOnly() {
        Internals in = model.inspect(IDS, InspectRequest.attention(1), () -> false);
        assertThat(in.attention()).containsOnlyKeys(1);
        float[][][] w = in.attention().get(1); // [head][query][key]
        assertThat(w).hasDimensions(4, IDS.length);
        for (int h = 0; h < 4; h++) {
            for (int q = 0; q < IDS.length; q++) {
                double sum = 0;
                for (int k = 0; k < IDS.length; k++) {
                    assertThat((double) w[h][q][k]).isCloseTo(trace.attention()[1][h][q][k], within(1e-4));
                    sum += w[h][q][k];
                }
                assertThat(sum).isCloseTo(1.0, within(1e-5));
            }
        }
        assertThat(in.hasLens()).isFalse();
    }

    @Test
    void logitLensMatchesTheReferenceAtEveryLayer() {
        Internals in = model.inspect(IDS, InspectRequest.logitLens(3), () -> false);
        assertThat(in.lensRank()).hasNumberOfRows(4); // embeddings + 3 blocks
        for (int level = 0; level <= 3; level++) {
            for (int t = 0; t + 1 < IDS.length; t++) {
                double[] lp = TinyGpt2.logSoftmax(TINY.referenceLens(trace.residuals()[level][t]));
                assertThat((double) in.lensLogprob()[level][t]).isCloseTo(lp[IDS[t + 1]], within(1e-3));
                int rank = 1;
                for (double x : lp) {
                    if (x > lp[IDS[t + 1]]) {
                        rank++;
                    }
                }
                assertThat(in.lensRank()[level][t]).isEqualTo(rank);
                assertThat(in.lensTopIds()[level][t]).hasSize(3);
            }
        }
        // the last level is the model's own output
        float[][] logits = model.logits(IDS);
        int best = 0;
        for (int v = 1; v < logits[2].length; v++) {
            if (logits[2][v] > logits[2][best]) {
                best = v;
            }
        }
        assertThat(in.lensTopIds()[3][2][0]).isEqualTo(best);
        assertThat(in.residualNorm()).hasNumberOfRows(4);
        assertThat(in.attentionNorm()).hasNumberOfRows(3);
        double norm = 0;
        for (double v : trace.residuals()[2][4]) {
            norm += v * v;
        }
        assertThat((double) in.residualNorm()[2][4]).isCloseTo(Math.sqrt(norm), within(1e-3 * Math.sqrt(norm)));
    }
}
