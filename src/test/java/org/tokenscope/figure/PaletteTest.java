package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Rgb;

class PaletteTest {

    /** matplotlib's {@code _viridis_data} / {@code _cividis_data} entries, as 8-bit sRGB like {@code to_hex}. */
    private static Rgb mpl(double r, double g, double b) {
        return Rgb.of((int) Math.round(r * 255), (int) Math.round(g * 255), (int) Math.round(b * 255));
    }

    @Test
    void viridisAndCividisAreMatplotlibsTables() {
        assertThat(Palette.VIRIDIS.size()).isEqualTo(256);
        assertThat(Palette.CIVIDIS.size()).isEqualTo(256);
        assertThat(Palette.VIRIDIS.entry(0)).isEqualTo(mpl(0.267004, 0.004874, 0.329415));
        assertThat(Palette.VIRIDIS.entry(128)).isEqualTo(mpl(0.127568, 0.566949, 0.550556));
        assertThat(Palette.VIRIDIS.entry(255)).isEqualTo(mpl(0.993248, 0.906157, 0.143936));
        assertThat(Palette.CIVIDIS.entry(0)).isEqualTo(mpl(0.000000, 0.135112, 0.304751));
        assertThat(Palette.CIVIDIS.entry(255)).isEqualTo(mpl(0.995737, 0.909344, 0.217772));
        assertThat(Palette.VIRIDIS.color(0)).isEqualTo(Palette.VIRIDIS.entry(0));
        assertThat(Palette.VIRIDIS.color(1)).isEqualTo(Palette.VIRIDIS.entry(255));
        assertThat(Palette.VIRIDIS.color(0.5)).isEqualTo(Palette.VIRIDIS.entry(128)); // floor(0.5 * 256), as matplotlib
        assertThat(Palette.VIRIDIS.color(-3)).isEqualTo(Palette.VIRIDIS.entry(0));
        assertThat(Palette.CIVIDIS.color(7)).isEqualTo(Palette.CIVIDIS.entry(255));
    }

    @Test
    void sequentialPalettesGetLighterAllTheWay() {
        for (Palette p : new Palette[] {Palette.VIRIDIS, Palette.CIVIDIS}) {
            double previous = -1;
            for (int i = 0; i < p.size(); i += 15) {
                double l = p.entry(i).luminance();
                assertThat(l).as("%s at %d", p, i).isGreaterThan(previous);
                previous = l;
            }
        }
    }

    @Test
    void rdbuIsRedThroughWhiteToBlue() {
        assertThat(Palette.RDBU.isDiverging()).isTrue();
        assertThat(Palette.RDBU.color(0)).isEqualTo(Rgb.of(0x67001f));
        assertThat(Palette.RDBU.color(0.5)).isEqualTo(Rgb.of(0xf7f7f7));
        assertThat(Palette.RDBU.color(1)).isEqualTo(Rgb.of(0x053061));
        Rgb quarter = Palette.RDBU.color(0.25); // between classes 2 (d6604d) and 3 (f4a582)
        assertThat(quarter.r()).isBetween(0xd6, 0xf4);
    }

    @Test
    void palettesParseByName() {
        assertThat(Palette.parse("Viridis")).isEqualTo(Palette.VIRIDIS);
        assertThat(Palette.parse("cividis")).isEqualTo(Palette.CIVIDIS);
        assertThat(Palette.parse("rdbu")).isEqualTo(Palette.RDBU);
        assertThatThrownBy(() -> Palette.parse("jet")).hasMessageContaining("viridis");
    }

    @Test
    void measuresReadTheirValueAndRankFallsInGltrBuckets() {
        TokenScore t = new TokenScore(0, 5, "x", 0, 1, false, Math.log(0.25), 0.25, 42, 3.0, java.util.List.of());
        assertThat(Measure.PROB.value(t)).isEqualTo(0.25);
        assertThat(Measure.LOGPROB.value(t)).isCloseTo(-1.386, within(1e-3));
        assertThat(Measure.SURPRISAL.value(t)).isCloseTo(1.386, within(1e-3));
        assertThat(Measure.ENTROPY.value(t)).isEqualTo(3.0);
        assertThat(Measure.RANK.value(t)).isEqualTo(42.0);
        assertThat(Measure.RANK.scaled(t)).isCloseTo(Math.log10(42), within(1e-12));
        assertThat(Measure.PROB.value(TokenScore.unscored(0, 5, "x", 0, 1, false))).isNull();
        assertThat(Measure.rankBucket(1)).isZero();
        assertThat(Measure.rankBucket(10)).isZero();
        assertThat(Measure.rankBucket(11)).isEqualTo(1);
        assertThat(Measure.rankBucket(1000)).isEqualTo(2);
        assertThat(Measure.rankBucket(1001)).isEqualTo(3);
        assertThat(Measure.parse("logprob")).isEqualTo(Measure.LOGPROB);
        assertThat(Measure.parse("log-prob")).isEqualTo(Measure.LOGPROB);
        // the top bucket is the palette's brightest end, as high probabilities are
        assertThat(Coloring.bucketColor(Palette.VIRIDIS, 0)).isEqualTo(Palette.VIRIDIS.entry(255));
        assertThat(Coloring.bucketColor(Palette.VIRIDIS, 3)).isEqualTo(Palette.VIRIDIS.entry(0));
    }

    @Test
    void scalesAreFixedPerMeasureOrMinMaxAndTickRoundly() {
        assertThat(Scale.fixed(Measure.PROB)).isEqualTo(new Scale(0, 1));
        assertThat(Scale.fixed(Measure.LOGPROB)).isEqualTo(new Scale(-15, 0));
        assertThat(Scale.fixed(Measure.SURPRISAL)).isEqualTo(new Scale(0, 15));
        assertThat(Scale.fixed(Measure.ENTROPY).max()).isCloseTo(Math.log(50257), within(1e-12));
        assertThat(Scale.minMax(java.util.List.of(2.0, 5.0, 3.0), Scale.fixed(Measure.PROB))).isEqualTo(new Scale(2, 5));
        assertThat(Scale.minMax(java.util.List.of(), Scale.fixed(Measure.PROB))).isEqualTo(Scale.fixed(Measure.PROB));
        Scale flat = Scale.minMax(java.util.List.of(3.0, 3.0), Scale.fixed(Measure.PROB));
        assertThat(flat.min()).isLessThan(3);
        assertThat(flat.max()).isGreaterThan(3);
        assertThat(new Scale(0, 1).ticks(5)).containsExactly(0, 0.2, 0.4, 0.6, 0.8, 1.0);
        assertThat(new Scale(-15, 0).ticks(5)).containsExactly(-15, -10, -5, 0);
        assertThat(new Scale(-13.2, -0.4).nice(5)).isEqualTo(new Scale(-14, 0));
        assertThat(new Scale(-5, 5).normalize(0)).isEqualTo(0.5);
        assertThat(new Scale(-5, 5).normalize(99)).isEqualTo(1);
        assertThat(Rgb.WHITE.contrasting()).isEqualTo(Rgb.BLACK);
        assertThat(Palette.VIRIDIS.entry(0).contrasting()).isEqualTo(Rgb.WHITE);
        assertThat(Palette.VIRIDIS.entry(255).contrasting()).isEqualTo(Rgb.BLACK);
    }
}
