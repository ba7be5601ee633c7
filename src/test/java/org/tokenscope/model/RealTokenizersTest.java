package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.service.TextScorer;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.NpmTokenizers;
import org.tokenscope.testing.TinyDecoder;
import org.tokenscope.testing.TinyGpt2;

/**
 * The real tokenizer files of Llama 3.0 and 3.1, Qwen3, Gemma 3 and Mistral 7B (SentencePiece with
 * byte fallback) through DJL's tokenizer, against ids from tokenizers.js (an independent
 * implementation; see src/test/resources/tokenizers/make-expected-ids.mjs), and the start-of-text
 * rule each tokenizer implies when a text is scored.
 */
class RealTokenizersTest {

    static JsonNode expected;

    @TempDir
    Path dir;

    @BeforeAll
    static void readExpected() throws Exception {
        try (InputStream in = RealTokenizersTest.class.getResourceAsStream("/tokenizers/expected-ids.json")) {
            expected = new ObjectMapper().readTree(in);
        }
    }

    static Stream<Arguments> tokenizers() {
        // name, the BOS its post-processor adds (-1: none), piece style
        return Stream.of(
                Arguments.of("llama3", -1, Tokenizer.Kind.BYTE_LEVEL),
                Arguments.of("llama3_1", 128000, Tokenizer.Kind.BYTE_LEVEL),
                Arguments.of("qwen3", -1, Tokenizer.Kind.BYTE_LEVEL),
                Arguments.of("gemma3", 2, Tokenizer.Kind.SENTENCE_PIECE),
                Arguments.of("llama2", 1, Tokenizer.Kind.SENTENCE_PIECE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void idsAgreeWithTokenizersJsAndPiecesMakeTheText(String name, int bos, Tokenizer.Kind kind) throws Exception {
        try (Tokenizer tokenizer = Tokenizer.load(NpmTokenizers.folder(name))) {
            assertThat(tokenizer.kind()).isEqualTo(kind);
            assertThat(tokenizer.bosId()).isEqualTo(bos);
            JsonNode texts = expected.path("texts");
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i).asText();
                TokenizedText tokens = tokenizer.encode(text);
                assertThat(tokens.ids()).as("%s: %s", name, text).containsExactly(ints(expected.path("ids").path(name).path("plain").get(i)));
                assertThat(tokenizer.encodeWithSpecialTokens(text)).as("%s with special tokens: %s", name, text)
                        .containsExactly(ints(expected.path("ids").path(name).path("special").get(i)));
                // pieces (▁, <0xNN>, byte-level) merge into exactly the text's bytes
                java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
                for (byte[] piece : tokens.bytes()) {
                    joined.writeBytes(piece);
                }
                assertThat(joined.toByteArray()).as("%s bytes of %s", name, text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
                int covered = 0;
                for (int t = 0; t < tokens.size(); t++) {
                    assertThat(tokens.display(t)).doesNotContain("\u2581").doesNotContain("<0x");
                    if (tokens.starts()[t] >= covered) {
                        assertThat(tokens.starts()[t]).isEqualTo(covered);
                        covered = tokens.ends()[t];
                    }
                }
                assertThat(covered).isEqualTo(text.length());
            }
        }
    }

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("llama3_1", "llama", true),
                Arguments.of("llama3", "llama", false),
                Arguments.of("qwen3", "qwen3", false),
                Arguments.of("gemma3", "gemma3", true));
    }

    /**
     * A text is scored after the BOS its tokenizer adds by itself, and the first token stays unscored
     * when it adds none; every log-probability equals the reference run on exactly what was fed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void scoringStartsAsTheTokenizerSays(String name, String family, boolean startsWithBos) throws Exception {
        Tokenizer probe = Tokenizer.load(NpmTokenizers.folder(name));
        int vocab = probe.vocabSize();
        int bos = probe.bosId();
        probe.close();
        TinyDecoder.Spec spec = TinyDecoder.Spec.llama(1, 2, 1, 16, 32, vocab).with("family", family);
        if (family.equals("gemma3")) {
            spec = spec.with("headDim", 8).with("slidingWindow", 4).with("slidingPattern", 2)
                    .with("localRopeTheta", 10_000).with("queryPreAttnScalar", 8);
        }
        TinyDecoder stored = TinyDecoder.random(3, spec).roundedTo(DType.BF16);
        stored.write(dir, DType.BF16, 1);
        NpmTokenizers.copyInto(name, dir);
        String text = "The town council met on Tuesday.";
        try (LanguageModel model = LanguageModel.load(dir, name)) {
            assertThat(model.startTokenId()).isEqualTo(startsWithBos ? bos : -1);
            ScoredText scored = TextScorer.score(model, text, new ScoreOptions(true, 3, 0));
            assertThat(scored.bos()).isEqualTo(startsWithBos);
            int[] ids = model.tokenizer().encode(text).ids();
            int[] fed = startsWithBos ? prepend(bos, ids) : ids;
            double[][] ref = stored.referenceLogits(fed);
            List<TokenScore> tokens = scored.tokens();
            assertThat(tokens).hasSize(ids.length);
            assertThat(tokens.get(0).isScored()).isEqualTo(startsWithBos);
            for (int t = startsWithBos ? 0 : 1; t < ids.length; t++) {
                int row = startsWithBos ? t : t - 1;
                double want = TinyGpt2.logSoftmax(ref[row])[ids[t]];
                assertThat(tokens.get(t).logprob()).as("token %d", t).isCloseTo(want, within(1e-3));
            }
        }
    }

    @Test
    void mistralsDummyPrefixSpaceIsNotPartOfTheText() throws Exception {
        try (Tokenizer tokenizer = Tokenizer.load(NpmTokenizers.folder("llama2"))) {
            TokenizedText tokens = tokenizer.encode("Hello world");
            assertThat(tokens.display(0)).isEqualTo("Hello");
            assertThat(tokens.display(1)).isEqualTo(" world");
            assertThat(tokenizer.pieceText(tokens.ids()[0])).isEqualTo(" Hello"); // the piece itself keeps its ▁
        }
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
