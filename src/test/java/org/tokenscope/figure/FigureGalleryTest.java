package org.tokenscope.figure;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Writes every figure as PNG and SVG into the folder named by {@code -Dtokenscope.gallery=DIR}, to be
 * looked at; skipped without it.
 */
class FigureGalleryTest {

    @Test
    void writeGallery() throws Exception {
        String dir = System.getProperty("tokenscope.gallery");
        Assumptions.assumeTrue(dir != null, "no -Dtokenscope.gallery");
        Path out = Files.createDirectories(Path.of(dir));
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
    }

    static void write(Path dir, String name, Figure f, double scale) throws Exception {
        Exporter.exportFigure(f, Exporter.Format.PNG, Exporter.ImageOptions.ofScale(scale), dir.resolve(name + ".png"));
    }

    static void write(Path dir, String name, Figure f) throws Exception {
        Exporter.exportFigure(f, Exporter.Format.PNG, Exporter.ImageOptions.ofScale(1), dir.resolve(name + ".png"));
        Exporter.exportFigure(f, Exporter.Format.SVG, Exporter.ImageOptions.DEFAULT, dir.resolve(name + ".svg"));
    }
}
