package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.ScoredText;

/** The figures of the model's insides: every size of text draws on every target, and their items say what they show. */
class InsideFiguresTest {

    static Map<String, Figure> figures(ScoredText text, int layers, int heads, FigureOptions o) {
        int n = text.tokens().size();
        int last = Math.max(0, n - 1);
        int mid = n / 2;
        AttentionMap head = InsideSamples.attention(text, 1, 2);
        AttentionMap mean = InsideSamples.attention(text, 1, null);
        LogitLens lens = InsideSamples.lens(text, layers, 5);
        AttentionGrid grid = InsideSamples.grid(text, layers, heads);
        Map<String, Figure> f = new LinkedHashMap<>();
        f.put("attention first", AttentionTextFigure.of(head, 0 < n ? 0 : -1, o, ExportMetadata.NONE));
        f.put("attention last", AttentionTextFigure.of(mean, last, o.withBoundaries(true), ExportMetadata.NONE));
        f.put("matrix", AttentionMatrixFigure.of(head, mid, o, ExportMetadata.NONE));
        f.put("matrix none", AttentionMatrixFigure.of(mean, -1, o, ExportMetadata.NONE));
        f.put("grid", AttentionGridFigure.of(grid, layers - 1, heads - 1, o, ExportMetadata.NONE));
        f.put("grid mean", AttentionGridFigure.of(grid, 0, null, o, ExportMetadata.NONE));
        f.put("lens", LensTableFigure.of(lens, mid, 10, o, ExportMetadata.NONE));
        f.put("lens last", LensTableFigure.of(lens, last, 3, o, ExportMetadata.NONE));
        f.put("lens-rank", LensRankFigure.of(lens, mid, o, ExportMetadata.NONE));
        f.put("lens-rank last", LensRankFigure.of(lens, last, o.withRange(Scale.Mode.MIN_MAX), ExportMetadata.NONE));
        f.put("lens-heatmap", LensHeatmapFigure.of(lens, mid, o, ExportMetadata.NONE));
        f.put("lens-heatmap none", LensHeatmapFigure.of(lens, -1, o.withPalette(Palette.CIVIDIS), ExportMetadata.NONE));
        return f;
    }

    @Test
    void anEmptyTextDrawsEveryFigure() throws Exception {
        FigureEdgeCasesTest.drawEverywhere(figures(FigureEdgeCasesTest.empty("A"), 2, 3,
                FigureOptions.DEFAULT.withWidth(FigureOptions.MIN_WIDTH)));
    }

    @Test
    void aSingleTokenDrawsEveryFigure() throws Exception {
        ScoredText one = Samples.scored("Hi", "A", 1, true);
        assertThat(one.tokens()).hasSize(1);
        FigureEdgeCasesTest.drawEverywhere(figures(one, 1, 1, FigureOptions.DEFAULT.withWidth(FigureOptions.MIN_WIDTH)));
        FigureEdgeCasesTest.drawEverywhere(figures(one, 2, 4, FigureOptions.DEFAULT));
    }

    @Test
    void aLongTextOnALargeModelDrawsEveryFigure() throws Exception {
        ScoredText long_ = Samples.scored("The quick brown fox jumps over the lazy dog. ".repeat(40), "gpt2-large", 1, true);
        assertThat(long_.tokens().size()).isGreaterThan(AttentionMatrixFigure.MAX_TOKENS * 4);
        // how long the layout takes is measured in bench and BENCHMARKS.md, not asserted here
        Map<String, Figure> f = figures(long_, 36, 20, FigureOptions.DEFAULT);
        FigureEdgeCasesTest.drawEverywhere(f);
        assertThat(f.get("lens-heatmap").height()).as("bands stay one screen canvas").isLessThan(5000);
    }

    @Test
    void theAttentionTextShadesTheTokensUpToTheSelectedOneAndOutlinesIt() {
        ScoredText text = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        AttentionMap map = InsideSamples.attention(text, 3, 5);
        int q = 9;
        AttentionTextFigure f = AttentionTextFigure.of(map, q, FigureOptions.DEFAULT, ExportMetadata.NONE);
        List<Figure.Item> tokens = f.items().stream().filter(i -> i.kind().equals("token")).toList();
        assertThat(tokens.stream().mapToInt(Figure.Item::index).distinct().count()).isEqualTo(text.tokens().size());
        assertThat(f.query()).isEqualTo(q);
        double max = 0;
        for (int k = 0; k <= q; k++) max = Math.max(max, map.weights()[q][k]);
        assertThat(f.rowMax()).isEqualTo(max);
        Figure.Item first = tokens.stream().filter(i -> i.index() == 0).findFirst().orElseThrow();
        assertThat(first.tooltip()).contains("attention from", Glyphs.number((double) map.weights()[q][0], 4));
        Figure.Item after = tokens.stream().filter(i -> i.index() == q + 1).findFirst().orElseThrow();
        assertThat(after.tooltip()).contains("cannot attend");
        assertThat(f.title()).contains("token " + q);
        Recorder r = Recorder.of(f);
        assertThat(r.allText()).contains("layer 3, head 5");
        assertThat(AttentionTextFigure.shade(0)).isEqualTo(Painter.Rgb.WHITE);
        assertThat(AttentionTextFigure.shade(1)).isEqualTo(Theme.SERIES_A);
        assertThatThrownBy(() -> AttentionTextFigure.of(map, text.tokens().size(), FigureOptions.DEFAULT, ExportMetadata.NONE))
                .hasMessageContaining("not between 0 and");
    }

