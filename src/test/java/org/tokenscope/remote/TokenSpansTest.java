package org.tokenscope.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Server token strings → UTF-16 spans in the prompt. */
class TokenSpansTest {

    static List<ServerToken> tokens(String... texts) {
        return Stream.of(texts).map(t -> t == null ? ServerToken.unknown() : ServerToken.of(t)).toList();
    }

    @Test
    void plainTokensTileTheText() {
        TokenSpans.Spans s = TokenSpans.align("Hello world", tokens("Hello", " world"), null);
        assertThat(s.start()).containsExactly(0, 5);
        assertThat(s.end()).containsExactly(5, 11);
        assertThat(s.partial()).containsExactly(false, false);
        assertThat(s.source()).isEqualTo(TokenSpans.Source.MATCHED);
    }

    @Test
    void utf16OffsetsAreUsedWhenTheyCheckOut() {
        TokenSpans.Spans s = TokenSpans.align("a bc", tokens("a", " bc"), new int[] {0, 1});
        assertThat(s.source()).isEqualTo(TokenSpans.Source.OFFSETS_UTF16);
        assertThat(s.end()).containsExactly(1, 4);
    }

    @Test
    void codePointOffsetsAreConvertedAfterAnEmoji() {
        // Python counts 😀 as one character, Java as two
        String text = "😀 hi there";
        TokenSpans.Spans s = TokenSpans.align(text, tokens("😀", " hi", " there"), new int[] {0, 1, 4});
        assertThat(s.source()).isEqualTo(TokenSpans.Source.OFFSETS_CODE_POINTS);
        assertThat(s.start()).containsExactly(0, 2, 5);
        assertThat(s.end()).containsExactly(2, 5, 11);
    }

    @Test
    void offsetsThatDoNotCheckOutAreDroppedForMatching() {
        // vLLM's echo: "<s>" counted in the offsets, SentencePiece words without their space
        String text = "Hello world";
        TokenSpans.Spans s = TokenSpans.align(text, tokens("<s>", "Hello", "world"), new int[] {0, 3, 8});
        assertThat(s.source()).isEqualTo(TokenSpans.Source.MATCHED);
        assertThat(s.start()).containsExactly(0, 0, 5);
        assertThat(s.end()).containsExactly(0, 5, 11); // <s> takes nothing, "world" takes its space
    }

    @Test
    void replacementTokensShareTheirCharacter() {
        // GPT-2 on vLLM: " 😀" is " \xF0\x9F\x98" + "\x80", each decoded alone
        String text = "I like 😀 a lot";
        TokenSpans.Spans s = TokenSpans.align(text, tokens("I", " like", " \uFFFD", "\uFFFD", " a", " lot"), null);
        assertThat(s.start()).containsExactly(0, 1, 6, 7, 9, 11);
        assertThat(s.end()).containsExactly(1, 6, 9, 9, 11, 15);
        assertThat(s.partial()).containsExactly(false, false, true, true, false, false);
    }

    @Test
    void twoEmojiInARowStayWithinTheirRun() {
        String text = "x😀🎉y";
        TokenSpans.Spans s = TokenSpans.align(text, tokens("x", "\uFFFD", "\uFFFD", "\uFFFD", "\uFFFD", "y"), null);
        for (int i = 1; i <= 4; i++) {
            assertThat(s.start()[i]).isBetween(1, 5);
            assertThat(s.end()[i]).isBetween(s.start()[i] + 2, 5);
            assertThat(s.partial()[i]).isTrue();
        }
        assertThat(s.end()[4]).isEqualTo(5);
        assertThat(s.start()[5]).isEqualTo(5);
    }

    @Test
    void bytesTokensArePlacedExactly() {
        String text = "😀🎉";
        TokenSpans.Spans s = TokenSpans.align(text,
                tokens("bytes:\\xf0\\x9f", "bytes:\\x98\\x80\\xf0", "bytes:\\x9f\\x8e\\x89"), null);
        assertThat(s.start()).containsExactly(0, 0, 2);
        assertThat(s.end()).containsExactly(2, 4, 4);
        assertThat(s.partial()).containsExactly(true, true, true);
    }

    @Test
    void anUnknownFirstTokenTakesWhatComesBeforeTheSecond() {
        assertThat(TokenSpans.align("Hello world", tokens(null, " world"), null).end()).containsExactly(5, 11);
        // a start token: nothing before the second
        TokenSpans.Spans bos = TokenSpans.align("Hello world", tokens(null, "Hello", " world"), null);
        assertThat(bos.start()).containsExactly(0, 0, 5);
        assertThat(bos.end()).containsExactly(0, 5, 11);
    }

    @Test
    void emptyTokensFromErrorsIgnoreCoverTheirCharacter() {
        String text = "ok 😀!";
        TokenSpans.Spans s = TokenSpans.align(text, tokens("ok", " ", "", "!"), new int[] {0, 2, 3, 3});
        assertThat(s.start()).containsExactly(0, 2, 3, 5);
        assertThat(s.end()).containsExactly(2, 3, 5, 6);
        assertThat(s.partial()).containsExactly(false, false, true, false);
    }

    @Test
    void rawSentencePiecePiecesAreRead() {
        TokenSpans.Spans s = TokenSpans.align("Hello world", tokens("▁Hello", "▁world"), null);
        assertThat(s.start()).containsExactly(0, 5);
        assertThat(s.end()).containsExactly(5, 11);
    }

    @Test
    void displayNeverShowsAReplacementCharacter() {
        assertThat(ServerToken.of("\uFFFD").displayText()).isEqualTo("\\x??");
        assertThat(ServerToken.of("bytes: \\xe2\\x80").displayText()).isEqualTo(" \\xE2\\x80");
        assertThat(ServerToken.of("bytes:\\xe2\\x80\\x99").displayText()).isEqualTo("’");
    }
}
