package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DetectionReference;
import org.tokenscope.testing.TinyGpt2;

/** {@code score --json}'s detection fields against the double-precision reference. */
class ScoreDetectionTest {

    static final TinyGpt2 SMALL = TinyGpt2.random(7, 2, 4, 32, 64, 50257);
    static final TinyGpt2 LARGE = TinyGpt2.random(8, 3, 4, 48, 64, 50257);
    static final String TEXT = "The quick brown fox jumps over the lazy dog.";

    @TempDir
    static Path dir;
    static Path small;
    static Path large;
    static Path otherTokenizer;

    @BeforeAll
    static void writeModels() throws Exception {
        small = CheckpointWriter.write(SMALL, dir.resolve("small"));
        large = CheckpointWriter.write(LARGE, dir.resolve("large"));
        otherTokenizer = writeWithSwappedTokens(LARGE, dir.resolve("other"));
    }

    /** A checkpoint whose tokenizer gives " quick" and " brown" each other's ids: a different tokenizer. */
    static Path writeWithSwappedTokens(TinyGpt2 model, Path folder) throws Exception {
        CheckpointWriter.write(model, folder);
        ObjectMapper json = new ObjectMapper();
        Path file = folder.resolve("tokenizer.json");
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        ObjectNode vocab = (ObjectNode) root.get("model").get("vocab");
        int quick = vocab.get("Ġquick").asInt();
        int brown = vocab.get("Ġbrown").asInt();
        vocab.put("Ġquick", brown);
        vocab.put("Ġbrown", quick);
        Files.writeString(file, json.writeValueAsString(root));
        return folder;
    }

    static int[] seq(String text) {
        // "<|endoftext|>The quick brown fox jumps over the lazy dog." in GPT-2's ids
        return new int[] {50256, 464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13};
    }

    @Test
    void eachRunHasGltrAndItsOwnFastDetectGpt() throws Exception {
        CliRun run = CliRun.of("score", "--model", small.toString(), "--text", TEXT, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(run.out()).get("runs").get(0);
        DetectionReference.Terms ref = DetectionReference.of(SMALL, null, seq(TEXT));
        assertThat(r.get("fast_detectgpt").asDouble()).isCloseTo(ref.fastDetectGptSelf(), within(1e-3));
        double[] gltr = ref.gltrA();
        assertThat(r.get("gltr").get("top10").asDouble()).isCloseTo(gltr[0], within(1e-12));
        assertThat(r.get("gltr").get("top100").asDouble()).isCloseTo(gltr[1], within(1e-12));
        assertThat(r.get("gltr").get("top1000").asDouble()).isCloseTo(gltr[2], within(1e-12));
        assertThat(r.get("gltr").get("rest").asDouble()).isCloseTo(gltr[3], within(1e-12));
        assertThat(r.get("tokens").get(0).has("cross_entropy")).isFalse();
    }

    @Test
    void comparisonGainsBinocularsAndFastDetectGptAndRunATheTokenTerms() throws Exception {
        CliRun run = CliRun.of("score", "--model", small.toString(), "--compare", large.toString(), "--text", TEXT, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        DetectionReference.Terms ref = DetectionReference.of(SMALL, LARGE, seq(TEXT));
        JsonNode d = root.get("comparison").get("detection");
        assertThat(d.get("binoculars").asDouble()).isCloseTo(ref.binoculars(), within(1e-4 * ref.binoculars()));
        assertThat(d.get("fast_detectgpt").asDouble()).isCloseTo(ref.fastDetectGpt(), within(1e-3 * Math.max(1, Math.abs(ref.fastDetectGpt()))));
        assertThat(d.get("observer").asText()).isEqualTo("small");
        assertThat(d.get("performer").asText()).isEqualTo("large");
        JsonNode tokens = root.get("runs").get(0).get("tokens");
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(tokens.get(i).get("cross_entropy").asDouble()).isCloseTo(ref.cross()[i], within(2e-3));
            assertThat(tokens.get(i).get("fdg_mean").asDouble()).isCloseTo(ref.mean()[i], within(2e-3));
            assertThat(tokens.get(i).get("fdg_var").asDouble()).isCloseTo(ref.variance()[i], within(2e-3 * Math.max(1, ref.variance()[i])));
        }
        DetectionReference.Terms largeAlone = DetectionReference.of(LARGE, null, seq(TEXT));
        assertThat(root.get("runs").get(1).get("fast_detectgpt").asDouble())
                .isCloseTo(largeAlone.fastDetectGptSelf(), within(1e-3 * Math.max(1, Math.abs(largeAlone.fastDetectGptSelf()))));
        assertThat(root.get("runs").get(1).get("tokens").get(0).has("cross_entropy")).isFalse();

        CliRun table = CliRun.of("score", "--model", small.toString(), "--compare", large.toString(), "--text", TEXT);
        assertThat(table.out()).contains("Binoculars (observer small, performer large)", "GLTR (small)");
    }

    @Test
    void modelsWithDifferentTokenizersGetNoDetectionAndANote() throws Exception {
        CliRun run = CliRun.of("score", "--model", small.toString(), "--compare", otherTokenizer.toString(),
                "--text", TEXT, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode c = new ObjectMapper().readTree(run.out()).get("comparison");
        assertThat(c.get("detection").isNull()).isTrue();
        assertThat(c.get("note").asText()).contains("share a tokenizer");
        JsonNode first = new ObjectMapper().readTree(run.out()).get("runs").get(0).get("tokens").get(0);
        assertThat(first.get("cross_entropy").isNull()).isTrue();
        // each model's own scores are still there
        assertThat(new ObjectMapper().readTree(run.out()).get("runs").get(1).get("fast_detectgpt").isNumber()).isTrue();
    }
}
