package org.tokenscope.figure;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the figures of the model's insides as SVG and PNG and checks each (see {@link FigureGalleryTest}):
 * into {@code -Dtokenscope.gallery=DIR} to be looked at, else a temporary folder.
 */
class InsideGalleryTest {

    @TempDir
    Path temporary;

    @Test
    void everyInsideFigureWritesAValidSvgAndPngOfItsSize() throws Exception {
        Path out = FigureGalleryTest.folder(temporary);
        var a = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        var longText = Samples.scored("The quick brown fox jumps over the lazy dog. ".repeat(30), "gpt2-large", 1, true);
        FigureOptions o = FigureOptions.DEFAULT.withWidth(760);
        FigureGalleryTest.write(out, "attention", AttentionTextFigure.of(InsideSamples.attention(a, 3, 5), 12, o, ExportMetadata.NONE));
        FigureGalleryTest.write(out, "attention-boundaries", AttentionTextFigure.of(InsideSamples.attention(a, 3, null), 20,
                o.withBoundaries(true), ExportMetadata.NONE));
        FigureGalleryTest.write(out, "attention-matrix", AttentionMatrixFigure.of(InsideSamples.attention(a, 3, 5), 12, o, ExportMetadata.NONE));
        FigureGalleryTest.write(out, "attention-matrix-long", AttentionMatrixFigure.of(InsideSamples.attention(longText, 3, 5), 200, o,
                ExportMetadata.NONE));
        FigureGalleryTest.write(out, "attention-grid", AttentionGridFigure.of(InsideSamples.grid(a, 12, 12), 4, 7, o, ExportMetadata.NONE));
        FigureGalleryTest.write(out, "attention-grid-large", AttentionGridFigure.of(InsideSamples.grid(longText, 36, 20), 4, null, o,
                ExportMetadata.NONE));
        FigureGalleryTest.write(out, "lens", LensTableFigure.of(InsideSamples.lens(a, 12, 10), 12, 10, o, ExportMetadata.NONE));
        FigureGalleryTest.write(out, "lens-last", LensTableFigure.of(InsideSamples.lens(a, 12, 10), a.tokens().size() - 1, 10, o,
                ExportMetadata.NONE));
        FigureGalleryTest.write(out, "lens-rank", LensRankFigure.of(InsideSamples.lens(a, 12, 10), 12, o, ExportMetadata.NONE));
        FigureGalleryTest.write(out, "lens-rank-large", LensRankFigure.of(InsideSamples.lens(longText, 36, 10), 12, o, ExportMetadata.NONE));
        FigureGalleryTest.write(out, "lens-rank-last", LensRankFigure.of(InsideSamples.lens(a, 12, 10), a.tokens().size() - 1, o,
                ExportMetadata.NONE));
        FigureGalleryTest.write(out, "lens-heatmap", LensHeatmapFigure.of(InsideSamples.lens(a, 12, 5), 12, o, ExportMetadata.NONE));
        FigureGalleryTest.write(out, "lens-heatmap-long", LensHeatmapFigure.of(InsideSamples.lens(longText, 36, 3), 100, o,
                ExportMetadata.NONE));
    }
}
