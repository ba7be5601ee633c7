package org.tokenscope.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.Distribution;

class GeneratorTest {

    private static final int[] PROMPT = {0, 2, 1};

    private static GenerationRequest request(int maxNewTokens, Strategy strategy) {
        return GenerationRequest.builder().setPrompt(PROMPT).setMaxNewTokens(maxNewTokens).optStrategy(strategy).build();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void greedyIsStepByStepArgmaxOfTheFullForwardPass() {
        for (long seed = 0; seed < 20; seed++) {
            FakeModel model = FakeModel.hashed(seed, 64);
            Sequence s = new Generator(model).generate(request(30, new Greedy())).best();
            int[] seq = PROMPT.clone();
            for (int k = 0; k < s.length(); k++) {
                float[] logits = model.logitsOf(seq);
                int argmax = 0;
                for (int v = 1; v < logits.length; v++) if (logits[v] > logits[argmax]) argmax = v;
                assertThat(s.ids()[k]).as("seed %d step %d", seed, k).isEqualTo(argmax);
                Step step = s.steps().get(k);
                assertThat(step.logprob()).isCloseTo(Distribution.logProb(logits, argmax), within(1e-12));
                assertThat(step.processedLogprob()).isCloseTo(step.logprob(), within(1e-12));
                assertThat(step.rank()).isEqualTo(1);
                assertThat(step.entropy()).isCloseTo(Distribution.entropy(logits), within(1e-12));
                assertThat(step.sampleProb()).isNull();
                assertThat(step.top()).hasSize(5);
                assertThat(step.top().get(0).id()).isEqualTo(argmax);
                seq = concat(seq, new int[] {argmax});
            }
            boolean endedAtEos = s.stopReason() == StopReason.END_OF_TEXT;
            assertThat(endedAtEos || s.length() == 30).isTrue();
            if (endedAtEos) assertThat(s.ids()[s.length() - 1]).isEqualTo(FakeModel.EOS);
            assertThat(s.score()).isCloseTo(s.steps().stream().mapToDouble(Step::logprob).sum(), within(1e-12));
            assertThat(model.openSessions).isZero();
        }
    }

    @Test
    void eachStepFeedsOnlyOneNewPosition() {
        FakeModel model = FakeModel.scripted(PROMPT.length, 0, 1, 3, 7, 8);
        Sequence s = new Generator(model).generate(request(5, new Greedy())).best();
        assertThat(s.ids()).containsExactly(0, 1, 3, 7, 8);
        assertThat(s.stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
        assertThat(model.positionsFed).isEqualTo(PROMPT.length + 4); // the last token is never fed
        assertThat(model.sessionsOpened).isEqualTo(1);
        assertThat(model.openSessions).isZero();
    }

    @Test
    void greedyAppliesTheRepetitionPenaltyBeforeTheArgmax() {
        FakeModel model = FakeModel.hashed(3, 64);
        RepetitionPenalty penalty = new RepetitionPenalty(50);
        Sequence s = new Generator(model).generate(request(12, Greedy.withRepetitionPenalty(50))).best();
        int[] seq = PROMPT.clone();
        for (int k = 0; k < s.length(); k++) {
            double[] scores = penalty.process(seq, Generator.toDouble(model.logitsOf(seq)));
            assertThat(s.ids()[k]).isEqualTo(Generator.argmax(scores));
            assertThat(s.steps().get(k).processedLogprob())
                    .isCloseTo(scores[s.ids()[k]] - Distribution.logSumExp(scores), within(1e-12));
            seq = concat(seq, new int[] {s.ids()[k]});
        }
        // with such a penalty no token repeats while unseen ones remain
        long distinct = Arrays.stream(s.ids()).distinct().count();
        assertThat(distinct).isGreaterThan(5);
    }

    @Test
    void seededSamplingRepeatsExactlyAndSeedsDiffer() {
        FakeModel model = FakeModel.hashed(5, 64);
        Generator g = new Generator(model);
        GenerationResult a = g.generate(request(40, Sampling.of(1.3, 0, 1.0, 1.0, 1234)));
        GenerationResult b = g.generate(request(40, Sampling.of(1.3, 0, 1.0, 1.0, 1234)));
        GenerationResult c = g.generate(request(40, Sampling.of(1.3, 0, 1.0, 1.0, 99)));
        assertThat(a).isEqualTo(b);
        assertThat(a.best().ids()).isNotEqualTo(c.best().ids());
    }

    @Test
    void sampleProbIsTheProbabilityUnderTheProcessedDistribution() {
        FakeModel model = FakeModel.hashed(8, 64);
        Sampling sampling = Sampling.of(0.8, 6, 0.9, 1.1, 7);
        Sequence s = new Generator(model).generate(request(20, sampling)).best();
        int[] seq = PROMPT.clone();
        for (Step step : s.steps()) {
            float[] raw = model.logitsOf(seq);
            double[] processed = sampling.processor().process(seq, Generator.toDouble(raw));
            double lse = Distribution.logSumExp(processed);
            assertThat(step.sampleProb()).isCloseTo(Math.exp(processed[step.id()] - lse), within(1e-12));
            assertThat(step.sampleProb()).isPositive();
            assertThat(step.logprob()).isCloseTo(Distribution.logProb(raw, step.id()), within(1e-12));
            seq = concat(seq, new int[] {step.id()});
        }
    }

    @Test
    void topKOfOneSamplingEqualsGreedy() {
        for (long seed = 0; seed < 10; seed++) {
            FakeModel model = FakeModel.hashed(seed, 64);
            Generator g = new Generator(model);
            Sequence greedy = g.generate(request(25, new Greedy())).best();
            Sequence sampled = g.generate(request(25, Sampling.of(1.0, 1, 1.0, 1.0, seed))).best();
            assertThat(sampled.ids()).isEqualTo(greedy.ids());
            assertThat(sampled.steps()).allSatisfy(st -> assertThat(st.sampleProb()).isEqualTo(1.0));
        }
    }

    @Test
    void samplingFollowsTheDistribution() {
        // the first token, sampled many times with different seeds, follows softmax(logits / T)
        FakeModel model = FakeModel.hashed(12, 64);
        float[] logits = model.logitsOf(PROMPT);
        double t = 1.5;
        int runs = 4000;
        int[] counts = new int[logits.length];
        Generator g = new Generator(model);
        for (int seed = 0; seed < runs; seed++) {
            counts[g.generate(request(1, Sampling.of(t, 0, 1.0, 1.0, seed))).best().ids()[0]]++;
        }
        double[] scaled = new Temperature(t).process(PROMPT, Generator.toDouble(logits));
        double lse = Distribution.logSumExp(scaled);
        for (int v = 0; v < logits.length; v++) {
            double p = Math.exp(scaled[v] - lse);
            assertThat((double) counts[v] / runs).as("token %d", v).isCloseTo(p, within(4 * Math.sqrt(p * (1 - p) / runs) + 1e-3));
        }
    }

    @Test
    void anEmojiSplitOverTwoTokensIsStreamedOnlyOnceComplete() {
        // a, first half of 😀, second half, é, first half again (left incomplete at the end)
        FakeModel model = FakeModel.scripted(PROMPT.length, 0, 5, 6, 4, 5);
        List<String> pieces = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onStep(Step step) {
                steps.add(step);
                pieces.add("|step|");
            }

            @Override
            public void onText(String text) {
                pieces.add(text);
            }
        };
        Sequence s = new Generator(model).generate(request(5, new Greedy()), listener, () -> false).best();
        // the unfinished 😀 at the end is one U+FFFD, as transformers' decode writes it: never \\xNN
        assertThat(pieces).containsExactly("|step|", "a", "|step|", "|step|", "😀", "|step|", "é", "|step|", "\uFFFD");
        assertThat(s.text()).isEqualTo("a😀é\uFFFD");
        assertThat(String.join("", pieces.stream().filter(p -> !p.equals("|step|")).toList())).isEqualTo(s.text());
        // each step shows its token as the heatmap does: the split character with the part it holds
        assertThat(s.steps()).extracting(Step::text).containsExactly("a", "😀¹⁄₂", "😀²⁄₂", "é", "\uFFFD");
        assertThat(s.steps()).extracting(Step::id).isEqualTo(steps.stream().map(Step::id).toList());
        assertThat(s.text() + String.join("", s.steps().stream().map(Step::text).toList())).doesNotContain("\\x");
    }

    @Test
    void endOfTextStopsAndIsKeptAsAnIdButNotAsText() {
        FakeModel model = FakeModel.scripted(PROMPT.length, 0, 1, FakeModel.EOS, 3);
        List<String> text = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onText(String t) {
                text.add(t);
            }
        };
        Sequence s = new Generator(model).generate(request(10, new Greedy()), listener, () -> false).best();
        assertThat(s.ids()).containsExactly(0, 1, FakeModel.EOS);
        assertThat(s.stopReason()).isEqualTo(StopReason.END_OF_TEXT);
        assertThat(s.text()).isEqualTo("ab");
        assertThat(text).containsExactly("a", "b");
        assertThat(s.steps().get(2).text()).isEqualTo("<|endoftext|>");
    }

