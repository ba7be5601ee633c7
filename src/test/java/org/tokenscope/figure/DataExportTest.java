package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Windows;

class DataExportTest {

    static final ExportMetadata METADATA = ExportMetadata.of("1.2.3", "x",
            List.of(new ExportMetadata.ModelRef("gpt2", "main"))).withSetting("measure", "prob");

    /** A text whose tokens hold every character CSV and LaTeX must escape. */
    static ScoredText awkward() {
        String text = "say \"hi\", then\nnew line & 50% of $5 #1 a_b {c} ~d ^e \\f";
        List<TokenScore> tokens = new ArrayList<>();
        String[] pieces = {"say", " \"hi\",", " then", "\n", "new", " line", " & 50% of $5 #1 a_b {c} ~d ^e \\f"};
        int at = 0;
        for (int i = 0; i < pieces.length; i++) {
            int end = at + pieces[i].length();
            tokens.add(i == 0 ? TokenScore.unscored(i, 100 + i, pieces[i], at, end, false)
                    : new TokenScore(i, 100 + i, pieces[i], at, end, false, -0.1 * i - 1e-7 * i, Math.exp(-0.1 * i - 1e-7 * i),
                            i, 1.0 / 3 * i, List.of(new Alternative(1, " the", -1.5))));
            at = end;
        }
        return ScoredText.of(text, false, new ModelSummary("gpt2", 2, 1000, 64), tokens, Windows.plan(tokens.size(), false, 64));
    }

    /** An RFC 4180 reader: fields, quoted fields with doubled quotes and line breaks, CRLF records. */
    static List<List<String>> readCsv(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && csv.charAt(i + 1) == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        return records;
    }

    @Test
    void csvQuotesWhatItMustAndReadsBackToTheSameValues() {
        ScoredText s = awkward();
        DataExport.Table table = DataExport.tokenScores(s, null);
        String csv = DataExport.csv(table);
        assertThat(csv).startsWith("index,id,token,start,end,partial,logprob,prob,rank,entropy,surprisal\r\n");
        assertThat(csv).contains("\" \"\"hi\"\",\"", "\"\n\"", "\" then\"").doesNotContain("E-");
        List<List<String>> rows = readCsv(csv);
        assertThat(rows).hasSize(s.tokens().size() + 1);
        for (int i = 0; i < s.tokens().size(); i++) {
            TokenScore t = s.tokens().get(i);
            List<String> row = rows.get(i + 1);
            assertThat(row).hasSize(11);
            assertThat(row.get(2)).isEqualTo(t.text());
            if (t.isScored()) {
                assertThat(Double.parseDouble(row.get(6))).isEqualTo(t.logprob());
                assertThat(Double.parseDouble(row.get(7))).isEqualTo(t.prob());
                assertThat(Double.parseDouble(row.get(9))).isEqualTo(t.entropy());
                assertThat(Integer.parseInt(row.get(8))).isEqualTo(t.rank());
            } else {
                assertThat(row.subList(6, 11)).containsOnly("");
            }
        }
        assertThat(DataExport.csvField(1e-20)).isEqualTo("0.00000000000000000001");
    }

    @Test
    void jsonCarriesTheMetadataAndTheSameNumbers() throws Exception {
        ScoredText a = awkward();
        ScoredText b = Samples.scored(a.text(), "gpt2-large", 5, false);
        DataExport.Table table = DataExport.tokenScores(a, b);
        JsonNode root = new ObjectMapper().readTree(DataExport.json(table, METADATA));
        assertThat(root.get("metadata").get("software").asText()).isEqualTo("tokenscope 1.2.3");
        assertThat(root.get("metadata").get("model.A").asText()).isEqualTo("gpt2");
        assertThat(root.get("table").asText()).isEqualTo("token_scores");
        assertThat(root.get("columns").toString()).contains("logprob_a", "logprob_b", "logprob_diff");
        JsonNode rows = root.get("rows");
        assertThat(rows).hasSize(a.tokens().size());
        assertThat(rows.get(0).get("logprob_a").isNull()).isTrue();
        for (int i = 1; i < a.tokens().size(); i++) {
            assertThat(rows.get(i).get("token").asText()).isEqualTo(a.tokens().get(i).text());
            assertThat(rows.get(i).get("logprob_a").asDouble()).isEqualTo(a.tokens().get(i).logprob());
            assertThat(rows.get(i).get("entropy_a").asDouble()).isEqualTo(a.tokens().get(i).entropy());
        }
        // B's tokens cut the text differently: only those covering the same characters pair
        for (int i = 1; i < a.tokens().size(); i++) {
            JsonNode row = rows.get(i);
            TokenScore ta = a.tokens().get(i);
            TokenScore tb = b.tokens().stream().filter(t -> t.start() == ta.start() && t.end() == ta.end()).findFirst()
                    .orElse(null);
            if (tb == null || !tb.isScored()) {
                assertThat(row.get("logprob_b").isNull()).isTrue();
                assertThat(row.get("logprob_diff").isNull()).isTrue();
            } else {
                assertThat(row.get("logprob_b").asDouble()).isEqualTo(tb.logprob());
                assertThat(row.get("logprob_diff").asDouble()).isEqualTo(tb.logprob() - ta.logprob());
            }
        }
    }

