package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tokenscope.generate.LogitsSession;
import org.tokenscope.testing.CheckpointOptions;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.TinyGpt2;

/** The DJL forward pass against the plain-Java double-precision reference in the tests. */
class Gpt2ModelTest {

    static final TinyGpt2 TINY = TinyGpt2.random(42, 2, 4, 32, 64, 50257);

    @TempDir
    Path dir;

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("f32 bare", CheckpointOptions.DEFAULT),
                Arguments.of("f32 prefixed, lm_head, mask buffers", CheckpointOptions.builder()
                        .optPrefixed(true).optLmHead(true).optMaskBuffers(true).build()),
                Arguments.of("f16", CheckpointOptions.builder().optDtype(DType.F16).build()),
                Arguments.of("bf16 prefixed", CheckpointOptions.builder().optDtype(DType.BF16).optPrefixed(true).build()),
                Arguments.of("sharded", CheckpointOptions.builder().optShards(3).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void logProbabilitiesMatchTheReference(String label, CheckpointOptions options) throws Exception {
        TinyGpt2 stored = TINY.roundedTo(options.dtype());
        CheckpointWriter.write(stored, dir, options);
        int[] ids = {15496, 995, 11, 314, 716, 257, 1332, 13, 50256, 40, 588, 4695};
        double[][] want = stored.referenceLogits(ids);
        try (LanguageModel model = LanguageModel.load(dir, "tiny")) {
            float[][] got = model.logits(ids);
            for (int t = 0; t < ids.length; t++) {
                double[] wantLp = TinyGpt2.logSoftmax(want[t]);
                double[] gotLp = TinyGpt2.logSoftmax(toDouble(got[t]));
                for (int v = 0; v < wantLp.length; v++) {
                    assertThat(gotLp[v]).as("position %d token %d", t, v).isCloseTo(wantLp[v], within(1e-3));
                }
            }
            assertThat(model.parameterCount()).isEqualTo(expectedParameters(stored));
        }
    }

    @Test
    void scoreNextAgreesWithTheReference() throws Exception {
        CheckpointWriter.write(TINY, dir);
        int[] ids = {15496, 995, 11, 314, 716, 257, 1332, 13};
        int[] targets = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
            targets[t] = t + 1 < ids.length ? ids[t + 1] : -1;
        }
        double[][] ref = TINY.referenceLogits(ids);
        try (LanguageModel model = LanguageModel.load(dir, "tiny")) {
            NextTokenStats stats = model.scoreNext(ids, targets, 5, () -> false);
            assertThat(stats.scored()[ids.length - 1]).isFalse();
            for (int t = 0; t + 1 < ids.length; t++) {
                double[] lp = TinyGpt2.logSoftmax(ref[t]);
                assertThat(stats.logprob()[t]).isCloseTo((float) lp[ids[t + 1]], within(1e-3f));
                assertThat(stats.entropy()[t]).isCloseTo((float) TinyGpt2.entropy(ref[t]), within(1e-3f));
                int rank = 1;
                for (double x : lp) {
                    if (x > lp[ids[t + 1]]) {
                        rank++;
                    }
                }
                assertThat(stats.rank()[t]).isEqualTo(rank);
                int best = 0;
                for (int v = 1; v < lp.length; v++) {
                    if (lp[v] > lp[best]) {
                        best = v;
                    }
                }
                assertThat(stats.topIds()[t]).hasSize(5);
                assertThat(stats.topIds()[t][0]).isEqualTo(best);
                assertThat(stats.topLogprobs()[t][0]).isCloseTo((float) lp[best], within(1e-3f));
            }
        }
    }

    @Test
    void cachedDecodingEqualsTheFullPass() throws Exception {
        CheckpointWriter.write(TINY, dir);
        int[] ids = {15496, 995, 11, 314, 716, 257, 1332, 13};
        try (LanguageModel model = LanguageModel.load(dir, "tiny")) {
            float[][] full = model.logits(ids);
            try (LogitsSession session = model.newSession()) {
                float[] afterPrompt = session.append(new int[] {ids[0], ids[1], ids[2]});
                assertClose(afterPrompt, full[2], 1e-4);
                for (int t = 3; t < ids.length; t++) {
                    float[] step = session.append(new int[] {ids[t]});
                    assertClose(step, full[t], 1e-4);
                    if (t == 5) {
                        try (LogitsSession fork = session.fork()) {
                            assertClose(fork.append(new int[] {ids[6]}), full[6], 1e-4);
                        }
                    }
                }
                assertThat(session.length()).isEqualTo(ids.length);
            }
        }
    }

    /** Past 128 positions attention runs a block of queries at a time, and the cache grows its buffers. */
    @Test
    void longPassesAndAGrowingCacheMatchTheReference() throws Exception {
        TinyGpt2 wide = TinyGpt2.random(43, 2, 4, 32, 320, 50257);
        CheckpointWriter.write(wide, dir);
        int[] ids = new int[300];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int t = 0; t < ids.length; t++) {
            ids[t] = random.nextInt(50257);
        }
        double[][] want = wide.referenceLogits(ids);
        try (LanguageModel model = LanguageModel.load(dir, "wide")) {
            float[][] full = model.logits(ids);
            for (int t : new int[] {0, 1, 127, 128, 129, 255, 256, 299}) {
                double[] wantLp = TinyGpt2.logSoftmax(want[t]);
                double[] gotLp = TinyGpt2.logSoftmax(toDouble(full[t]));
                for (int v = 0; v < wantLp.length; v += 7) {
                    assertThat(gotLp[v]).as("position %d token %d", t, v).isCloseTo(wantLp[v], within(1e-3));
                }
            }
            try (LogitsSession session = model.newSession()) {
                session.append(java.util.Arrays.copyOfRange(ids, 0, 50));
                // 250 new positions after 50 cached ones: blocks of queries over a cache that grows past 64
                assertClose(session.append(java.util.Arrays.copyOfRange(ids, 50, 300)), full[299], 1e-4);
            }
            try (LogitsSession session = model.newSession()) {
                assertClose(session.append(java.util.Arrays.copyOfRange(ids, 0, 60)), full[59], 1e-4);
                for (int t = 60; t < 140; t++) { // one at a time across the growth at 64 and 128
                    assertClose(session.append(new int[] {ids[t]}), full[t], 1e-4);
                    if (t == 100) {
                        try (LogitsSession fork = session.fork()) {
                            assertClose(fork.append(new int[] {ids[101], ids[102]}), full[102], 1e-4);
                        }
                    }
                }
            }
        }
    }

    private static long expectedParameters(TinyGpt2 m) {
        long n = 0;
        for (float[] t : m.tensors().values()) {
            n += t.length;
        }
        return n;
    }

    private static void assertClose(float[] got, float[] want, double tolerance) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("logit %d", i).isCloseTo(want[i], within(tolerance));
        }
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
