package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SVG and the PNG are the same drawing: Batik's rendering of our SVG and our Java2D PNG differ
 * only by anti-aliasing, while two different figures differ by far more.
 */
class SvgPngParityTest {

    /** Mean absolute difference per channel (0–255) of two images composited on white. */
    static double meanDifference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int[] pa = onWhite(a.getRGB(x, y));
                int[] pb = onWhite(b.getRGB(x, y));
                for (int c = 0; c < 3; c++) sum += Math.abs(pa[c] - pb[c]);
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    private static int[] onWhite(int argb) {
        int alpha = argb >>> 24;
        int[] out = new int[3];
        for (int c = 0; c < 3; c++) {
            int v = (argb >> (16 - 8 * c)) & 0xff;
            out[c] = (v * alpha + 255 * (255 - alpha)) / 255;
        }
        return out;
    }

    @Test
    void batikDrawsOurSvgAsWeDrawOurPng() throws Exception {
        for (double scale : new double[] {1, 2}) {
            for (Map.Entry<String, Figure> e : Gallery.all(FigureOptions.DEFAULT.withWidth(600), ExportMetadata.NONE)
                    .entrySet()) {
                Figure f = e.getValue();
                BufferedImage png = PngPainter.render(f, scale, false);
                BufferedImage batik = BatikRender.render(SvgPainter.render(f, false), png.getWidth(), png.getHeight());
                double diff = meanDifference(png, batik);
                assertThat(diff).as("%s at %s×: mean difference per channel", e.getKey(), scale).isLessThan(THRESHOLD);
            }
        }
    }

    @Test
    void theThresholdTellsDifferentDrawingsApart() throws Exception {
        var a = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        Figure prob = HeatmapFigure.of(a, FigureOptions.DEFAULT.withWidth(600), ExportMetadata.NONE);
        Figure rank = HeatmapFigure.of(a, FigureOptions.DEFAULT.withWidth(600).withMeasure(Measure.SURPRISAL),
                ExportMetadata.NONE);
        BufferedImage png = PngPainter.render(prob, 1, false);
        BufferedImage other = BatikRender.render(SvgPainter.render(rank, false), png.getWidth(), png.getHeight());
        assertThat(meanDifference(png, other)).isGreaterThan(3 * THRESHOLD);
    }

    /** Loose: the two differ by well under 0.1 on average, nearly all of it at anti-aliased edges. */
    static final double THRESHOLD = 1.0;
}
