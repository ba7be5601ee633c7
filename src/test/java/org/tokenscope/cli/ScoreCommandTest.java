package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** {@code score} end to end: real tokenizer, real engine, a checkpoint written by the test. */
class ScoreCommandTest {

    static final TinyGpt2 SMALL = TinyGpt2.random(7, 2, 4, 32, 64, 50257);
    static final TinyGpt2 LARGE = TinyGpt2.random(8, 3, 4, 48, 64, 50257);

    @TempDir
    static Path dir;
    static Path small;
    static Path large;

    @BeforeAll
    static void writeModels() throws Exception {
        small = CheckpointWriter.write(SMALL, dir.resolve("small"));
        large = CheckpointWriter.write(LARGE, dir.resolve("large"));
    }

    @Test
    void jsonHasTheDocumentedShapeAndTheReferenceNumbers() throws Exception {
        CliRun run = CliRun.of("score", "--model", small.toString(), "--text", "Hello world", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("text").asText()).isEqualTo("Hello world");
        assertThat(root.get("bos").asBoolean()).isTrue();
        assertThat(root.get("comparison").isNull()).isTrue();
        JsonNode r = root.get("runs").get(0);
        assertThat(r.get("model").get("layers").asInt()).isEqualTo(2);
        assertThat(r.get("model").get("context").asInt()).isEqualTo(64);
        JsonNode tokens = r.get("tokens");
        assertThat(tokens).hasSize(2);
        assertThat(tokens.get(0).get("id").asInt()).isEqualTo(15496);
        assertThat(tokens.get(1).get("id").asInt()).isEqualTo(995);
        assertThat(tokens.get(1).get("text").asText()).isEqualTo(" world");
        assertThat(tokens.get(1).get("start").asInt()).isEqualTo(5);
        assertThat(tokens.get(1).get("end").asInt()).isEqualTo(11);
        double[] ref = SMALL.referenceLogProbs(new int[] {50256, 15496, 995});
        assertThat(tokens.get(0).get("logprob").asDouble()).isCloseTo(ref[0], within(1e-3));
        assertThat(tokens.get(1).get("logprob").asDouble()).isCloseTo(ref[1], within(1e-3));
        assertThat(tokens.get(1).get("prob").asDouble()).isCloseTo(Math.exp(ref[1]), within(1e-4));
        assertThat(tokens.get(1).get("top")).hasSize(5);
        assertThat(r.get("perplexity").asDouble()).isCloseTo(Math.exp(-(ref[0] + ref[1]) / 2), org.assertj.core.api.Assertions.withinPercentage(0.2));
    }

    @Test
    void noBosLeavesTheFirstTokenUnscored() throws Exception {
        CliRun run = CliRun.of("score", "--model", small.toString(), "--text", "Hello world", "--json", "--no-bos");
        JsonNode first = new ObjectMapper().readTree(run.out()).get("runs").get(0).get("tokens").get(0);
        assertThat(first.get("logprob").isNull()).isTrue();
        assertThat(first.get("rank").isNull()).isTrue();
        JsonNode second = new ObjectMapper().readTree(run.out()).get("runs").get(0).get("tokens").get(1);
        assertThat(second.get("logprob").asDouble())
                .isCloseTo(SMALL.referenceLogProbs(new int[] {15496, 995})[0], within(1e-3));
    }

    @Test
    void compareGivesBothRunsAndCorrelations() throws Exception {
        CliRun run = CliRun.of("score", "--model", small.toString(), "--compare", large.toString(),
                "--text", "The quick brown fox jumps over the lazy dog.", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("runs")).hasSize(2);
        assertThat(root.get("comparison").get("n").asInt()).isEqualTo(10);
        assertThat(root.get("comparison").get("pearson").asDouble()).isBetween(-1.0, 1.0);
        CliRun table = CliRun.of("score", "--model", small.toString(), "--compare", large.toString(),
                "--text", "The quick brown fox jumps over the lazy dog.");
        assertThat(table.out()).contains("Pearson", "Spearman", "perplexity", "B log-prob");
    }

    @Test
    void aTextLongerThanTheContextIsScoredInWindows() throws Exception {
        String text = "one two three four five six seven eight nine ten ".repeat(20); // ~200 tokens, context 64
        CliRun run = CliRun.of("score", "--model", small.toString(), "--text", text, "--json", "--stride", "16");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(run.out()).get("runs").get(0);
        JsonNode tokens = r.get("tokens");
        assertThat(tokens.size()).isGreaterThan(64);
        assertThat(r.get("windows").get("count").asInt()).isGreaterThan(1);
        for (JsonNode t : tokens) {
            assertThat(t.get("logprob").isNumber()).as("token %s", t.get("index")).isTrue();
        }
        // the last token is scored with a full window of context: compare with the reference on that window
        int n = tokens.size();
        int[] window = new int[64];
        for (int i = 0; i < 64; i++) {
            window[i] = tokens.get(n - 64 + i).get("id").asInt();
        }
        double[] ref = SMALL.referenceLogProbs(window);
        assertThat(tokens.get(n - 1).get("logprob").asDouble()).isCloseTo(ref[62], within(1e-3));
        CliRun table = CliRun.of("score", "--model", small.toString(), "--text", text);
        assertThat(table.out()).contains("longer than the context");
    }

    @Test
    void emojiSplitAcrossTokensKeepsItsCharacterNotAReplacement() throws Exception {
        String text = "I like 😀 a lot";
        CliRun run = CliRun.of("score", "--model", small.toString(), "--text", text, "--json");
        JsonNode tokens = new ObjectMapper().readTree(run.out()).get("runs").get(0).get("tokens");
        int partial = 0;
        for (JsonNode t : tokens) {
            assertThat(t.get("text").asText()).doesNotContain("\uFFFD");
            assertThat(text.substring(t.get("start").asInt(), t.get("end").asInt())).isEqualTo(t.get("text").asText());
            if (t.get("partial").asBoolean()) {
                partial++;
                assertThat(t.get("text").asText()).contains("😀");
            }
        }
        assertThat(partial).isGreaterThanOrEqualTo(2);
    }

    @Test
    void badInputGetsOneClearSentence() throws Exception {
        CliRun empty = CliRun.of("score", "--model", small.toString(), "--text", "");
        assertThat(empty.exitCode()).isNotZero();
        assertThat(empty.err()).contains("empty");
        CliRun notAModel = CliRun.of("score", "--model", dir.toString(), "--text", "hi");
        assertThat(notAModel.exitCode()).isNotZero();
        assertThat(notAModel.err()).contains("config.json");
        Path file = dir.resolve("text.txt");
        Files.writeString(file, "Hello world");
        CliRun fromFile = CliRun.of("score", "--model", small.toString(), "--file", file.toString());
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).contains("·world");
    }
}