    @Test
    void theMatrixHasACellPerKeyUpToEachQueryAndCapsLongTextsWithANote() {
        ScoredText text = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        int n = text.tokens().size();
        AttentionMatrixFigure f = AttentionMatrixFigure.of(InsideSamples.attention(text, 0, 0), 4, FigureOptions.DEFAULT,
                ExportMetadata.NONE);
        List<Figure.Item> cells = f.items().stream().filter(i -> i.kind().equals("cell")).toList();
        assertThat(cells).hasSize(n * (n + 1) / 2);
        assertThat(cells.stream().allMatch(c -> c.index() % n <= c.index() / n)).isTrue();
        assertThat(f.items().stream().filter(i -> i.kind().equals("token")).count()).isEqualTo(n);
        assertThat(Recorder.of(f).allText()).contains("The", "·quick").doesNotContain("at most");

        ScoredText long_ = Samples.scored("The quick brown fox jumps over the lazy dog. ".repeat(20), "gpt2", 1, true);
        int ln = long_.tokens().size();
        AttentionMatrixFigure capped = AttentionMatrixFigure.of(InsideSamples.attention(long_, 0, 0), 150,
                FigureOptions.DEFAULT, ExportMetadata.NONE);
        assertThat(capped.to() - capped.from()).isEqualTo(AttentionMatrixFigure.MAX_TOKENS);
        assertThat(capped.from()).isLessThanOrEqualTo(150);
        assertThat(capped.to()).isGreaterThan(150);
        assertThat(capped.items().stream().filter(i -> i.kind().equals("cell")).count())
                .isEqualTo((long) AttentionMatrixFigure.MAX_TOKENS * (AttentionMatrixFigure.MAX_TOKENS + 1) / 2);
        assertThat(Recorder.of(capped).allText()).contains("The text has " + ln + " tokens", "at most 64");
    }

