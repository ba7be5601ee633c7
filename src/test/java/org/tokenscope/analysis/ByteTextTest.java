package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
}
