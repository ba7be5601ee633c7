package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** {@code export} end to end on small checkpoints the test writes, with the real GPT-2 tokenizer. */
class ExportCommandTest {

    static final String TEXT = "The quick brown fox jumps over the lazy dog.\nI like 😀 & <b>tags</b>.";

    @TempDir
    static Path dir;
    static Path small;
    static Path large;

    @BeforeAll
    static void writeModels() throws Exception {
        small = CheckpointWriter.write(TinyGpt2.random(7, 2, 4, 32, 64, 50257), dir.resolve("small"));
        large = CheckpointWriter.write(TinyGpt2.random(8, 3, 4, 48, 64, 50257), dir.resolve("large"));
    }

    static Document svg(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    static String svgText(Document doc) {
        NodeList texts = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.getLength(); i++) sb.append(texts.item(i).getTextContent()).append('\n');
        return sb.toString();
    }

    @Test
    void theHeatmapExportsInEveryFormat() throws Exception {
        for (String format : new String[] {"svg", "png", "csv", "json", "tex"}) {
            Path out = dir.resolve("heatmap." + format);
            CliRun run = CliRun.of("export", "--figure", "heatmap", "--model", small.toString(), "--text", TEXT,
                    "--out", out.toString(), "--scale", "2");
            assertThat(run.exitCode()).as(format + ": " + run.err()).isZero();
            assertThat(run.out()).contains("Wrote " + out);
            assertThat(out).isRegularFile();
        }
        Document doc = svg(dir.resolve("heatmap.svg"));
        assertThat(svgText(doc)).contains("quick", "fox", "😀", "<", "tags", "small · perplexity");
        String raw = Files.readString(dir.resolve("heatmap.svg"));
        assertThat(raw).contains("<ts:entry key=\"model.A\">small</ts:entry>", "<ts:entry key=\"model.A.revision\">local</ts:entry>",
                "<ts:entry key=\"text.sha256\">" + ExportMetadata.sha256(TEXT) + "</ts:entry>",
                "<ts:entry key=\"measure\">prob</ts:entry>", "<ts:entry key=\"software\">tokenscope ");
        BufferedImage png = ImageIO.read(dir.resolve("heatmap.png").toFile());
        double width = Double.parseDouble(doc.getDocumentElement().getAttribute("width"));
        double height = Double.parseDouble(doc.getDocumentElement().getAttribute("height"));
        assertThat(png.getWidth()).isEqualTo((int) Math.round(width * 2));
        assertThat(png.getHeight()).isEqualTo((int) Math.round(height * 2));
        String csv = Files.readString(dir.resolve("heatmap.csv"));
        assertThat(csv).startsWith("index,id,token,start,end,partial,logprob,prob,rank,entropy,surprisal\r\n")
                .contains(",\" quick\",");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("heatmap.json").toFile());
        assertThat(json.get("metadata").get("model.A").asText()).isEqualTo("small");
        assertThat(json.get("rows").get(1).get("token").asText()).isEqualTo(" quick");
        assertThat(json.get("rows").get(1).get("logprob").asDouble()).isNegative();
        assertThat(Files.readString(dir.resolve("heatmap.tex"))).startsWith("\\begin{tabular}")
                .contains("\\toprule", "\\textvisiblespace{}quick", "\\&", "\\bottomrule");
        // the CSV and the JSON say the same numbers
        String second = csv.lines().toList().get(2);
        assertThat(Double.parseDouble(second.split(",")[6])).isEqualTo(json.get("rows").get(1).get("logprob").asDouble());
    }

    @Test
    void twoModelFiguresNeedAndUseTheSecondModel() throws Exception {
        CliRun missing = CliRun.of("export", "--figure", "scatter", "--model", small.toString(), "--text", TEXT);
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("--compare").doesNotContain("Exception");
        for (String figure : new String[] {"compare", "scatter", "plot"}) {
            Path out = dir.resolve(figure + ".svg");
            CliRun run = CliRun.of("export", "--figure", figure, "--model", small.toString(), "--compare",
                    large.toString(), "--text", TEXT, "--out", out.toString(), "--measure", "logprob", "--palette", "cividis");
            assertThat(run.exitCode()).as(figure + ": " + run.err()).isZero();
            String text = svgText(svg(out));
            assertThat(text).as(figure).contains("small", "large");
            assertThat(Files.readString(out)).contains("<ts:entry key=\"model.B\">large</ts:entry>");
        }
        assertThat(svgText(svg(dir.resolve("scatter.svg")))).contains("Pearson r = ", "Spearman ρ = ");
        CliRun diff = CliRun.of("export", "--figure", "compare", "--difference", "--model", small.toString(), "--compare",
                large.toString(), "--text", TEXT, "--format", "json");
        assertThat(diff.exitCode()).as(diff.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(diff.out());
        assertThat(json.get("columns").toString()).contains("logprob_a", "logprob_b", "logprob_diff");
        assertThat(json.get("metadata").get("difference").asText()).isEqualTo("true");
    }

    @Test
    void topKTokensAndStepsExport() throws Exception {
        CliRun next = CliRun.of("export", "--figure", "topk", "--model", small.toString(), "--text", "Hello world",
                "--top-k", "7", "--format", "csv");
        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(next.out().lines().toList()).hasSize(8).first().isEqualTo("rank,id,token,logprob,prob,actual");
        CliRun at = CliRun.of("export", "--figure", "topk", "--model", small.toString(), "--compare", large.toString(),
                "--text", "Hello world", "--position", "1", "--format", "svg");
        assertThat(at.exitCode()).as(at.err()).isZero();
        assertThat(at.out()).contains("Token 1 (&apos;·world&apos;)");
        CliRun outside = CliRun.of("export", "--figure", "topk", "--model", small.toString(), "--text", "Hello world",
                "--position", "9");
        assertThat(outside.exitCode()).isNotZero();
        assertThat(outside.err()).contains("outside the text's 2 tokens");

        CliRun tokens = CliRun.of("export", "--figure", "tokens", "--model", small.toString(), "--text", "I like 😀",
                "--format", "json");
        assertThat(tokens.exitCode()).as(tokens.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(tokens.out()).get("rows");
        int bytes = 0;
        for (JsonNode r : rows) bytes += r.get("bytes").asInt();
        assertThat(bytes).isEqualTo("I like 😀".getBytes(StandardCharsets.UTF_8).length);
        assertThat(rows.get(rows.size() - 1).get("partial").asBoolean()).isTrue();
        Path tokensPng = dir.resolve("tokens.png");
        assertThat(CliRun.of("export", "--figure", "tokens", "--model", small.toString(), "--text", "I like 😀",
                "--out", tokensPng.toString(), "--dpi", "192", "--transparent").exitCode()).isZero();
        BufferedImage image = ImageIO.read(tokensPng.toFile());
        assertThat(image.getWidth()).isEqualTo(1600);
        assertThat(image.getRGB(0, 0) >>> 24).isZero();

        CliRun steps = CliRun.of("export", "--figure", "steps", "--model", small.toString(), "--text", "Hello world",
                "--max-new-tokens", "4", "--format", "tex");
        assertThat(steps.exitCode()).as(steps.err()).isZero();
        assertThat(steps.out()).startsWith("\\begin{tabular}{rrlrrrrrr}").contains("\\midrule");
        Path stepsSvg = dir.resolve("steps.svg");
        CliRun sampled = CliRun.of("export", "--figure", "steps", "--model", small.toString(), "--text", "Hello world",
                "--max-new-tokens", "3", "--strategy", "sample", "--seed", "11", "--out", stepsSvg.toString());
        assertThat(sampled.exitCode()).as(sampled.err()).isZero();
        assertThat(Files.readString(stepsSvg)).contains("<ts:entry key=\"seed\">11</ts:entry>",
                "<ts:entry key=\"strategy\">sample</ts:entry>");
        assertThat(svgText(svg(stepsSvg))).contains("log-prob", "joint log-probability");
    }

    @Test
    void badRequestsGetOneClearSentence() throws Exception {
        CliRun png = CliRun.of("export", "--model", small.toString(), "--text", "hi", "--format", "png");
        assertThat(png.exitCode()).isNotZero();
        assertThat(png.err()).contains("--out");
        CliRun format = CliRun.of("export", "--model", small.toString(), "--text", "hi", "--format", "gif");
        assertThat(format.err()).contains("svg, png, csv, json or tex");
        CliRun measure = CliRun.of("export", "--model", small.toString(), "--text", "hi", "--measure", "loudness");
        assertThat(measure.err()).contains("prob, logprob, rank, entropy, surprisal, cross-entropy, binoculars or fast-detectgpt");
        CliRun palette = CliRun.of("export", "--model", small.toString(), "--text", "hi", "--palette", "rdbu");
        assertThat(palette.err()).contains("viridis or cividis");
        CliRun empty = CliRun.of("export", "--model", small.toString(), "--text", "");
        assertThat(empty.err()).contains("empty");
        CliRun width = CliRun.of("export", "--model", small.toString(), "--text", "hi", "--width", "50");
        assertThat(width.err()).contains("width");
        for (CliRun r : new CliRun[] {png, format, measure, palette, empty, width}) {
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        CliRun stdout = CliRun.of("export", "--model", small.toString(), "--text", "hi there");
        assertThat(stdout.exitCode()).as(stdout.err()).isZero();
        assertThat(stdout.out()).startsWith("<?xml").contains("<svg");
        // what goes to standard output is the very SVG a file gets: well-formed, with the text's tokens in it
        Document printed = DocumentBuilderFactory.newNSInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(stdout.out().getBytes(StandardCharsets.UTF_8)));
        assertThat(svgText(printed)).contains("hi", "there");
        Path file = dir.resolve("stdout-twin.svg");
        assertThat(CliRun.of("export", "--model", small.toString(), "--text", "hi there", "--out", file.toString())
                .exitCode()).isZero();
        assertThat(stdout.out()).isEqualTo(Files.readString(file));
    }
}
