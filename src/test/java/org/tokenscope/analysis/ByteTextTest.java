package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteTextTest {

    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    @Test
    void wholeCharactersDecode() {
        String s = "a é € 😀";
        assertThat(ByteText.display(s.getBytes(StandardCharsets.UTF_8))).isEqualTo(s);
        assertThat(ByteText.isWellFormed(s.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(ByteText.display(new byte[0])).isEmpty();
    }

    @Test
    void partialCharactersAreWrittenAsBytes() {
        assertThat(ByteText.display(b(0xF0, 0x9F))).isEqualTo("\\xF0\\x9F");
        assertThat(ByteText.display(b(0x98, 0x80))).isEqualTo("\\x98\\x80");
        assertThat(ByteText.display(b('a', 0xF0, 0x9F))).isEqualTo("a\\xF0\\x9F");
        assertThat(ByteText.isWellFormed(b(0xF0, 0x9F))).isFalse();
        assertThat(ByteText.display(b(0xC3))).doesNotContain("\uFFFD");
    }

    @Test
    void invalidBytesAreWrittenAsBytes() {
        assertThat(ByteText.display(b(0xC0, 0xAF))).isEqualTo("\\xC0\\xAF");     // overlong
        assertThat(ByteText.display(b(0xED, 0xA0, 0x80))).isEqualTo("\\xED\\xA0\\x80"); // surrogate
        assertThat(ByteText.display(b(0xE2, 'A'))).isEqualTo("\\xE2A");
        assertThat(ByteText.display(b(0xFF))).isEqualTo("\\xFF");
    }

    @Test
    void incompleteTailFindsACharacterThatMoreBytesCouldComplete() {
        assertThat(ByteText.incompleteTail(b(0xF0, 0x9F), 2)).isEqualTo(2);
        assertThat(ByteText.incompleteTail(b('a', 0xF0, 0x9F, 0x98), 4)).isEqualTo(3);
        assertThat(ByteText.incompleteTail(b(0xF0, 0x9F, 0x98, 0x80), 4)).isZero();
        assertThat(ByteText.incompleteTail(b(0xC3), 1)).isEqualTo(1);
        assertThat(ByteText.incompleteTail(b('a'), 1)).isZero();
        assertThat(ByteText.incompleteTail(b(0xF0, 0x80), 2)).isZero(); // can never become valid
        assertThat(ByteText.incompleteTail(b(0x80, 0x80, 0x80), 3)).isZero();
        assertThat(ByteText.incompleteTail(new byte[0], 0)).isZero();
    }

    @Test
    void decodeWritesWhatIsNotACharacterAsOneReplacementEach() {
        assertThat(ByteText.decode(b('a', 0xF0, 0x9F, 0x98, 0x80), 0, 5)).isEqualTo("a😀");
        assertThat(ByteText.decode(b('a', 0xF0, 0x9F), 0, 3)).isEqualTo("a\uFFFD"); // cut off: one mark
        assertThat(ByteText.decode(b(0x99, 'b'), 0, 2)).isEqualTo("\uFFFDb");        // a stray continuation byte
        assertThat(ByteText.decode(b(0xC0, 0xAF), 0, 2)).isEqualTo("\uFFFD\uFFFD");  // overlong
        assertThat(ByteText.decode(b('x', 'y', 'z'), 1, 3)).isEqualTo("yz");
        // as Java's own (lossy) decoder, which transformers' matches, for these
        assertThat(ByteText.decode(b(0x99, 'b'), 0, 2)).isEqualTo(new String(b(0x99, 'b'), StandardCharsets.UTF_8));
    }

    @Test
    void piecesShowASplitCharacterWithThePartEachHolds() {
        // "a😀" cut as [a F0] [9F 98] [80 'b'], then a stray 0x99
        List<String> texts = ByteText.pieceTexts(List.of(b('a', 0xF0), b(0x9F, 0x98), b(0x80, 'b'), b(0x99)));
        assertThat(texts).containsExactly("a😀¹⁄₃", "😀²⁄₃", "😀³⁄₃b", "\uFFFD");
        assertThat(ByteText.pieceTexts(List.of(b('h', 'i'), b(0xC3), b(0xA9)))).containsExactly("hi", "é¹⁄₂", "é²⁄₂");
        assertThat(ByteText.pieceTexts(List.of(b('o', 'k'), b(0xE2, 0x80)))).containsExactly("ok", "\uFFFD"); // never finished
        assertThat(ByteText.pieceTexts(List.of())).isEmpty();
    }
}
