package org.tokenscope.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Gpt2TokenizerJsonTest {

    /** DJL 0.35.1 truncates at 512 unless told not to; "truncation" "false" means DO_NOT_TRUNCATE. */
    static final Map<String, String> OPTIONS =
            Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");

    static final com.knuddels.jtokkit.api.Encoding R50K =
            Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    static HuggingFaceTokenizer djl;

    @BeforeAll
    static void load() throws IOException {
        djl = HuggingFaceTokenizer.newInstance(Gpt2TokenizerJson.cached(), OPTIONS);
    }

    @AfterAll
    static void close() {
        djl.close();
    }

    @Test
    void helloWorld() {
        assertThat(djl.encode("Hello world").getIds()).containsExactly(15496, 995);
    }

    @Test
    void vocabAndMergesHaveGpt2Sizes() throws IOException {
        JsonNode model = new ObjectMapper().readTree(Gpt2TokenizerJson.cached().toFile()).get("model");
        assertThat(model.get("vocab").size()).isEqualTo(50257);
        assertThat(model.get("merges").size()).isEqualTo(50000);
        assertThat(model.get("merges").get(0).asText()).isEqualTo("Ġ t"); // GPT-2's first merge
        assertThat(model.get("vocab").get("Ġworld").asInt()).isEqualTo(995);
    }

    @Test
    void encodesLikeTiktoken() {
        List<String> texts = List.of(
                "Hello world",
                " leading space",
                "trailing space ",
                "two  spaces   three",
                "line one\nline two\n\n\nafter blank lines",
                "\ttabs\tand\r\nCRLF",
                "I'm sure it's what they've said they'd do, isn't it? We'll see.",
                "DON'T SHOUT'S",
                "3.14159 and 1234567890 and 2024-01-01",
                "emoji 😀 and 😀😀 and 👩‍👩‍👧",
                "日本語のテキスト、中文文本。",
                "naïve café résumé façade Ångström",
                "Ελληνικά и русский текст",
                "<|endoftext|>",
                "before<|endoftext|>after",
                "a <|endoftext|> b<|endoftext|><|endoftext|>",
                "code: for (int i = 0; i < n; i++) { x[i] += 1; }",
                "    indented\n        more",
                "!!!???...---***",
                "",
                " ",
                "http://example.com/path?q=1&r=2#frag");
        for (String text : texts) {
            assertThat(djl.encode(text).getIds()).as(text).containsExactly(tiktoken(text));
        }
    }

    @Test
    void longTextIsNotTruncated() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(300).strip(); // 10 tokens each
        long[] expected = tiktoken(text);
        assertThat(expected.length).isEqualTo(3000);
        assertThat(djl.encode(text).getIds()).containsExactly(expected);
    }

    /**
     * DJL 0.35.1 gives char spans in Unicode code points (Rust chars), not UTF-16 units and not
     * bytes. Tokens holding part of one character's bytes all get that whole character's span,
     * and a token's span includes its leading space (post_processor trim_offsets=false, as in
     * the Hub's gpt2). The production code must map code points to UTF-16 itself.
     */
    @Test
    void charSpansCountCodePoints() {
        // "a😀b": 😀 is one code point, two UTF-16 units, four bytes split over two tokens
        Encoding e = djl.encode("a😀b");
        assertThat(e.getIds()).containsExactly(64, 47249, 222, 65);
        assertThat(spans(e)).containsExactly(0, 1, 1, 2, 1, 2, 2, 3); // 'b' is UTF-16 index 3, code point 2

        assertThat(spans(djl.encode("Hello world"))).containsExactly(0, 5, 5, 11);
        assertThat(spans(djl.encode("é😀日 z"))).containsExactly(0, 1, 1, 2, 1, 2, 2, 3, 2, 3, 3, 5);
        assertThat(spans(djl.encode("Hi <|endoftext|> there"))).containsExactly(0, 2, 2, 3, 3, 16, 16, 22);
    }

    @Test
    void charSpansAreSane() {
        for (String text : List.of("naïve café", "emoji 😀😀 x", "日本語 text\n\nmore", "I'm <|endoftext|>ok")) {
            int codePoints = text.codePointCount(0, text.length());
            int[] s = spans(djl.encode(text));
            assertThat(s[0]).as(text).isZero();
            assertThat(s[s.length - 1]).as(text).isEqualTo(codePoints);
            for (int i = 0; i < s.length; i += 2) {
                assertThat(s[i]).as(text).isLessThan(s[i + 1]);
                if (i > 0) {
                    assertThat(s[i]).as(text).isGreaterThanOrEqualTo(s[i - 2]).isLessThanOrEqualTo(s[i - 1]);
                }
            }
        }
    }

    /** start0, end0, start1, end1, ... */
    static int[] spans(Encoding e) {
        CharSpan[] spans = e.getCharTokenSpans();
        int[] out = new int[spans.length * 2];
        for (int i = 0; i < spans.length; i++) {
            out[2 * i] = spans[i].getStart();
            out[2 * i + 1] = spans[i].getEnd();
        }
        return out;
    }

    /** jtokkit has no special-token encoding: split on <|endoftext|>, encodeOrdinary the rest. */
    static long[] tiktoken(String text) {
        List<Long> ids = new ArrayList<>();
        String[] pieces = text.split("<\\|endoftext\\|>", -1);
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                ids.add((long) Gpt2TokenizerJson.END_OF_TEXT_ID);
            }
            for (int id : R50K.encodeOrdinary(pieces[i]).toArray()) {
                ids.add((long) id);
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