    @Test
    void latexIsABooktabsTabularWithSpecialsEscaped() {
        String tex = DataExport.latex(DataExport.tokenScores(awkward(), null));
        List<String> lines = tex.lines().toList();
        assertThat(lines.get(0)).isEqualTo("\\begin{tabular}{rrlrrlrrrrr}");
        assertThat(lines.get(1)).isEqualTo("\\toprule");
        assertThat(lines.get(2)).isEqualTo("index & id & token & start & end & partial & logprob & prob & rank & entropy & surprisal \\\\");
        assertThat(lines.get(3)).isEqualTo("\\midrule");
        assertThat(lines.get(lines.size() - 2)).isEqualTo("\\bottomrule");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("\\end{tabular}");
        assertThat(lines).hasSize(awkward().tokens().size() + 6);
        assertThat(lines.get(4)).isEqualTo("0 & 100 & say & 0 & 3 & False & NaN & NaN & NaN & NaN & NaN \\\\");
        assertThat(lines.get(5)).startsWith("1 & 101 & \\textvisiblespace{}\"hi\", & 3 & 9 & False & -0.100000 & 0.904837 & 1 & 0.333333 & 0.100000");
        assertThat(tex).contains("\\textbackslash{}n") // the newline token
                .contains("\\&\\textvisiblespace{}50\\%\\textvisiblespace{}of\\textvisiblespace{}\\$5\\textvisiblespace{}\\#1"
                        + "\\textvisiblespace{}a\\_b\\textvisiblespace{}\\{c\\}\\textvisiblespace{}\\textasciitilde{}d"
                        + "\\textvisiblespace{}\\textasciicircum{}e\\textvisiblespace{}\\textbackslash{}f");
        // every row has as many cells as columns: no unescaped & slipped through
        for (String line : lines.subList(4, lines.size() - 2)) {
            assertThat(line.replace("\\&", "").split("&", -1)).hasSize(11);
            assertThat(line).endsWith(" \\\\");
        }
        assertThat(DataExport.latex(DataExport.tokenScores(awkward(), awkward()))).contains("logprob\\_a & prob\\_a");
        assertThat(DataExport.latexEscape("50% & $", false)).isEqualTo("50\\% \\& \\$");
    }

    @Test
    void topKStepsAndTokensHaveTheirTables() {
        ScoredText s = awkward();
        DataExport.Table top = DataExport.topK(s.tokens().get(1).top(), 1);
        assertThat(top.columns()).containsExactly("rank", "id", "token", "logprob", "prob", "actual");
        assertThat(top.rows().get(0)).containsExactly(1, 1, " the", -1.5, Math.exp(-1.5), true);
        var generation = Samples.generation(" fox", " jumps");
        DataExport.Table steps = DataExport.steps(generation.best());
        assertThat(steps.columns()).containsExactly("step", "id", "token", "logprob", "prob", "rank", "entropy",
                "sample_prob", "processed_logprob");
        assertThat(steps.rows()).hasSize(2);
        assertThat(steps.column("token")).containsExactly(" fox", " jumps");
        assertThat(DataExport.csv(steps).lines().toList().get(1)).startsWith("1,200,\" fox\",-0.3,");
        DataExport.Table tokens = DataExport.tokens(s.tokens(), new int[] {3, 6, 5, 1, 3, 5, 34});
        assertThat(tokens.column("bytes")).containsExactly(3, 6, 5, 1, 3, 5, 34);
        assertThat(DataExport.latex(tokens)).startsWith("\\begin{tabular}{rrlrrlr}");
        assertThat(DataExport.Format.parse("latex")).isEqualTo(DataExport.Format.TEX);
    }
}
