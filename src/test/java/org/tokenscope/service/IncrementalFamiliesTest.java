package org.tokenscope.service;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.ByteTokenizerJson;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.TinyDecoder;
import org.tokenscope.testing.TinyDecoder.Spec;

/**
 * Incremental re-scoring on every family: grouped-query attention, sliding windows shorter than the
 * text, q/k norms, Gemma's local layers and soft-capping, all through the kept cache, equal a full
 * score (1e-5) after appends, deletions, mid-text edits and pastes; a context of 48 byte tokens, so
 * the longer edits are scored in windows.
 */
class IncrementalFamiliesTest {

    @TempDir
    Path dir;

    static Stream<Arguments> families() {
        Spec llama = Spec.llama(2, 4, 2, 32, 64, 384).with("context", 48);
        return Stream.of(
                Arguments.of("llama (GQA)", llama),
                Arguments.of("mistral (window 5)", llama.with("family", "mistral").with("slidingWindow", 5)
                        .with("tied", false).with("ropeTheta", 10_000)),
                Arguments.of("qwen2 (biases)", llama.with("family", "qwen2").with("tied", false)),
                Arguments.of("qwen3 (q/k norms, window from layer 1)", llama.with("family", "qwen3").with("headDim", 16)
                        .with("slidingWindow", 4).with("useSlidingWindow", true).with("maxWindowLayers", 1)),
                Arguments.of("gemma 3 (local layers, softcap)", llama.with("family", "gemma3").with("layers", 3)
                        .with("kvHeads", 1).with("headDim", 16).with("slidingWindow", 6).with("slidingPattern", 3)
                        .with("localRopeTheta", 10_000).with("ropeTheta", 1_000_000).with("queryPreAttnScalar", 24)
                        .with("finalSoftcap", 30.0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void editsEqualAFullScore(String label, Spec spec) throws Exception {
        TinyDecoder.random(5, spec).write(dir, DType.F32, 1);
        ByteTokenizerJson.write(dir);
        ScoreOptions options = new ScoreOptions(true, 3, 0);
        try (LanguageModel model = LanguageModel.load(dir, label); IncrementalScorer scorer = new IncrementalScorer(model)) {
            for (String text : IncrementalScorerTest.edits("The fox jumps over the dog. It was sunny and")) {
                ScoredText got = scorer.score(text, options, () -> false, (d, t) -> { });
                IncrementalScorerTest.assertSame(got, TextScorer.score(model, text, options), label + ": " + text);
            }
        }
    }
}
