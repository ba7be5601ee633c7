package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
    void tooLongIsOneClearSentence() {
        CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "500");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("context").doesNotContain("Exception");
    }
}
