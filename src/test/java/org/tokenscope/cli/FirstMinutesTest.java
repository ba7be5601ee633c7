package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** What a newcomer runs into first on the command line: each message as issue 18 asks for it. */
class FirstMinutesTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void write() throws Exception {
        model = CheckpointWriter.write(TinyGpt2.random(12, 2, 4, 32, 64, 50257), dir.resolve("tiny"));
    }

    @Test
    void anEmptyFileIsSaidToBeEmptyNotMissing() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        for (String file : List.of(empty.toString(), "/dev/null")) {
            CliRun run = CliRun.of("score", "--model", model.toString(), "--file", file);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("Error: " + file + " is empty: there is no text in it to look at.");
        }
        CliRun missing = CliRun.of("score", "--model", model.toString(), "--file", dir.resolve("nope.txt").toString());
        assertThat(missing.err().strip()).isEqualTo("Error: No such file: " + dir.resolve("nope.txt") + ".");
        CliRun folder = CliRun.of("inspect", "--model", model.toString(), "--file", dir.toString());
        assertThat(folder.err().strip()).isEqualTo("Error: " + dir + " is a folder, not a text file.");
    }

    @Test
    void generateAndInspectJsonSayWhichModelProducedThem() throws Exception {
        CliRun generate = CliRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "2",
                "--json");
        assertThat(generate.exitCode()).as(generate.err()).isZero();
        JsonNode g = new ObjectMapper().readTree(generate.out()).get("model");
        assertThat(g.get("name").asText()).isEqualTo("tiny");
        assertThat(g.get("layers").asInt()).isEqualTo(2);
        assertThat(g.get("context").asInt()).isEqualTo(64);
        assertThat(g.has("stands_in_for")).isFalse();

        CliRun inspect = CliRun.of("inspect", "--model", model.toString(), "--text", "Hello world", "--json");
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        JsonNode i = new ObjectMapper().readTree(inspect.out()).get("model");
        assertThat(i.get("name").asText()).isEqualTo("tiny");
        assertThat(i.get("parameters").asLong()).isPositive();
    }

    @Test
    void aBundledModelStandingInIsNamedAsSuch() {
        Map<String, Object> standIn = Json.model(new ModelSummary("tokenscope-small", 2, 6_862_464, 256), "gpt2");
        assertThat(standIn).containsEntry("name", "tokenscope-small").containsEntry("stands_in_for", "gpt2");
        Map<String, Object> asked = Json.model(new ModelSummary("tokenscope-small", 2, 6_862_464, 256), "tokenscope-small");
        assertThat(asked).doesNotContainKey("stands_in_for");
    }

    @Test
    void jsonNeverCarriesNaNNorAnUnknownIdAsMinusOne() throws Exception {
        TokenScore broken = new TokenScore(0, -1, "x", 0, 1, false, Double.NaN, Double.NaN, 1, Double.NaN,
                List.of(new Alternative(-1, "y", Double.NaN)));
        String json = new ObjectMapper().writeValueAsString(Json.token(broken));
        assertThat(json).doesNotContain("NaN").doesNotContain("-1");
        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.get("id").isNull()).isTrue();
        assertThat(node.get("logprob").isNull()).isTrue();
        assertThat(node.get("entropy").isNull()).isTrue();
        assertThat(node.get("top").get(0).get("id").isNull()).isTrue();
        assertThat(node.get("top").get(0).get("logprob").isNull()).isTrue();
    }
}
