package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.Rollout;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.ReferenceEdit;
import org.tokenscope.testing.TinyGpt2;

/** {@code attribute}, {@code intervene} and {@code patch}: the documented JSON, checked against the reference. */
class WhyCommandsTest {

    static final TinyGpt2 TINY = TinyGpt2.random(9, 2, 4, 32, 64, 50257);
    static final String TEXT = "Hello world, I am";
    static final int EOT = 50256;

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void write() throws Exception {
        model = CheckpointWriter.write(TINY, dir.resolve("m"));
    }

    static JsonNode json(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    static int[] ids(JsonNode tokens) {
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).get("id").asInt();
        }
        return ids;
    }

    /** log p(target) − log p(contrast) after {@code <|endoftext|>} and ids, in the reference. */
    static double f(int[] ids, int target, int contrast) {
        int[] input = new int[ids.length + 1];
        input[0] = EOT;
        System.arraycopy(ids, 0, input, 1, ids.length);
        double[] lp = TinyGpt2.logSoftmax(TINY.referenceLogits(input)[ids.length]);
        return lp[target] - (contrast >= 0 ? lp[contrast] : 0);
    }

    @Test
    void occlusionIsTheDifferenceOfRescoringTheTextWithoutEachToken() throws Exception {
        JsonNode root = json("attribute", "--model", model.toString(), "--text", TEXT, "--position", "3",
                "--contrast", "262", "--method", "occlusion", "--json");
        assertThat(root.get("method").asText()).isEqualTo("occlusion");
        assertThat(root.get("completeness_error").isNull()).isTrue();
        JsonNode target = root.get("target");
        assertThat(target.get("position").asInt()).isEqualTo(3);
        assertThat(target.get("contrast").get("id").asInt()).isEqualTo(262);
        JsonNode attributions = root.get("attributions");
        assertThat(attributions).hasSize(3);
        int[] before = ids(attributions);
        int id = target.get("id").asInt();
        double full = f(before, id, 262);
        double[] lp = TinyGpt2.logSoftmax(TINY.referenceLogits(new int[] {EOT, before[0], before[1], before[2]})[3]);
        assertThat(target.get("logprob").asDouble()).isCloseTo(lp[id], within(1e-4));
        assertThat(target.get("contrast").get("logprob").asDouble()).isCloseTo(lp[262], within(1e-4));
        for (int j = 0; j < 3; j++) {
            int[] without = new int[2];
            for (int i = 0, k = 0; i < 3; i++) {
                if (i != j) {
                    without[k++] = before[i];
                }
            }
            assertThat(attributions.get(j).get("index").asInt()).isEqualTo(j);
            assertThat(attributions.get(j).get("score").asDouble()).isCloseTo(full - f(without, id, 262), within(1e-4));
        }
    }

    @Test
    void rolloutIsTheRolloutOfTheReferenceAttentionWithoutTheStartToken() throws Exception {
        JsonNode root = json("attribute", "--model", model.toString(), "--text", TEXT, "--position", "4",
                "--method", "rollout", "--json");
        int[] before = ids(root.get("attributions"));
        int[] input = new int[before.length + 1];
        input[0] = EOT;
        System.arraycopy(before, 0, input, 1, before.length);
        double[][][][] attention = TINY.referenceTrace(input).attention();
        float[][][][] asFloat = new float[attention.length][][][];
        for (int l = 0; l < attention.length; l++) {
            asFloat[l] = new float[attention[l].length][][];
            for (int h = 0; h < attention[l].length; h++) {
                asFloat[l][h] = new float[input.length][input.length];
                for (int q = 0; q < input.length; q++) {
                    for (int k = 0; k < input.length; k++) {
                        asFloat[l][h][q][k] = (float) attention[l][h][q][k];
                    }
                }
            }
        }
        double[] want = Rollout.of(asFloat, input.length - 1);
        for (int j = 0; j < before.length; j++) {
            assertThat(root.get("attributions").get(j).get("score").asDouble()).isCloseTo(want[j + 1], within(1e-4));
        }
    }

    @Test
    void integratedGradientsReportTheirCompletenessError() throws Exception {
        JsonNode ig = json("attribute", "--model", model.toString(), "--text", TEXT, "--position", "4",
                "--method", "integrated-gradients", "--steps", "64", "--json");
        double sum = 0;
        for (JsonNode a : ig.get("attributions")) {
            sum += a.get("score").asDouble();
        }
        assertThat(ig.get("completeness_error").isNumber()).isTrue();
        assertThat(ig.get("completeness_error").asDouble()).isLessThan(0.01 * Math.abs(sum) + 1e-3);
        JsonNode gx = json("attribute", "--model", model.toString(), "--text", TEXT, "--position", "4",
                "--method", "grad-x-input", "--json");
        assertThat(gx.get("completeness_error").isNull()).isTrue();
        assertThat(gx.get("attributions")).hasSize(4);
    }

    @Test
    void interveneGivesEveryTokenWholeAndAblatedAsTheReferenceDoes() throws Exception {
        JsonNode root = json("intervene", "--model", model.toString(), "--text", TEXT, "--ablate", "1.2", "--json");
        JsonNode tokens = root.get("tokens");
        int[] ids = ids(tokens);
        int[] input = new int[ids.length + 1];
        input[0] = EOT;
        System.arraycopy(ids, 0, input, 1, ids.length);
        double[][] whole = TINY.referenceLogits(input);
        double[][] ablated = TINY.referenceLogits(input, ReferenceEdit.zeroHead(1, 2));
        for (int t = 0; t < ids.length; t++) {
            JsonNode token = tokens.get(t);
            assertThat(token.get("index").asInt()).isEqualTo(t);
            assertThat(token.get("logprob").asDouble()).isCloseTo(TinyGpt2.logSoftmax(whole[t])[ids[t]], within(1e-4));
            assertThat(token.get("logprob_ablated").asDouble())
                    .isCloseTo(TinyGpt2.logSoftmax(ablated[t])[ids[t]], within(1e-4));
        }
        JsonNode mlp = json("intervene", "--model", model.toString(), "--text", TEXT, "--ablate-mlp", "0", "--json");
        double[][] noMlp = TINY.referenceLogits(input, ReferenceEdit.zeroMlp(0));
        assertThat(mlp.get("tokens").get(2).get("logprob_ablated").asDouble())
                .isCloseTo(TinyGpt2.logSoftmax(noMlp[2])[ids[2]], within(1e-4));
    }

    @Test
    void patchGridHasOneRowPerBlockAndTheLastBlockAtThePredictingPositionRestoresAll() throws Exception {
        JsonNode root = json("patch", "--model", model.toString(), "--clean", "Hello world, I am",
                "--corrupted", "Hello there, I am", "--position", "4", "--target", "257", "--contrast", "262", "--json");
        assertThat(root.get("layers").asInt()).isEqualTo(2);
        int n = root.get("positions").asInt();
        JsonNode effect = root.get("effect");
        assertThat(effect).hasSize(2);
        assertThat(effect.get(0)).hasSize(n);
        assertThat(effect.get(1).get(3).asDouble()).isCloseTo(1.0, within(1e-4));
        for (int p = 0; p < n; p++) {
            if (p != 3) {
                assertThat(effect.get(1).get(p).asDouble()).as("last block, token %d", p).isCloseTo(0.0, within(1e-4));
            }
        }
        assertThat(effect.get(0).get(0).asDouble()).isCloseTo(0.0, within(1e-4)); // the same token in both texts
    }

    @Test
    void badRequestsAreOneSentence() {
        CliRun head = CliRun.of("intervene", "--model", model.toString(), "--text", TEXT, "--ablate", "1.9");
        assertThat(head.exitCode()).isNotZero();
        assertThat(head.err().strip()).isEqualTo("Error: The head must be between 0 and 3.");
        CliRun lengths = CliRun.of("patch", "--model", model.toString(), "--clean", "Hello world", "--corrupted",
                "Hello wonderful world", "--position", "1", "--target", "11");
        assertThat(lengths.err()).contains("patching needs texts of the same number of tokens");
        CliRun first = CliRun.of("attribute", "--model", model.toString(), "--text", TEXT, "--position", "0");
        assertThat(first.err()).contains("no token before it");
        CliRun method = CliRun.of("attribute", "--model", model.toString(), "--text", TEXT, "--position", "2", "--method", "shap");
        assertThat(method.err()).contains("Unknown method");
        CliRun contrast = CliRun.of("attribute", "--model", model.toString(), "--text", TEXT, "--position", "2",
                "--contrast", "a b c");
        assertThat(contrast.err()).contains("is not one token");
    }

    @Test
    void figuresAreWrittenAsSvg() throws Exception {
        Path svg = dir.resolve("why.svg");
        CliRun run = CliRun.of("attribute", "--model", model.toString(), "--text", TEXT, "--position", "3",
                "--method", "grad-x-input", "--out", svg.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("gradient × input").contains("Wrote");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        Path grid = dir.resolve("patch.png");
        CliRun patch = CliRun.of("patch", "--model", model.toString(), "--clean", "Hello world, I am",
                "--corrupted", "Hello there, I am", "--position", "4", "--target", "257", "--out", grid.toString());
        assertThat(patch.exitCode()).as(patch.err()).isZero();
        assertThat(Arrays.copyOf(Files.readAllBytes(grid), 4)).containsExactly((byte) 0x89, 'P', 'N', 'G');
        Path ablation = dir.resolve("ablate.svg");
        CliRun intervene = CliRun.of("intervene", "--model", model.toString(), "--text", TEXT, "--ablate-mlp", "1",
                "--out", ablation.toString());
        assertThat(intervene.exitCode()).as(intervene.err()).isZero();
        assertThat(Files.readString(ablation)).contains("Δ log p");
    }
}
