package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.Gpt2TokenizerJson;

class Gpt2TokenizerTest {

    @TempDir
    static Path dir;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        Files.copy(Gpt2TokenizerJson.cached(), dir.resolve("tokenizer.json"));
        tokenizer = Tokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void helloWorld() {
        TokenizedText t = tokenizer.encode("Hello world");
        assertThat(t.ids()).containsExactly(15496, 995);
        assertThat(t.starts()).containsExactly(0, 5);
        assertThat(t.ends()).containsExactly(5, 11);
        assertThat(tokenizer.endOfTextId()).isEqualTo(50256);
        assertThat(tokenizer.pieceText(995)).isEqualTo(" world");
    }

    @Test
    void noTruncationAt512() {
        TokenizedText t = tokenizer.encode(String.join(" ", java.util.Collections.nCopies(3000, "word")));
        assertThat(t.size()).isEqualTo(3000);
        assertThat(t.ends()[2999]).isEqualTo(3000 * 5 - 1);
    }

    @Test
    void emojiPiecesCoverTheirCharacterAndAreMarkedPartial() {
        String text = "a😀b 日本";
        TokenizedText t = tokenizer.encode(text);
        int partial = 0;
        StringBuilder bytes = new StringBuilder();
        for (int i = 0; i < t.size(); i++) {
            assertThat(t.display(i)).doesNotContain("\uFFFD");
            if (t.partial()[i]) {
                partial++;
                assertThat(t.display(i)).isIn("😀", "日", "本", " 日", " 本");
                assertThat(tokenizer.pieceText(t.ids()[i])).contains("\\x");
            }
            bytes.append(new String(t.bytes()[i], java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        assertThat(partial).isGreaterThanOrEqualTo(2);
        assertThat(bytes.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(text.substring(t.starts()[t.size() - 1], t.ends()[t.size() - 1])).endsWith("本");
    }

    @Test
    void specialTokenInTheTextAndEmptyText() {
        assertThat(tokenizer.encode("Hi <|endoftext|> there").ids()).contains(50256);
        assertThat(tokenizer.encode("").size()).isZero();
    }
}
