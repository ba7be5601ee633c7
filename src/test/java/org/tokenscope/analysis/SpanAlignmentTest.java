package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanAlignmentTest {

    static TokenScore token(int index, int start, int end, Double lp, boolean partial) {
        return lp == null ? TokenScore.unscored(index, 1, "t", start, end, partial)
                : new TokenScore(index, 1, "t", start, end, partial, lp, Math.exp(lp), null, null, List.of());
    }

    /** Tokens at the given boundaries, all scored with log-probability −(i + 1). */
    static List<TokenScore> cut(int... bounds) {
        List<TokenScore> out = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.length; i++) out.add(token(i, bounds[i], bounds[i + 1], -(i + 1.0), false));
        return out;
    }

    @Test
    void sameTokensPairOneToOne() {
        SpanAlignment a = SpanAlignment.of(cut(0, 5, 11), cut(0, 5, 11));
        assertThat(a.identical()).isTrue();
        assertThat(a.segments()).hasSize(2);
        assertThat(a.pairs()).isEqualTo(new double[][] {{-1, -1}, {-2, -2}});
    }

    @Test
    void differentCutsAreSummedOverTheSpansBothCover() {
        // "Hello world!": A = Hello| world|!   B = Hel|lo| wor|ld!
        SpanAlignment a = SpanAlignment.of(cut(0, 5, 11, 12), cut(0, 3, 5, 9, 12));
        assertThat(a.identical()).isFalse();
        assertThat(a.segments()).extracting(SpanAlignment.Segment::start).containsExactly(0, 5);
        assertThat(a.segments()).extracting(SpanAlignment.Segment::end).containsExactly(5, 12);
        SpanAlignment.Segment hello = a.segments().get(0);
        assertThat(hello.a()).containsExactly(0);
        assertThat(hello.b()).containsExactly(0, 1);
        assertThat(hello.aLogprob()).isEqualTo(-1.0);
        assertThat(hello.bLogprob()).isEqualTo(-3.0);
        SpanAlignment.Segment rest = a.segments().get(1);
        assertThat(rest.a()).containsExactly(1, 2);
        assertThat(rest.b()).containsExactly(2, 3);
        assertThat(rest.aLogprob()).isEqualTo(-5.0);
        assertThat(rest.bLogprob()).isEqualTo(-7.0);
    }

    @Test
    void anUnscoredTokenLeavesItsSegmentUnpaired() {
        List<TokenScore> a = List.of(token(0, 0, 5, null, false), token(1, 5, 11, -2.0, false));
        SpanAlignment al = SpanAlignment.of(a, cut(0, 3, 5, 11));
        assertThat(al.segments()).hasSize(2);
        assertThat(al.segments().get(0).paired()).isFalse();
        assertThat(al.pairs()).isEqualTo(new double[][] {{-2.0, -3.0}});
    }

    @Test
    void emojiSplitDifferentlyAndWhitespaceAlign() {
        // "a 😀 b": UTF-16 a=0, ' '=1, 😀=2..4, ' '=4, b=5
        // A (GPT-2-like): "a" [0,1), " 😀" as two partial tokens [1,4) and [2,4), " b" [4,6)
        List<TokenScore> a = List.of(token(0, 0, 1, -1.0, false), token(1, 1, 4, -2.0, true),
                token(2, 2, 4, -0.5, true), token(3, 4, 6, -1.5, false));
        // B (SentencePiece-like): "a" [0,1), " " [1,2), two byte tokens on 😀 [2,4) [2,4), " b" [4,6)
        List<TokenScore> b = List.of(token(0, 0, 1, -0.7, false), token(1, 1, 2, -0.2, false),
                token(2, 2, 4, -4.0, true), token(3, 2, 4, -0.1, true), token(4, 4, 6, -1.0, false));
        SpanAlignment al = SpanAlignment.of(a, b);
        assertThat(al.segments()).extracting(SpanAlignment.Segment::start).containsExactly(0, 1, 4);
        SpanAlignment.Segment emoji = al.segments().get(1);
        assertThat(emoji.end()).isEqualTo(4);
        assertThat(emoji.a()).containsExactly(1, 2);
        assertThat(emoji.b()).containsExactly(1, 2, 3);
        assertThat(emoji.aLogprob()).isCloseTo(-2.5, within(1e-12));
        assertThat(emoji.bLogprob()).isCloseTo(-4.3, within(1e-12));
        Comparison c = Comparison.of(al);
        assertThat(c.n()).isEqualTo(3);
    }

    @Test
    void aStartTokenWithAnEmptySpanJoinsTheFirstSegment() {
        List<TokenScore> a = List.of(token(0, 0, 0, null, false), token(1, 0, 5, -1.0, false));
        SpanAlignment al = SpanAlignment.of(a, cut(0, 5));
        assertThat(al.segments()).hasSize(1);
        assertThat(al.segments().get(0).a()).containsExactly(0, 1);
        assertThat(al.segments().get(0).paired()).isFalse(); // the start token is unscored
        assertThat(SpanAlignment.of(List.of(), List.of()).segments()).isEmpty();
    }
}
