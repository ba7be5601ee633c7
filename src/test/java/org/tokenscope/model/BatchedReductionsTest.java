package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.service.Detector;
import org.tokenscope.testing.ByteTokenizerJson;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.TinyDecoder;
import org.tokenscope.testing.TinyGpt2;

/**
 * Documents of different lengths through the blocks together (right-padded into one [B, T, E] pass)
 * give what each gives alone, on GPT-2 and on a Llama-style decoder (RoPE, grouped-query attention),
 * in f32 and q8; a document longer than the context is cut into windows that join the batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchedReductionsTest {

    static final int CONTEXT = 64;

    final List<LanguageModel> open = new ArrayList<>();
    LanguageModel gpt2A;
    LanguageModel gpt2B;
    LanguageModel llamaA;
    LanguageModel llamaB;
    LanguageModel llamaQ8;

    @BeforeAll
    void load(@TempDir Path dir) throws Exception {
        gpt2A = keep(LanguageModel.load(CheckpointWriter.write(TinyGpt2.random(31, 2, 4, 32, CONTEXT, 50257), dir.resolve("ga")), "ga"));
        gpt2B = keep(LanguageModel.load(CheckpointWriter.write(TinyGpt2.random(32, 2, 4, 48, CONTEXT, 50257), dir.resolve("gb")), "gb"));
        TinyDecoder.Spec spec = TinyDecoder.Spec.llama(2, 4, 2, 32, 64, 384).with("context", CONTEXT);
        Path la = TinyDecoder.random(33, spec).write(dir.resolve("la"), DType.F32, 1);
        ByteTokenizerJson.write(la);
        Path lb = TinyDecoder.random(34, spec.with("layers", 3)).write(dir.resolve("lb"), DType.F32, 1);
        ByteTokenizerJson.write(lb);
        llamaA = keep(LanguageModel.load(la, "la"));
        llamaB = keep(LanguageModel.load(lb, "lb"));
        llamaQ8 = keep(LanguageModel.load(la, "la-q8", WeightFormat.Q8, (done, total) -> { }));
    }

    private LanguageModel keep(LanguageModel m) {
        open.add(m);
        return m;
    }

    @AfterAll
    void close() {
        open.forEach(LanguageModel::close);
    }

    Stream<Arguments> pairs() {
        return Stream.of(Arguments.of("gpt2", gpt2A, gpt2B), Arguments.of("llama", llamaA, llamaB),
                Arguments.of("llama q8 alone", llamaQ8, null));
    }

    /** Sequences of 3 to 64 ids, every position after the first scored, one scoring only its second half. */
    static List<PairReductions.Sequence> sequences(int vocab) {
        Random random = new Random(5);
        List<PairReductions.Sequence> out = new ArrayList<>();
        for (int length : new int[] {12, 3, 40, 64, 11, 13, 38, 64, 1}) {
            int[] ids = random.ints(length, 0, vocab).toArray();
            int[] targets = new int[length];
            Arrays.fill(targets, -1);
            int from = out.size() == 2 ? length / 2 : 0;
            for (int t = from; t + 1 < length; t++) {
                targets[t] = ids[t + 1];
            }
            out.add(new PairReductions.Sequence(ids, targets));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false) // the models are closed once, after all
    @MethodSource("pairs")
    void aBatchGivesWhatEachSequenceGivesAlone(String name, LanguageModel a, LanguageModel b) {
        List<PairReductions.Sequence> batch = sequences(a.vocabSize());
        List<List<Integer>> groups = PairReductions.groups(batch);
        assertThat(groups).as("some sequences share a pass").anyMatch(g -> g.size() > 1);
        assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(batch.size() - 1); // the 1-id one scores nothing
        List<PairReductions.Result> together = PairReductions.run(a, b, batch, () -> false);
        for (int i = 0; i < batch.size(); i++) {
            PairReductions.Result alone = PairReductions.run(a, b, List.of(batch.get(i)), () -> false).get(0);
            PairReductions.Result r = together.get(i);
            assertThat(r.scored()).isEqualTo(alone.scored());
            same(r.a(), alone.a(), name + " A, sequence " + i);
            if (b != null) {
                same(r.b(), alone.b(), name + " B, sequence " + i);
                close(r.crossEntropy(), alone.crossEntropy(), name + " cross-entropy " + i);
                close(r.fdgMean(), alone.fdgMean(), name + " μ " + i);
                close(r.fdgVariance(), alone.fdgVariance(), name + " σ² " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false) // the models are closed once, after all
    @MethodSource("pairs")
    void documentsOneLongerThanTheContextGiveWhatEachGivesAlone(String name, LanguageModel a, LanguageModel b) {
        List<TokenizedText> docs = Stream.of("A short one.", "Another document, of a middling length, about rivers.",
                        "xy",
                        "A long document that goes on and on past the context of the model, so that it is cut into "
                                + "windows which join the batch beside the short ones; it says little else at all, but "
                                + "it says it at length, sentence after sentence, until every model has to cut it up. "
                                + "Then it goes on some more, a paragraph of words that nobody will read, about gardens "
                                + "and rivers, trains and winter mornings, the village doctor and the old market hall.")
                .map(t -> a.tokenizer().encode(t)).toList();
        assertThat(docs.get(3).size()).isGreaterThan(CONTEXT);
        List<TextDetection> together = Detector.detect(a, b, docs, true, 0, () -> false);
        for (int i = 0; i < docs.size(); i++) {
            TextDetection alone = Detector.detect(a, b, List.of(docs.get(i)), true, 0, () -> false).get(0);
            TextDetection t = together.get(i);
            assertThat(t.positions()).isEqualTo(alone.positions());
            close(t.a().logprob(), alone.a().logprob(), name + " log p, document " + i);
            close(t.a().entropy(), alone.a().entropy(), name + " entropy, document " + i);
            assertThat(t.a().rank()).isEqualTo(alone.a().rank());
            assertThat(t.fastDetectGpt()).isCloseTo(alone.fastDetectGpt(), within(1e-4 * Math.max(1, Math.abs(alone.fastDetectGpt()))));
            if (b != null) {
                close(t.pair().crossEntropy(), alone.pair().crossEntropy(), name + " cross-entropy, document " + i);
                assertThat(t.binoculars()).isCloseTo(alone.binoculars(), within(1e-4 * Math.abs(alone.binoculars())));
            }
        }
    }

    private static void same(PairReductions.Side x, PairReductions.Side y, String what) {
        close(x.logprob(), y.logprob(), what + " log p");
        close(x.entropy(), y.entropy(), what + " entropy");
        close(x.selfVariance(), y.selfVariance(), what + " self-variance");
        assertThat(x.rank()).as(what + " rank").isEqualTo(y.rank());
    }

    private static void close(float[] x, float[] y, String what) {
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.length; i++) {
            assertThat((double) x[i]).as("%s at %d", what, i).isCloseTo(y[i], within(1e-4 * Math.max(1, Math.abs(y[i]))));
        }
    }

    private static void close(double[] x, double[] y, String what) {
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).as("%s at %d", what, i).isCloseTo(y[i], within(1e-4 * Math.max(1, Math.abs(y[i]))));
        }
    }
}