    @Test
    void theGridHasAThumbnailPerHeadIndexedByLayerAndHead() {
        ScoredText text = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        AttentionGrid grid = InsideSamples.grid(text, 3, 4);
        AttentionGridFigure f = AttentionGridFigure.of(grid, 2, 1, FigureOptions.DEFAULT, ExportMetadata.NONE);
        List<Figure.Item> heads = f.items().stream().filter(i -> i.kind().equals("head")).toList();
        assertThat(heads).extracting(Figure.Item::index).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 12).boxed().toList());
        assertThat(heads.get(2 * 4 + 1).tooltip()).startsWith("layer 2 · head 1");
        // thumbnails go left to right by head and top to bottom by layer
        assertThat(heads.get(1).x()).isGreaterThan(heads.get(0).x());
        assertThat(heads.get(4).y()).isGreaterThan(heads.get(0).y());
        assertThat(f.thumbnail()).isPositive();
    }

    @Test
    void theHeadSummaryPoolsByMaximumAndMeasuresTheCommonPatterns() {
        float[][] previous = new float[4][4];
        previous[0][0] = 1;
        for (int q = 1; q < 4; q++) previous[q][q - 1] = 1;
        AttentionGrid.Head h = AttentionGrid.Head.of(previous, 2);
        assertThat(h.toPrevious()).isEqualTo(1.0);
        assertThat(h.toSelf()).isZero();
        assertThat(h.toFirst()).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(h.thumbnail()).hasDimensions(2, 2);
        assertThat(h.thumbnail()[0][0]).isEqualTo(1f); // rows 0–1 × keys 0–1
        assertThat(h.thumbnail()[1][1]).isEqualTo(1f); // [3][2]
        assertThat(h.thumbnail()[0][1]).isZero();
        assertThat(AttentionGrid.Head.of(new float[][] {{1}}, 24).toPrevious()).isNaN();
    }

    @Test
    void theLensTableHasACellPerLayerAndRankAndFollowsThePosition() {
        ScoredText text = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        LogitLens lens = InsideSamples.lens(text, 12, 10);
        LensTableFigure f = LensTableFigure.of(lens, 3, 10, FigureOptions.DEFAULT, ExportMetadata.NONE);
        assertThat(f.position()).isEqualTo(3);
        List<Figure.Item> cells = f.items().stream().filter(i -> i.kind().equals("cell")).toList();
        assertThat(cells).hasSize(13 * f.k());
        assertThat(cells.get(12 * f.k()).tooltip()).startsWith("layer 11 · rank 1: "
                + Tooltips.quoted(lens.top(12, 3).get(0).text()));
        assertThat(f.title()).contains(Tooltips.quoted(text.tokens().get(3).text()), "token 3");
        assertThat(Recorder.of(f).allText()).contains("embeddings", "layer 11 (output)", "rank " + lens.nextRank(12, 3));
        LensTableFigure narrow = LensTableFigure.of(lens, 3, 10, FigureOptions.DEFAULT.withWidth(300), ExportMetadata.NONE);
        assertThat(narrow.k()).isBetween(1, 9);
        LensTableFigure last = LensTableFigure.of(lens, text.tokens().size() - 1, 10, FigureOptions.DEFAULT, ExportMetadata.NONE);
        assertThat(Recorder.of(last).allText()).contains("nothing came next").doesNotContain("next token");
    }

    @Test
    void theRankChartHasAPointPerLevelInEachPanel() {
        ScoredText text = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        LogitLens lens = InsideSamples.lens(text, 12, 5);
        LensRankFigure f = LensRankFigure.of(lens, 5, FigureOptions.DEFAULT, ExportMetadata.NONE);
        List<Figure.Item> points = f.items().stream().filter(i -> i.kind().equals("level")).toList();
        assertThat(points).hasSize(2 * 13);
        assertThat(points.get(0).tooltip()).startsWith("the embeddings: " + Tooltips.quoted(text.tokens().get(6).text())
                + " rank " + String.format(java.util.Locale.ROOT, "%,d", lens.nextRank(0, 5)));
        // rank 1 at the top: a better rank is drawn higher
        int better = lens.nextRank(12, 5) < lens.nextRank(0, 5) ? 12 : 0;
        int worse = 12 - better;
        assertThat(points.get(2 * better).y()).isLessThan(points.get(2 * worse).y());
        assertThat(Recorder.of(f).allText()).contains("emb", "rank (log)", "probability");
    }

    @Test
    void theLensHeatmapHasACellPerLevelAndToken() {
        ScoredText text = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        int n = text.tokens().size();
        LogitLens lens = InsideSamples.lens(text, 4, 3);
        LensHeatmapFigure f = LensHeatmapFigure.of(lens, 2, FigureOptions.DEFAULT, ExportMetadata.NONE);
        List<Figure.Item> cells = f.items().stream().filter(i -> i.kind().equals("cell")).toList();
        assertThat(cells).hasSize(5 * n);
        Figure.Item end = cells.stream().filter(c -> c.index() == 4 * n + n - 1).findFirst().orElseThrow();
        assertThat(end.tooltip()).contains("nothing came next");
        assertThat(f.bands()).isEqualTo(1);
        assertThat(f.metadata()).containsEntry("figure", "lens-heatmap").containsEntry("position", "2");
    }

    @Test
    void theTablesSayWhatTheFiguresShow() throws Exception {
        ScoredText text = Samples.scored("The quick brown fox", "gpt2", 1, true);
        int n = text.tokens().size();
        AttentionMap map = InsideSamples.attention(text, 2, null);
        DataExport.Table attention = DataExport.attention(map);
        assertThat(attention.columns()).containsExactly("layer", "head", "query", "query_token", "key", "key_token", "weight");
        assertThat(attention.rows()).hasSize(n * (n + 1) / 2);
        assertThat(attention.rows().get(0)).containsExactly(2, null, 0, "The", 0, "The", 1.0);
        assertThat(DataExport.csv(attention)).contains("\r\n2,,1,\" quick\",0,The,");

        LogitLens lens = InsideSamples.lens(text, 3, 4);
        DataExport.Table at = DataExport.lens(lens, 1);
        assertThat(at.rows()).hasSize(4 * 4);
        assertThat(at.column("layer")).startsWith(null, null, null, null, 0);
        assertThat(at.column("next_rank").get(15)).isEqualTo(lens.nextRank(3, 1));
        JsonNode json = new ObjectMapper().readTree(DataExport.json(at, ExportMetadata.NONE));
        assertThat(json.get("table").asText()).isEqualTo("logit_lens");
        assertThat(json.get("rows").get(0).get("token").asText()).isEqualTo(lens.top(0, 1).get(0).text());
        DataExport.Table end = DataExport.lens(lens, n - 1);
        assertThat(end.column("next_rank")).containsOnlyNulls();

        DataExport.Table ranks = DataExport.lensRanks(lens);
        assertThat(ranks.rows()).hasSize(4 * n);
        assertThat(ranks.column("next_token").subList(0, n)).containsExactly(" quick", " brown", " fox", null);
        assertThat(DataExport.latex(ranks)).startsWith("\\begin{tabular}{rrrlrlrrlr}")
                .contains("101 & \\textvisiblespace{}quick & ");

        DataExport.Table heads = DataExport.attentionGrid(InsideSamples.grid(text, 2, 3));
        assertThat(heads.rows()).hasSize(6);
        assertThat(heads.columns()).containsExactly("layer", "head", "to_previous", "to_first", "to_self");
    }
}
