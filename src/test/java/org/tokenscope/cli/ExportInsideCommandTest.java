package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;
import org.w3c.dom.Document;

/** {@code export} of the figures of the model's insides, end to end on a tiny checkpoint with the real tokenizer. */
class ExportInsideCommandTest {

    static final String TEXT = "The quick brown fox jumps over the lazy dog.";

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void write() throws Exception {
        model = CheckpointWriter.write(TinyGpt2.random(5, 3, 4, 32, 64, 50257), dir.resolve("tiny"));
    }

    static CliRun export(String figure, String... more) {
        String[] args = new String[7 + more.length];
        String[] first = {"export", "--figure", figure, "--model", model.toString(), "--text", TEXT};
        System.arraycopy(first, 0, args, 0, first.length);
        System.arraycopy(more, 0, args, first.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void everyInsideFigureWritesSvgPngAndData() throws Exception {
        for (String figure : new String[] {"attention", "attention-matrix", "attention-grid", "lens", "lens-rank",
                "lens-heatmap"}) {
            for (String format : new String[] {"svg", "png", "csv"}) {
                Path out = dir.resolve(figure + "." + format);
                CliRun run = export(figure, "--layer", "1", "--head", "2", "--position", "3", "--out", out.toString());
                assertThat(run.exitCode()).as(figure + " " + format + ": " + run.err()).isZero();
                assertThat(run.out()).contains("Wrote " + out, figure);
                assertThat(out).isRegularFile();
            }
            Document svg = ExportCommandTest.svg(dir.resolve(figure + ".svg"));
            assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
            String raw = Files.readString(dir.resolve(figure + ".svg"));
            assertThat(raw).as(figure).contains("<ts:entry key=\"figure\">" + figure + "</ts:entry>",
                    "<ts:entry key=\"position\">3</ts:entry>", "<ts:entry key=\"model.A\">tiny</ts:entry>");
            BufferedImage png = ImageIO.read(dir.resolve(figure + ".png").toFile());
            assertThat(png.getWidth()).as(figure).isEqualTo(800);
        }
        String attention = ExportCommandTest.svgText(ExportCommandTest.svg(dir.resolve("attention.svg")));
        assertThat(attention).contains("Attention from '·fox' (token 3)", "layer 1, head 2", "quick", "lazy");
        assertThat(ExportCommandTest.svgText(ExportCommandTest.svg(dir.resolve("lens.svg"))))
                .contains("Logit lens after '·fox' (token 3)", "what came next: '·jumps'", "layer 2 (output)");
        assertThat(ExportCommandTest.svgText(ExportCommandTest.svg(dir.resolve("attention-grid.svg"))))
                .contains("3 layers × 4 heads");
        assertThat(Files.readString(dir.resolve("attention.csv")))
                .startsWith("layer,head,query,query_token,key,key_token,weight\r\n1,2,0,The,0,The,1\r\n");
        assertThat(Files.readString(dir.resolve("lens-heatmap.csv"))).startsWith("level,layer,position,token,next_id,");
        assertThat(Files.readAllLines(dir.resolve("attention-grid.csv"))).hasSize(1 + 3 * 4);
    }

    @Test
    void theAttentionDataAreTheInspectCommandsWeights() throws Exception {
        CliRun data = export("attention", "--layer", "2", "--format", "json");
        assertThat(data.exitCode()).as(data.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(data.out()).get("rows");
        CliRun inspect = CliRun.of("inspect", "--model", model.toString(), "--text", TEXT, "--layer", "2", "--json");
        JsonNode weights = new ObjectMapper().readTree(inspect.out()).get("attention").get("weights");
        int n = weights.size();
        assertThat(rows).hasSize(n * (n + 1) / 2);
        for (JsonNode row : rows) {
            assertThat(row.get("head").isNull()).isTrue(); // the mean of heads
            assertThat(row.get("weight").asDouble()).isCloseTo(
                    weights.get(row.get("query").asInt()).get(row.get("key").asInt()).asDouble(), within(1e-6));
        }
        CliRun lens = export("lens", "--top-k", "3", "--format", "json");
        JsonNode lensRows = new ObjectMapper().readTree(lens.out()).get("rows");
        assertThat(lensRows).hasSize(4 * 3); // embeddings and 3 blocks, 3 predictions each
        assertThat(lensRows.get(0).get("position").asInt()).isEqualTo(n - 1); // the last by default
        assertThat(lensRows.get(0).get("next_rank").isNull()).isTrue();
    }

    @Test
    void badRequestsGetOneClearSentence() {
        CliRun layer = export("attention", "--layer", "3");
        assertThat(layer.err()).contains("--layer must be between 0 and 2");
        CliRun head = export("attention-matrix", "--head", "4");
        assertThat(head.err()).contains("--head must be between 0 and 3");
        CliRun position = export("lens", "--position", "99");
        assertThat(position.err()).contains("outside the text's");
        CliRun compare = export("lens-rank", "--compare", model.toString());
        assertThat(compare.err()).contains("drop --compare");
        CliRun unknown = export("attentions");
        assertThat(unknown.err()).contains("lens-heatmap");
        for (CliRun r : new CliRun[] {layer, head, position, compare, unknown}) {
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
