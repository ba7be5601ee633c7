package org.tokenscope.figure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.ScoredText;

/** One of every figure, from made-up scores, for tests that check every figure alike. */
final class Gallery {

    private Gallery() {
    }

    static Map<String, Figure> all(FigureOptions o, ExportMetadata metadata) {
        ScoredText a = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        ScoredText b = Samples.scored(Samples.PARAGRAPH, "gpt2-large", 2, true);
        Map<String, Figure> figures = new LinkedHashMap<>();
        figures.put("heatmap", HeatmapFigure.of(a, o, metadata));
        figures.put("heatmap-boundaries", HeatmapFigure.of(a, o.withBoundaries(true).withMeasure(Measure.RANK), metadata));
        figures.put("compare", CompareHeatmapFigure.of(a, b, CompareHeatmapFigure.Mode.STACKED, o, metadata));
        figures.put("difference", CompareHeatmapFigure.of(a, b, CompareHeatmapFigure.Mode.DIFFERENCE, o, metadata));
        figures.put("plot", TokenPlotFigure.of(List.of(a, b), o, metadata));
        figures.put("scatter", ScatterFigure.of(a, b, o, metadata));
        figures.put("topk", TopKFigure.of("Next token", List.of(new TopKFigure.Panel("gpt2",
                a.tokens().get(4).top(), 13)), o, metadata));
        figures.put("tokens", TokensFigure.of(a.text(), a.tokens(), null, "gpt2", o, metadata));
        figures.put("steps", StepsFigure.of("The quick brown", "gpt2",
                Samples.generation(" fox", " jumps", " over", "\n", " the", " lazy", " dog"), o, metadata));
        figures.put("pairs", PairScoresFigure.of(PairFigureTest.SAMPLE, PairFigureTest.SAMPLE.pairs(), "entailment", o, metadata));
        return figures;
    }
}
