package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.analysis.TextPair;
import org.w3c.dom.Document;

class PairFigureTest {

    static final List<String> LABELS = List.of("contradiction", "entailment", "neutral");

    static final PairScores SAMPLE = new PairScores("nli-tiny", "DebertaV2ForSequenceClassification", 1234, 512, LABELS,
            List.of(PairScore.of(new TextPair("A man walks into a bar and buys a drink", "A bloke swigs alcohol at a pub"),
                            LABELS, new double[] {0.1, 0.61, 0.29}, 19, false),
                    PairScore.of(new TextPair("A person on a horse jumps over a broken down airplane.",
                            "A person is outdoors, on a horse."), LABELS, new double[] {0.002, 0.996, 0.002}, 24, false),
                    PairScore.of(new TextPair("Mark Wahlberg was a fan of Manny.", "Manny was a fan of Mark Wahlberg."),
                            LABELS, new double[] {0.9, 0.003, 0.097}, 18, true)));

    @Test
    void oneBarPerPairInTheOrderGivenIndexedByInputPosition() throws Exception {
        List<PairScore> sorted = SAMPLE.sortedBy("entailment");
        PairScoresFigure figure = PairScoresFigure.of(SAMPLE, sorted, "entailment", FigureOptions.DEFAULT, ExportMetadata.NONE);
        List<Figure.Item> bars = figure.items().stream().filter(i -> i.kind().equals("bar")).toList();
        assertThat(bars).extracting(Figure.Item::index).containsExactly(1, 0, 2);
        assertThat(bars.get(2).tooltip()).contains("(cut to fit)").contains("contradiction 0.9000");
        Document svg = SvgExportTest.parse(SvgPainter.render(figure, false));
        assertThat(SvgExportTest.texts(svg)).contains("0.9960", "0.6100", "0.0030");
        assertThat(figure.metadata()).containsEntry("classifier", "nli-tiny").containsEntry("label", "entailment");
        assertThat(SAMPLE.primaryLabel()).isEqualTo("entailment");
        assertThatThrownBy(() -> PairScoresFigure.of(SAMPLE, sorted, "score", FigureOptions.DEFAULT, ExportMetadata.NONE))
                .hasMessageContaining("no label 'score'");
    }

    @Test
    void theTableHasEveryLabelAndWritesAsCsvJsonAndLatex() {
        DataExport.Table table = DataExport.pairs(SAMPLE, SAMPLE.sortedBy("contradiction"));
        assertThat(table.columns()).containsExactly("index", "premise", "hypothesis", "contradiction", "entailment", "neutral",
                "top", "tokens", "truncated");
        assertThat(table.column("index")).containsExactly(3, 1, 2);
        assertThat(table.column("top")).containsExactly("contradiction", "entailment", "entailment");
        String csv = DataExport.write(table, DataExport.Format.CSV, ExportMetadata.NONE);
        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("index,premise,hypothesis,contradiction,entailment,neutral,top,tokens,truncated");
        assertThat(DataExport.write(table, DataExport.Format.JSON, ExportMetadata.NONE)).contains("\"Manny was a fan of Mark Wahlberg.\"");
        assertThat(DataExport.write(table, DataExport.Format.TEX, ExportMetadata.NONE)).contains("\\toprule").contains("Mark Wahlberg");
    }
}
