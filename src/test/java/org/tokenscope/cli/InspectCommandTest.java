package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

class InspectCommandTest {

    static final TinyGpt2 TINY = TinyGpt2.random(9, 2, 4, 32, 64, 50257);

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void write() throws Exception {
        model = CheckpointWriter.write(TINY, dir.resolve("m"));
    }

    @Test
    void jsonHasTheDocumentedShapeAndTheLastLayerIsTheModelsOwnPrediction() throws Exception {
        CliRun run = CliRun.of("inspect", "--model", model.toString(), "--text", "Hello world, I am",
                "--layer", "1", "--head", "2", "--position", "1", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        int n = root.get("tokens").size();
        assertThat(root.get("tokens").get(0).get("id").asInt()).isEqualTo(15496);
        JsonNode w = root.get("attention").get("weights");
        assertThat(root.get("attention").get("layer").asInt()).isEqualTo(1);
        assertThat(w).hasSize(n);
        for (int q = 0; q < n; q++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                if (k > q) {
                    assertThat(w.get(q).get(k).asDouble()).isZero();
                }
                sum += w.get(q).get(k).asDouble();
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
        JsonNode layers = root.get("lens").get("layers");
        assertThat(layers).hasSize(2);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = root.get("tokens").get(i).get("id").asInt();
        }
        double[] lp = org.tokenscope.testing.TinyGpt2.logSoftmax(TINY.referenceLogits(ids)[1]);
        JsonNode best = layers.get(1).get("top").get(0);
        assertThat(best.get("logprob").asDouble()).isCloseTo(lp[best.get("id").asInt()], within(1e-4));
        assertThat(layers.get(1).get("next_rank").asInt()).isPositive();
        CliRun end = CliRun.of("inspect", "--model", model.toString(), "--text", "Hello world", "--json");
        JsonNode atEnd = new ObjectMapper().readTree(end.out()).get("lens");
        assertThat(atEnd.get("position").asInt()).isEqualTo(1);
        assertThat(atEnd.get("layers").get(0).get("next_rank").isNull()).isTrue();
        assertThat(new ObjectMapper().readTree(end.out()).get("attention").get("head").isNull()).isTrue();
    }

    @Test
    void badLayerIsOneSentenceAndTheTableReads() {
        CliRun bad = CliRun.of("inspect", "--model", model.toString(), "--text", "Hello", "--layer", "7");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--layer must be between 0 and 1");
        CliRun table = CliRun.of("inspect", "--model", model.toString(), "--text", "Hello world");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("logit lens", "layer  1");
    }
}
