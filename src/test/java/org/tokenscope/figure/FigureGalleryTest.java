package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * Writes every figure as PNG and SVG, and checks each file: the SVG parses and says the figure's size, the
 * PNG decodes at the figure's size times the scale. Into {@code -Dtokenscope.gallery=DIR} when it is given,
 * to be looked at; else into a temporary folder.
 */
class FigureGalleryTest {

    @TempDir
    Path temporary;

    /** The gallery's folder: {@code -Dtokenscope.gallery}, else {@code fallback}. */
    static Path folder(Path fallback) throws IOException {
        String dir = System.getProperty("tokenscope.gallery");
        return Files.createDirectories(dir == null ? fallback : Path.of(dir));
    }

    @Test
    void everyFigureWritesAValidSvgAndPngOfItsSize() throws Exception {
        Path out = folder(temporary);
        var a = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        var b = Samples.scored(Samples.PARAGRAPH, "gpt2-large", 2, true);
        FigureOptions o = FigureOptions.DEFAULT.withWidth(640);
        write(out, "heatmap", HeatmapFigure.of(a, o, ExportMetadata.NONE));
        write(out, "heatmap-boundaries-logprob", HeatmapFigure.of(a, o.withBoundaries(true).withMeasure(Measure.LOGPROB)
                .withPalette(Palette.CIVIDIS), ExportMetadata.NONE));
        write(out, "heatmap-rank-nobos", HeatmapFigure.of(Samples.scored(Samples.PARAGRAPH, "gpt2", 1, false),
                o.withMeasure(Measure.RANK).withRange(Scale.Mode.MIN_MAX), ExportMetadata.NONE));
        write(out, "heatmap-narrow-mono", HeatmapFigure.of(a, o.withWidth(220).withMonospace(true).withMeasure(Measure.ENTROPY),
                ExportMetadata.NONE));
        write(out, "compare-stacked", CompareHeatmapFigure.of(a, b, CompareHeatmapFigure.Mode.STACKED, o, ExportMetadata.NONE));
        write(out, "compare-difference", CompareHeatmapFigure.of(a, b, CompareHeatmapFigure.Mode.DIFFERENCE,
                o.withBoundaries(true), ExportMetadata.NONE));
        write(out, "plot-prob", TokenPlotFigure.of(java.util.List.of(a, b), o, ExportMetadata.NONE));
        write(out, "plot-rank-one", TokenPlotFigure.of(java.util.List.of(a), o.withMeasure(Measure.RANK), ExportMetadata.NONE));
        write(out, "plot-surprisal-minmax", TokenPlotFigure.of(java.util.List.of(a, b),
                o.withMeasure(Measure.SURPRISAL).withRange(Scale.Mode.MIN_MAX), ExportMetadata.NONE));
        write(out, "scatter", ScatterFigure.of(a, b, o, ExportMetadata.NONE));
        var last = a.tokens().get(a.tokens().size() - 1);
        write(out, "topk-two", TopKFigure.of("Next token after “<tags>.”", java.util.List.of(
                new TopKFigure.Panel("gpt2", last.top(), 14), new TopKFigure.Panel("gpt2-large",
                        b.tokens().get(3).top(), null)), o, ExportMetadata.NONE));
        write(out, "tokens", TokensFigure.of(a.text(), a.tokens(), null, "gpt2", o, ExportMetadata.NONE));
        write(out, "steps", StepsFigure.of("The quick brown", "gpt2", Samples.generation(" fox", " jumps", " over", "\n",
                " the", " lazy", " dog"), o, ExportMetadata.NONE));
        for (var e : FigureEdgeCasesTest.figures(FigureEdgeCasesTest.empty("A"), FigureEdgeCasesTest.empty("B")).entrySet()) {
            if (!e.getKey().contains(" ") || e.getKey().endsWith("prob fixed")) write(out, "empty-" + e.getKey().replace(' ', '-'), e.getValue());
        }
        for (var e : FigureEdgeCasesTest.figures(Samples.scored("Hi", "A", 1, true), Samples.scored("Hi", "B", 2, true)).entrySet()) {
            if (!e.getKey().contains(" ") || e.getKey().endsWith("prob fixed") || e.getKey().startsWith("scatter")) write(out, "one-" + e.getKey().replace(' ', '-'), e.getValue());
        }
        write(out, "heatmap-2x", HeatmapFigure.of(a, o, ExportMetadata.NONE), 2);
        float[] train = new float[300];
        java.util.Random noise = new java.util.Random(1);
        for (int i = 0; i < train.length; i++) train[i] = (float) (4 + 7 * Math.exp(-i / 40.0) + noise.nextGaussian() * 0.3);
        write(out, "loss", LossCurveFigure.of("tiny: 2 layers × 64, 300 steps, held-out perplexity 71.3", train,
                java.util.List.of(new LossCurveFigure.HeldOut(30, 8.1), new LossCurveFigure.HeldOut(150, 4.9),
                        new LossCurveFigure.HeldOut(300, 4.27)), o.withWidth(900), ExportMetadata.NONE));
    }

    static void write(Path dir, String name, Figure f, double scale) throws Exception {
        Path png = dir.resolve(name + ".png");
        Exporter.exportFigure(f, Exporter.Format.PNG, Exporter.ImageOptions.ofScale(scale), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as(name + ".png decodes").isNotNull();
        assertThat(image.getWidth()).as(name + ".png width").isEqualTo((int) Math.ceil(f.width() * scale - 1e-9));
        assertThat(image.getHeight()).as(name + ".png height").isEqualTo((int) Math.ceil(f.height() * scale - 1e-9));
    }

    static void write(Path dir, String name, Figure f) throws Exception {
        write(dir, name, f, 1);
        Path svg = dir.resolve(name + ".svg");
        Exporter.exportFigure(f, Exporter.Format.SVG, Exporter.ImageOptions.DEFAULT, svg);
        Element root = DocumentBuilderFactory.newNSInstance().newDocumentBuilder().parse(svg.toFile()).getDocumentElement();
        assertThat(root.getLocalName()).as(name + ".svg").isEqualTo("svg");
        assertThat(Double.parseDouble(root.getAttribute("width").replace("px", ""))).as(name + ".svg width")
                .isCloseTo(f.width(), within(1.0));
        assertThat(Double.parseDouble(root.getAttribute("height").replace("px", ""))).as(name + ".svg height")
                .isCloseTo(f.height(), within(1.0));
    }
}
