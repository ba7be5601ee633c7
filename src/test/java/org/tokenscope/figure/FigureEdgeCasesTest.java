package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Windows;

/** Every figure draws, on every target, an empty text, a single token and a single unscored token. */
class FigureEdgeCasesTest {

    static ScoredText empty(String model) {
        return ScoredText.of("", true, new ModelSummary(model, 1, 1, 64), List.of(), Windows.plan(0, true, 64));
    }

    static Map<String, Figure> figures(ScoredText a, ScoredText b) {
        FigureOptions o = FigureOptions.DEFAULT.withWidth(FigureOptions.MIN_WIDTH);
        Map<String, Figure> f = new LinkedHashMap<>();
        for (Measure m : Measure.values()) {
            for (Scale.Mode r : Scale.Mode.values()) {
                FigureOptions mo = o.withMeasure(m).withRange(r).withBoundaries(r == Scale.Mode.MIN_MAX);
                f.put("heatmap " + m + " " + r, HeatmapFigure.of(a, mo, ExportMetadata.NONE));
                f.put("plot " + m + " " + r, TokenPlotFigure.of(List.of(a, b), mo, ExportMetadata.NONE));
                f.put("plot1 " + m + " " + r, TokenPlotFigure.of(List.of(a), mo, ExportMetadata.NONE));
                for (CompareHeatmapFigure.Mode mode : CompareHeatmapFigure.Mode.values()) {
                    f.put("compare " + mode + " " + m + " " + r, CompareHeatmapFigure.of(a, b, mode, mo, ExportMetadata.NONE));
                }
                f.put("scatter " + r, ScatterFigure.of(a, b, mo, ExportMetadata.NONE));
            }
        }
        List<org.tokenscope.analysis.Alternative> top = a.tokens().isEmpty() ? List.of() : a.tokens().get(0).top();
        f.put("topk", TopKFigure.of("Next token", List.of(new TopKFigure.Panel("A", top, null),
                new TopKFigure.Panel("B", List.of(), null)), o, ExportMetadata.NONE));
        f.put("tokens", TokensFigure.of(a.text(), a.tokens(), null, "A", o, ExportMetadata.NONE));
        f.put("steps", StepsFigure.of(a.text(), "A", Samples.generation(), o, ExportMetadata.NONE));
        f.put("steps1", StepsFigure.of(a.text(), "A", Samples.generation("x"), o, ExportMetadata.NONE));
        return f;
    }

    static void drawEverywhere(Map<String, Figure> figures) throws Exception {
        for (Map.Entry<String, Figure> e : figures.entrySet()) {
            Figure f = e.getValue();
            assertThat(f.width()).as(e.getKey()).isGreaterThanOrEqualTo(FigureOptions.MIN_WIDTH);
            assertThat(f.height()).as(e.getKey()).isPositive();
            SvgExportTest.parse(SvgPainter.render(f, false));
            assertThat(PngPainter.render(f, 1, true).getWidth()).isEqualTo((int) f.width());
            Recorder.of(f);
            for (Figure.Item item : f.items()) {
                assertThat(item.x()).as(e.getKey()).isBetween(0.0, f.width());
                assertThat(item.y() + item.height()).as(e.getKey()).isBetween(0.0, f.height());
            }
        }
    }

    @Test
    void anEmptyTextDrawsEveryFigure() throws Exception {
        drawEverywhere(figures(empty("A"), empty("B")));
    }

    @Test
    void aSingleTokenDrawsEveryFigure() throws Exception {
        drawEverywhere(figures(Samples.scored("Hi", "A", 1, true), Samples.scored("Hi", "B", 2, true)));
    }

    @Test
    void aSingleUnscoredTokenDrawsEveryFigure() throws Exception {
        drawEverywhere(figures(Samples.scored("Hi", "A", 1, false), Samples.scored("Hi", "B", 2, false)));
        TokenScore only = Samples.scored("Hi", "A", 1, false).tokens().get(0);
        assertThat(only.isScored()).isFalse();
    }

    @Test
    void aThousandTokensLayOutQuickly() {
        ScoredText long_ = Samples.scored("The quick brown fox jumps over the lazy dog. ".repeat(110), "A", 1, true);
        assertThat(long_.tokens().size()).isGreaterThan(1000);
        long start = System.nanoTime();
        HeatmapFigure f = HeatmapFigure.of(long_, FigureOptions.DEFAULT, ExportMetadata.NONE);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(f.items().size()).isGreaterThanOrEqualTo(long_.tokens().size());
        assertThat(ms).as("layout of %d tokens", long_.tokens().size()).isLessThan(5_000);
    }

    @Test
    void badOptionsAreOneClearSentence() {
        assertThatThrownBy(() -> FigureOptions.DEFAULT.withWidth(10)).hasMessageContaining("width of at least 200");
        assertThatThrownBy(() -> new Exporter.ImageOptions(0, 0, false)).hasMessageContaining("scale");
        assertThatThrownBy(() -> TokenPlotFigure.of(List.of(), FigureOptions.DEFAULT, ExportMetadata.NONE))
                .hasMessageContaining("one or two");
    }
}