    @Test
    void stopStringEndsGenerationEvenAcrossTokensAndThePrompt() {
        FakeModel model = FakeModel.scripted(PROMPT.length, 3, 7, 8, 0, 0, 0);
        Generator g = new Generator(model);
        GenerationRequest across = GenerationRequest.builder().setPrompt(PROMPT).setMaxNewTokens(6)
                .optStopStrings(List.of("zz", "cd")).build();
        Sequence s = g.generate(across).best();
        assertThat(s.ids()).containsExactly(3, 7);
        assertThat(s.text()).isEqualTo("cd");
        assertThat(s.stopReason()).isEqualTo(StopReason.STOP_STRING);
        // the prompt "a b" ends in "b"; a stop string "bc" starts in the prompt
        GenerationRequest fromPrompt = GenerationRequest.builder().setPrompt(PROMPT).setMaxNewTokens(6)
                .optStopStrings(List.of("bc")).build();
        assertThat(g.generate(fromPrompt).best().ids()).containsExactly(3);
        // a token may run past the end of the stop string ("xy" reaches "x")
        FakeModel xy = FakeModel.scripted(PROMPT.length, 3, 10, 0);
        GenerationRequest overhang = GenerationRequest.builder().setPrompt(PROMPT).setMaxNewTokens(6)
                .optStopStrings(List.of("cx")).build();
        assertThat(new Generator(xy).generate(overhang).best().ids()).containsExactly(3, 10);
    }

