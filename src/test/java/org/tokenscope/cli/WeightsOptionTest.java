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

/** {@code --weights} end to end: every command that loads a model takes it and its JSON says which. */
class WeightsOptionTest {

    static final TinyGpt2 MODEL = TinyGpt2.random(7, 2, 4, 64, 64, 50257);

    @TempDir
    static Path dir;
    static Path folder;

    @BeforeAll
    static void write() throws Exception {
        folder = CheckpointWriter.write(MODEL, dir.resolve("tiny"));
    }

    static JsonNode json(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void scoreSaysWhichWeightsAndQ8StaysCloseToTheReference() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog.";
        JsonNode f32 = json("score", "--model", folder.toString(), "--text", text, "--json").get("runs").get(0);
        JsonNode q8 = json("score", "--model", folder.toString(), "--text", text, "--json", "--weights", "q8")
                .get("runs").get(0);
        JsonNode bf16 = json("score", "--model", folder.toString(), "--text", text, "--json", "--weights", "BF16")
                .get("runs").get(0);
        assertThat(f32.get("model").get("weights").asText()).isEqualTo("f32");
        assertThat(q8.get("model").get("weights").asText()).isEqualTo("q8");
        assertThat(bf16.get("model").get("weights").asText()).isEqualTo("bf16");
        JsonNode tokens = f32.get("tokens");
        for (int i = 0; i < tokens.size(); i++) {
            double want = tokens.get(i).get("logprob").asDouble();
            assertThat(q8.get("tokens").get(i).get("logprob").asDouble()).isCloseTo(want, within(0.25));
            assertThat(bf16.get("tokens").get(i).get("logprob").asDouble()).isCloseTo(want, within(0.25));
        }
    }

    @Test
    void generateInspectAndBenchSayWhichWeights() throws Exception {
        JsonNode generated = json("generate", "--model", folder.toString(), "--prompt", "Hello", "--max-new-tokens", "3",
                "--json", "--weights", "q8");
        assertThat(generated.get("model").get("weights").asText()).isEqualTo("q8");
        assertThat(generated.get("sequences").get(0).get("ids")).hasSize(3);
        JsonNode inspected = json("inspect", "--model", folder.toString(), "--text", "Hello world", "--json",
                "--weights", "bf16");
        assertThat(inspected.get("model").get("weights").asText()).isEqualTo("bf16");
        JsonNode bench = json("bench", "--model", folder.toString(), "--tokens", "8", "--new-tokens", "2", "--repeat", "1",
                "--json", "--weights", "q8");
        assertThat(bench.get("weights").asText()).isEqualTo("q8");
        assertThat(bench.get("kernel").asText()).startsWith("Vector API");
        assertThat(bench.get("weight_bytes").asLong()).isLessThan(50257L * 64 * 2); // about 1 byte a weight
    }

    @Test
    void anUnknownFormatIsOneClearSentence() {
        CliRun run = CliRun.of("score", "--model", folder.toString(), "--text", "Hi", "--weights", "int4");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("Unknown weights 'int4': choose one of f32, bf16, q8.");
    }
}
