package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The detection measures' colours: shares symmetric around zero on RdBu, machine-like red, whatever the palette. */
class DetectionColoringTest {

    static final double[] VALUES = {-0.5, Double.NaN, 0, 2};

    @Test
    void fastDetectGptIsRedWhereHighAndBinocularsWhereLow() {
        FigureOptions o = FigureOptions.DEFAULT.withPalette(Palette.CIVIDIS);
        Coloring fdg = Coloring.ofValues(o.withMeasure(Measure.FAST_DETECTGPT), VALUES);
        assertThat(fdg.palette()).isEqualTo(Palette.RDBU);
        assertThat(fdg.scale()).isEqualTo(new Scale(-2, 2));
        assertThat(fdg.color(2)).isEqualTo(Palette.RDBU.color(0)); // dark red: the most machine-like
        assertThat(fdg.color(-2)).isEqualTo(Palette.RDBU.color(1));
        assertThat(fdg.color(0)).isEqualTo(Palette.RDBU.color(0.5));
        assertThat(fdg.color(Double.NaN)).isEqualTo(Theme.UNSCORED);
        Coloring bino = Coloring.ofValues(o.withMeasure(Measure.BINOCULARS), VALUES);
        assertThat(bino.color(-2)).isEqualTo(Palette.RDBU.color(0));
        assertThat(bino.color(2)).isEqualTo(Palette.RDBU.color(1));
    }

    @Test
    void crossEntropyUsesThePaletteOnAFixedOrMinMaxScale() {
        FigureOptions o = FigureOptions.DEFAULT.withMeasure(Measure.CROSS_ENTROPY);
        double[] nats = {3, 6, Double.NaN};
        Coloring fixed = Coloring.ofValues(o, nats);
        assertThat(fixed.palette()).isEqualTo(Palette.VIRIDIS);
        assertThat(fixed.scale()).isEqualTo(new Scale(0, 15));
        Coloring minMax = Coloring.ofValues(o.withRange(Scale.Mode.MIN_MAX), nats);
        assertThat(minMax.scale()).isEqualTo(new Scale(3, 6));
        assertThat(minMax.color(6)).isEqualTo(Palette.VIRIDIS.color(1));
    }

    @Test
    void detectionMeasuresParseByTheirWordsAndHoldNoTokenScore() {
        assertThat(Measure.parse("cross-entropy")).isEqualTo(Measure.CROSS_ENTROPY);
        assertThat(Measure.parse("Fast-DetectGPT")).isEqualTo(Measure.FAST_DETECTGPT);
        assertThat(Measure.parse("binoculars")).isEqualTo(Measure.BINOCULARS);
        assertThat(Measure.FAST_DETECTGPT.toString()).isEqualTo("fast-detectgpt");
        assertThat(Measure.tokenMeasures()).noneMatch(Measure::isDetection).hasSize(5);
    }
}