    @Test
    void cancellationStopsBetweenSteps() {
        FakeModel model = FakeModel.hashed(1, 64);
        AtomicInteger steps = new AtomicInteger();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onStep(Step step) {
                steps.incrementAndGet();
            }
        };
        GenerationResult r = new Generator(model).generate(
                request(30, Sampling.of(1.0, 0, 1.0, 1.0, 3)), listener, () -> steps.get() >= 4);
        assertThat(r.cancelled()).isTrue();
        assertThat(r.best().length()).isEqualTo(4);
        assertThat(r.best().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(model.positionsFed).isEqualTo(PROMPT.length + 3);
        assertThat(model.openSessions).isZero();
        // the 4 tokens are those of the uncancelled run
        GenerationResult full = new Generator(model).generate(request(30, Sampling.of(1.0, 0, 1.0, 1.0, 3)));
        assertThat(Arrays.copyOf(full.best().ids(), 4)).isEqualTo(r.best().ids());

        FakeModel untouched = FakeModel.hashed(1, 64);
        GenerationResult before = new Generator(untouched).generate(request(30, new Greedy()), GenerationListener.NONE, () -> true);
        assertThat(before.cancelled()).isTrue();
        assertThat(before.best().length()).isZero();
        assertThat(untouched.sessionsOpened).isZero();
    }

    @Test
    void theContextLimitIsRefusedWithOneClearSentence() {
        FakeModel model = FakeModel.hashed(1, 16);
        Generator g = new Generator(model);
        assertThatThrownBy(() -> g.generate(request(14, new Greedy())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The prompt (3 tokens) plus 14 new tokens need 17 positions, more than the model's "
                        + "context of 16; shorten the prompt or ask for at most 13 new tokens.");
        assertThat(g.generate(request(13, new Greedy())).best().length()).isPositive();
        int[] longPrompt = new int[16];
        assertThatThrownBy(() -> g.generate(GenerationRequest.builder().setPrompt(longPrompt).setMaxNewTokens(1).build()))
                .hasMessageContaining("fills the model's context of 16 tokens");
        assertThat(model.sessionsOpened).isEqualTo(1);
    }

    @Test
    void badRequestsAreRefused() {
        assertThatThrownBy(() -> GenerationRequest.builder().setPrompt().setMaxNewTokens(3).build())
                .hasMessageContaining("prompt is empty");
        assertThatThrownBy(() -> GenerationRequest.builder().setPrompt(1).setMaxNewTokens(0).build())
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> GenerationRequest.builder().setPrompt(1).build())
                .hasMessageContaining("setMaxNewTokens");
        assertThatThrownBy(() -> new Generator(FakeModel.hashed(1, 16))
                .generate(GenerationRequest.builder().setPrompt(99).setMaxNewTokens(1).build()))
                .hasMessageContaining("outside the model's vocabulary");
    }
}
