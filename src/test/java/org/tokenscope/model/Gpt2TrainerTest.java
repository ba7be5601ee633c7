package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.Gpt2TokenizerJson;

/** Training on DJL's autograd over the model's own forward pass, and saving what was learned. */
class Gpt2TrainerTest {

    static final Gpt2Config TINY = new Gpt2Config(1, 2, 32, 128, 16, 50257, 1e-5f, 50256);
    /** "The quick brown fox jumps over the lazy dog." and its first words again. */
    static final int[] SENTENCE = {50256, 464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13, 383, 2068, 7586, 21831};

    @TempDir
    Path dir;

    static Gpt2Trainer trainer(long seed) throws ModelFormatException {
        return Gpt2Trainer.builder().setConfig(TINY).setTokenizer(Gpt2TokenizerJson.cached()).optSeed(seed).build();
    }

    @Test
    void theLossGoesDownAndTheSavedModelGivesTheSameLogits() throws Exception {
        float[][] trained;
        try (Gpt2Trainer trainer = trainer(3)) {
            List<int[]> batch = List.of(SENTENCE, Arrays.copyOfRange(SENTENCE, 3, 12));
            float first = trainer.step(batch, 1e-2);
            assertThat(first).isCloseTo((float) Math.log(50257), within(0.2f));
            float last = first;
            for (int i = 0; i < 30; i++) {
                last = trainer.step(batch, 1e-2);
            }
            assertThat(trainer.steps()).isEqualTo(31);
            assertThat(last).as("loss after 31 steps").isLessThan(first / 2);
            assertThat(trainer.evaluate(List.of(SENTENCE))).isLessThan(first / 2);
            trained = trainer.logits(SENTENCE);
            trainer.save(dir);
            assertThat(trainer.parameterCount()).isEqualTo(50257L * 32 + 16 * 32 + blockParameters(32, 128) + 2 * 32);
        }
        assertThat(dir.resolve("config.json")).exists();
        assertThat(Files.mismatch(dir.resolve("tokenizer.json"), Gpt2TokenizerJson.cached())).isEqualTo(-1);
        try (LanguageModel reloaded = LanguageModel.load(dir, "reloaded")) {
            assertThat(reloaded.config()).isEqualTo(ModelConfig.gpt2(TINY));
            float[][] logits = reloaded.logits(SENTENCE);
            for (int t = 0; t < SENTENCE.length; t++) {
                for (int v = 0; v < TINY.vocab(); v++) {
                    assertThat(Math.abs(logits[t][v] - trained[t][v])).as("logit [%d][%d]", t, v).isLessThan(1e-2f);
                }
            }
        }
    }

    /**
     * DJL's {@code mul(Number)} closes the scalar array it makes while autograd still holds it for
     * the backward pass; once the GC frees its memory the gradients turn NaN. The forward pass keeps
     * its scalars alive instead: with the GC running all the time, the gradients stay finite.
     */
    /** Every weight learns: a step changes each of them, so the gradient reached them all. */
    @Test
    void oneStepChangesEveryWeight() throws Exception {
        try (Gpt2Trainer trainer = trainer(5)) {
            Map<String, float[]> before = trainer.snapshot();
            trainer.step(List.of(SENTENCE), 1e-2);
            Map<String, float[]> after = trainer.snapshot();
            assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
            for (String name : before.keySet()) {
                assertThat(Arrays.equals(before.get(name), after.get(name))).as(name + " changed").isFalse();
            }
        }
    }

    @Test
    void gradientsStayFiniteWhileTheGarbageCollectorRuns() throws Exception {
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-stress");
        collector.setDaemon(true);
        collector.start();
        try (Gpt2Trainer trainer = trainer(4)) {
            for (int i = 0; i < 8; i++) {
                assertThat(trainer.step(List.of(SENTENCE), 1e-3)).isFinite();
            }
        } finally {
            collector.interrupt();
            collector.join();
        }
    }

    @Test
    void theSameSeedGivesTheSameModel() throws Exception {
        float[][] a;
        float[][] b;
        float[][] c;
        try (Gpt2Trainer one = trainer(5); Gpt2Trainer two = trainer(5); Gpt2Trainer other = trainer(6)) {
            a = one.logits(SENTENCE);
            b = two.logits(SENTENCE);
            c = other.logits(SENTENCE);
        }
        assertThat(a[4]).containsExactly(b[4]);
        assertThat(a[4]).isNotEqualTo(c[4]);
    }

    @Test
    void aSequenceMustFitTheContextAndPredictSomething() throws Exception {
        try (Gpt2Trainer trainer = trainer(1)) {
            assertThatThrownBy(() -> trainer.step(List.of(new int[] {50256}), 1e-3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 tokens");
            assertThatThrownBy(() -> trainer.step(List.of(new int[18]), 1e-3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context of 16");
        }
    }

    @Test
    void theScheduleWarmsUpThenFollowsACosine() {
        LearningRateSchedule schedule = new LearningRateSchedule(1e-3, 1e-4, 10);
        assertThat(schedule.rate(0, 0)).isEqualTo(1e-4);
        assertThat(schedule.rate(9, 0.01)).isEqualTo(1e-3);
        assertThat(schedule.rate(10, 0)).isEqualTo(1e-3);
        assertThat(schedule.rate(50, 0.5)).isCloseTo(5.5e-4, within(1e-12));
        assertThat(schedule.rate(99, 1)).isCloseTo(1e-4, within(1e-12));
    }

    /** One block: two LayerNorms, attention (qkv and projection) and the MLP, with biases. */
    private static long blockParameters(int e, int inner) {
        return 2L * 2 * e + (long) e * 3 * e + 3L * e + (long) e * e + e + (long) e * inner + inner + (long) inner * e + e;
    }
}
