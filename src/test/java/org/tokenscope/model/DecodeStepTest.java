package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tokenscope.testing.ByteTokenizerJson;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.TinyDecoder;
import org.tokenscope.testing.TinyDecoder.Spec;

/**
 * The one-token step in Java ({@link DecodeStep}) against the engine's forward pass on the same
 * q8/bf16 weights, every family's options (GPT-2's learned positions and fused q/k/v; GQA, rope
 * scaling, windows, biases, q/k norms, Gemma's sandwich norms and soft-cap), past a cache's first
 * 64 positions and every sliding window; and the cache handed between the two paths (an engine
 * append after Java steps, truncation, forks) as one session sees it.
 */
class DecodeStepTest {

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        cases.add(Arguments.of("gpt2", null, null, WeightFormat.Q8));
        cases.add(Arguments.of("gpt2", null, null, WeightFormat.BF16));
        DecoderFamiliesTest.families().forEach(a -> {
            Object[] f = a.get();
            cases.add(Arguments.of(f[0], f[1], f[2], WeightFormat.Q8));
        });
        return cases.build();
    }

    private LanguageModel load(String label, Spec spec, DType dtype, WeightFormat format) throws Exception {
        if (spec == null) {
            CheckpointWriter.write(QuantizedModelTest.GPT2, dir);
        } else {
            TinyDecoder.random(21, spec).roundedTo(dtype).write(dir, dtype, 1);
            ByteTokenizerJson.write(dir);
        }
        return LanguageModel.load(dir, label, format, (done, total) -> { });
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("cases")
    void javaStepsEqualTheEnginesStep(String label, Spec spec, DType dtype, WeightFormat format) throws Exception {
        try (LanguageModel model = load(label, spec, dtype, format);
             LanguageModel.Session java = model.newSession();
             LanguageModel.Session engine = model.newSession()) {
            assertThat(model.stepsInJava()).isTrue();
            int[] ids = DecoderFamiliesTest.randomIds(5, Math.min(75, model.contextLength())); // tiny gpt2: 64
            int[] prompt = Arrays.copyOf(ids, 5);
            assertClose(java.append(prompt), engine.appendThroughEngine(prompt), "prompt");
            for (int n = 5; n < ids.length; n++) { // up to 70 steps: past the cache's first 64 and every window
                int[] next = {ids[n]};
                assertClose(java.append(next), engine.appendThroughEngine(next), "step " + (n - 5));
            }
        }
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("cases")
    void promptsUpToTheJavaLimitEqualTheEngines(String label, Spec spec, DType dtype, WeightFormat format)
            throws Exception {
        assertThat(DecodeStep.POSITIONS).isGreaterThanOrEqualTo(37);                 // so these prompts run in Java
        int[] ids = DecoderFamiliesTest.randomIds(7, 50);
        try (LanguageModel model = load(label, spec, dtype, format);
             LanguageModel.Session java = model.newSession();
             LanguageModel.Session engine = model.newSession()) {
            int[] prompt = Arrays.copyOf(ids, 37);                                 // 9 tiles of 4 and one position
            assertClose(java.append(prompt), engine.appendThroughEngine(prompt), "37-token prompt");
            int[] more = Arrays.copyOfRange(ids, 37, 37 + 8);                     // a second prompt after the first
            assertClose(java.append(more), engine.appendThroughEngine(more), "8 more");
            for (int n = 45; n < 50; n++) {
                int[] next = {ids[n]};
                assertClose(java.append(next), engine.appendThroughEngine(next), "step " + (n - 45));
            }
        }
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("cases")
    void theCachePassesBetweenJavaAndEngine(String label, Spec spec, DType dtype, WeightFormat format) throws Exception {
        int[] ids = DecoderFamiliesTest.randomIds(6, 46);
        try (LanguageModel model = load(label, spec, dtype, format);
             LanguageModel.Session mixed = model.newSession();
             LanguageModel.Session engine = model.newSession()) {
            mixed.append(Arrays.copyOf(ids, 4));
            for (int n = 4; n < 10; n++) {
                mixed.append(new int[] {ids[n]});                            // Java steps: keys only in Java
            }
            float[] got = mixed.append(Arrays.copyOfRange(ids, 10, 14)); // the engine reads them
            float[] want = engine.appendThroughEngine(Arrays.copyOf(ids, 14));
            assertClose(got, want, "engine append after Java steps");

            mixed.truncate(8);                                                // back into Java-made positions
            engine.truncate(8);
            assertClose(mixed.append(new int[] {ids[20]}), engine.appendThroughEngine(new int[] {ids[20]}), "after truncate");
            try (LanguageModel.Session fork = mixed.fork()) {
                float[] forked = fork.append(new int[] {ids[21]});
                float[] again = mixed.append(new int[] {ids[21]});
                assertThat(forked).containsExactly(again, within(1e-6f));
            }
            float[] scored = mixed.append(Arrays.copyOfRange(ids, 22, 25));          // three positions in Java
            float[] throughEngine = mixed.appendThroughEngine(Arrays.copyOfRange(ids, 25, 45)); // 20 in the engine
            engine.appendThroughEngine(new int[] {ids[21]});
            assertClose(scored, engine.appendThroughEngine(Arrays.copyOfRange(ids, 22, 25)), "Java prompt after fork");
            assertClose(throughEngine, engine.appendThroughEngine(Arrays.copyOfRange(ids, 25, 45)), "engine after Java");
            assertClose(mixed.append(new int[] {ids[45]}), engine.appendThroughEngine(new int[] {ids[45]}), "Java after engine");
        }
    }

    @Test
    void float32WeightsStepThroughTheEngine() throws Exception {
        CheckpointWriter.write(QuantizedModelTest.GPT2, dir);
        try (LanguageModel model = LanguageModel.load(dir, "tiny")) {
            assertThat(model.stepsInJava()).isFalse();
        }
    }

    @Test
    void erfIsRightToFloatPrecision() {
        double[][] known = {{0, 0}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149}, {-2, -0.9953222650189527},
                {3, 0.9999779095030014}, {-0.1, -0.1124629160182849}};
        for (double[] k : known) {
            assertThat(DecodeStep.erf(k[0])).as("erf(%s)", k[0]).isCloseTo(k[1], within(2e-7));
        }
    }

    /** Equal to float32 noise: 1e-4 of the logits' largest magnitude. */
    private static void assertClose(float[] got, float[] want, String where) {
        float scale = 0;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        assertThat(got).as(where).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s, logit %d", where, i).isCloseTo(want[i], within(1e-4f * Math.max(1, scale)));
        }
    }
}
