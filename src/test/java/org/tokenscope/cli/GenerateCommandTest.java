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

class GenerateCommandTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void write() throws Exception {
        model = CheckpointWriter.write(TinyGpt2.random(3, 2, 4, 32, 64, 50257), dir.resolve("m"));
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello world",
                "--max-new-tokens", "5", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("prompt").asText()).isEqualTo("Hello world");
        // the prompt follows <|endoftext|>, as a text is scored; --no-bos feeds it alone, as transformers does
        assertThat(root.get("prompt_ids").toString()).isEqualTo("[50256,15496,995]");
        assertThat(root.get("strategy").get("bos").asBoolean()).isTrue();
        CliRun alone = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello world",
                "--max-new-tokens", "1", "--no-bos", "--json");
        assertThat(new ObjectMapper().readTree(alone.out()).get("prompt_ids").toString()).isEqualTo("[15496,995]");
        assertThat(root.get("strategy").get("name").asText()).isEqualTo("greedy");
        JsonNode seq = root.get("sequences").get(0);
        assertThat(seq.get("steps").size()).isBetween(1, 5);
        assertThat(seq.get("ids").size()).isEqualTo(seq.get("steps").size());
        JsonNode step = seq.get("steps").get(0);
        assertThat(step.get("rank").asInt()).isEqualTo(1);
        assertThat(step.get("sample_prob").isNull()).isTrue();
        assertThat(step.get("top")).hasSize(5);
        double sum = 0;
        for (JsonNode s : seq.get("steps")) {
            sum += s.get("logprob").asDouble();
        }
        assertThat(seq.get("score").asDouble()).isCloseTo(sum, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void beamAndSampleRunAndTheTableReads() {
        CliRun beam = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--strategy", "beam",
                "--beams", "3", "--max-new-tokens", "4");
        assertThat(beam.exitCode()).as(beam.err()).isZero();
        assertThat(beam.out()).contains("beam 1", "log-prob", "joint log-probability");
        CliRun sample = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--strategy", "sample",
                "--temperature", "0.8", "--top-p", "0.9", "--seed", "7", "--max-new-tokens", "4", "--json");
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        assertThat(sample.out()).contains("\"seed\" : 7", "\"sample_prob\"");
    }

    @Test
    void beamJsonHasTheTreeWhoseKeptLeavesAreTheBeamsAndWhoseScoresFollowFromThePaths() throws Exception {
        double lengthPenalty = 0.7;
        CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello world", "--strategy", "beam",
                "--beams", "3", "--max-new-tokens", "5", "--length-penalty", Double.toString(lengthPenalty), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        JsonNode tree = root.get("tree");
        JsonNode sequences = root.get("sequences");
        assertThat(tree.size()).isGreaterThan(3 * 5 / 2); // pruned candidates are there too
        java.util.Set<Integer> parents = new java.util.HashSet<>();
        java.util.Set<String> keptLeaves = new java.util.HashSet<>();
        for (int i = 0; i < tree.size(); i++) {
            JsonNode n = tree.get(i);
            assertThat(n.fieldNames()).toIterable().containsExactly("step", "parent", "id", "text", "logprob", "score",
                    "kept", "finished");
            // the path to the root, from the parents, gives the step, the summed score and the ids
            double sum = 0;
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            int length = 0;
            for (JsonNode m = n; m != null; m = m.get("parent").isNull() ? null : tree.get(m.get("parent").asInt())) {
                sum += m.get("logprob").asDouble();
                ids.add(0, m.get("id").asInt());
                length++;
                if (!m.get("parent").isNull()) {
                    assertThat(m.get("parent").asInt()).isLessThan(i + 1);
                    if (m == n) parents.add(m.get("parent").asInt());
                }
            }
            assertThat(n.get("step").asInt()).isEqualTo(length - 1);
            double want = n.get("finished").asBoolean() ? sum / Math.pow(length, lengthPenalty) : sum;
            assertThat(n.get("score").asDouble()).as("node %d", i).isCloseTo(want, within(1e-9));
            if (n.get("kept").asBoolean() && n.get("parent").isNull() == false) {
                assertThat(tree.get(n.get("parent").asInt()).get("kept").asBoolean()).isTrue();
            }
            if (n.get("kept").asBoolean()) keptLeaves.add(i + ":" + ids);
        }
        // kept leaves: kept nodes that no kept node extends; their paths are exactly the returned beams
        java.util.Set<String> leafIds = new java.util.HashSet<>();
        for (String leaf : keptLeaves) {
            int node = Integer.parseInt(leaf.substring(0, leaf.indexOf(':')));
            boolean extended = false;
            for (JsonNode m : tree) {
                if (m.get("kept").asBoolean() && !m.get("parent").isNull() && m.get("parent").asInt() == node) extended = true;
            }
            if (!extended) leafIds.add(leaf.substring(leaf.indexOf(':') + 1));
        }
        java.util.Set<String> beams = new java.util.HashSet<>();
        for (JsonNode seq : sequences) {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            seq.get("ids").forEach(id -> ids.add(id.asInt()));
            beams.add(ids.toString());
            // a returned beam's score is its last node's
        }
        assertThat(leafIds).isEqualTo(beams);
        assertThat(sequences.size()).isEqualTo(3);
        assertThat(parents).isNotEmpty();
        assertThat(CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "2",
                "--json").out()).doesNotContain("\"tree\"");
    }

    @Test
    void tooLongIsOneClearSentence() {
        CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "500");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("context").doesNotContain("Exception");
    }
}
