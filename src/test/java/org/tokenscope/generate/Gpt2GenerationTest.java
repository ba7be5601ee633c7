package org.tokenscope.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.Distribution;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** Generation on the real engine, checked against fresh uncached forward passes. */
class Gpt2GenerationTest {

    @TempDir
    static Path dir;
    static LanguageModel model;
    static final int[] PROMPT = {15496, 995, 11, 314};

    @BeforeAll
    static void load() throws Exception {
        model = LanguageModel.load(CheckpointWriter.write(TinyGpt2.random(11, 2, 4, 32, 64, 50257), dir), "tiny");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationResult run(Strategy strategy, int n) {
        return new Generator(model).generate(GenerationRequest.builder().setPrompt(PROMPT).setMaxNewTokens(n)
                .optStrategy(strategy).build());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void greedyIsTheArgmaxOfTheFullForwardPassAtEveryStep() {
        Sequence s = run(new Greedy(), 12).best();
        int[] seq = PROMPT.clone();
        for (Step step : s.steps()) {
            float[][] logits = model.logits(seq);              // uncached, whole sequence
            float[] last = logits[seq.length - 1];
            int argmax = 0;
            for (int v = 1; v < last.length; v++) {
                if (last[v] > last[argmax]) {
                    argmax = v;
                }
            }
            assertThat(step.id()).isEqualTo(argmax);
            assertThat(step.logprob()).isCloseTo(Distribution.logProb(last, argmax), within(1e-4));
            assertThat(step.rank()).isEqualTo(1);
            seq = concat(seq, new int[] {step.id()});
            if (step.id() == model.endOfTextId()) {
                break;
            }
        }
    }

    @Test
    void cachedAndUncachedLogitsAgreeOnEveryStep() {
        Sequence s = run(new Greedy(), 10).best();
        int[] all = concat(PROMPT, s.ids());
        float[][] full = model.logits(all);
        try (LogitsSession session = model.newSession()) {
            float[] logits = session.append(PROMPT);
            for (int t = PROMPT.length - 1; t < all.length - 1; t++) {
                for (int v = 0; v < logits.length; v++) {
                    assertThat((double) logits[v]).isCloseTo(full[t][v], within(1e-4));
                }
                logits = session.append(new int[] {all[t + 1]});
            }
        }
    }

    @Test
    void oneBeamIsGreedy() {
        Sequence greedy = run(new Greedy(), 8).best();
        Sequence beam = run(BeamSearch.of(1), 8).best();
        assertThat(beam.ids()).containsExactly(greedy.ids());
    }

    @Test
    void everyBeamsStepsMatchAFreshForwardPassAndItsScoreFollows() {
        GenerationResult result = run(BeamSearch.of(3).withLengthPenalty(1.5), 6);
        assertThat(result.sequences()).hasSizeGreaterThanOrEqualTo(2);
        for (Sequence beam : result.sequences()) {
            int[] all = concat(PROMPT, beam.ids());
            float[][] full = model.logits(all);
            double sum = 0;
            for (int i = 0; i < beam.steps().size(); i++) {
                Step step = beam.steps().get(i);
                double want = Distribution.logProb(full[PROMPT.length - 1 + i], step.id());
                assertThat(step.logprob()).isCloseTo(want, within(1e-4));
                sum += want;
            }
            assertThat(beam.score()).isCloseTo(sum / Math.pow(beam.steps().size(), 1.5), within(1e-4));
        }
        for (int i = 1; i < result.sequences().size(); i++) {
            assertThat(result.sequences().get(i).score()).isLessThanOrEqualTo(result.sequences().get(i - 1).score());
        }
    }

    @Test
    void seededSamplingRepeatsAndSeedsDiffer() {
        Sequence a = run(Sampling.of(1.0, 0, 1.0, 1.0, 42), 12).best();
        Sequence b = run(Sampling.of(1.0, 0, 1.0, 1.0, 42), 12).best();
        Sequence c = run(Sampling.of(1.0, 0, 1.0, 1.0, 43), 12).best();
        assertThat(b.ids()).containsExactly(a.ids());
        assertThat(c.ids()).isNotEqualTo(a.ids());
        for (Step step : a.steps()) {
            assertThat(step.sampleProb()).isNotNull().isBetween(0.0, 1.0);
        }
    }

    @Test
    void topKOneSamplingIsGreedy() {
        Sequence greedy = run(new Greedy(), 10).best();
        Sequence sampled = run(Sampling.of(0.7, 1, 1.0, 1.0, 5), 10).best();
        assertThat(sampled.ids()).containsExactly(greedy.ids());
        for (Step step : sampled.steps()) {
            assertThat(step.sampleProb()).isEqualTo(1.0);
        }
    }

    @Test
    void pastTheContextIsAClearRefusal() {
        assertThatThrownBy(() -> run(new Greedy(), 61)).hasMessageContaining("context");
    }
}
