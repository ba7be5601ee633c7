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

class BranchCommandTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void write() throws Exception {
        model = CheckpointWriter.write(TinyGpt2.random(3, 2, 4, 32, 64, 50257), dir.resolve("m"));
    }

    @Test
    void jsonIsGeneratesShapeWithTheForkAndItsContinuationIsGenerates() throws Exception {
        CliRun run = CliRun.of("branch", "--model", model.toString(), "--text", "Hello world, how are you",
                "--at", "1", "--token", " there", "--max-new-tokens", "4", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("prompt").asText()).isEqualTo("Hello");
        assertThat(root.get("prompt_ids").toString()).isEqualTo("[50256,15496]"); // after the start token, as generate
        JsonNode fork = root.get("fork");
        assertThat(fork.get("position").asInt()).isEqualTo(1);
        assertThat(fork.get("replaced").get("id").asInt()).isEqualTo(995);
        assertThat(fork.get("replaced").get("text").asText()).isEqualTo(" world");
        assertThat(fork.get("with").get("text").asText()).isEqualTo(" there");
        JsonNode seq = root.get("sequences").get(0);
        assertThat(seq.get("ids").get(0).asInt()).isEqualTo(fork.get("with").get("id").asInt());
        assertThat(seq.get("steps").get(0).get("logprob").asDouble())
                .isCloseTo(fork.get("with").get("logprob").asDouble(), within(1e-12));
        assertThat(seq.get("ids").size()).isEqualTo(5);

        // generate from the edited text: its prompt is the fork's prefix and the alternative
        CliRun generated = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello there",
                "--max-new-tokens", "4", "--json");
        JsonNode want = new ObjectMapper().readTree(generated.out());
        assertThat(want.get("prompt_ids").toString()).isEqualTo("[50256,15496," + fork.get("with").get("id").asInt() + "]");
        JsonNode wantSeq = want.get("sequences").get(0);
        for (int i = 0; i < wantSeq.get("ids").size(); i++) {
            assertThat(seq.get("ids").get(i + 1).asInt()).isEqualTo(wantSeq.get("ids").get(i).asInt());
            assertThat(seq.get("steps").get(i + 1).get("logprob").asDouble())
                    .isCloseTo(wantSeq.get("steps").get(i).get("logprob").asDouble(), within(1e-12));
        }
        assertThat(seq.get("text").asText()).isEqualTo(" there" + wantSeq.get("text").asText());
    }

    @Test
    void badInputIsOneSentenceAndTheTableReads() {
        CliRun two = CliRun.of("branch", "--model", model.toString(), "--text", "Hello world", "--at", "1",
                "--token", "two words");
        assertThat(two.exitCode()).isNotZero();
        assertThat(two.err()).contains("not one").doesNotContain("Exception");
        CliRun far = CliRun.of("branch", "--model", model.toString(), "--text", "Hello world", "--at", "9", "--token", "11");
        assertThat(far.err()).contains("no token 9").doesNotContain("Exception");
        CliRun table = CliRun.of("branch", "--model", model.toString(), "--text", "Hello world", "--at", "1",
                "--token", "11", "--max-new-tokens", "3", "--strategy", "sample", "--seed", "4");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("token 1:", "joint log-probability of the branch", "perplexity");
    }
}
