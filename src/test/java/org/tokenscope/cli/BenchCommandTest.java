package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** {@code bench --json} runs end to end on a tiny checkpoint and prints the documented shape (no times checked). */
class BenchCommandTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = CheckpointWriter.write(TinyGpt2.random(3, 2, 4, 32, 64, 50257), dir.resolve("tiny"));
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        // 150 tokens in a 64-position context: windows apply
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--tokens", "150", "--new-tokens", "5",
                "--repeat", "2", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("model").isTextual()).isTrue();
        assertThat(root.get("load_s").isNumber()).isTrue();
        assertThat(root.get("peak_rss_bytes").isIntegralNumber()).isTrue();
        assertThat(root.get("peak_rss_bytes").asLong()).isPositive();

        JsonNode score = root.get("score");
        assertThat(score.get("tokens").isInt()).isTrue();
        assertThat(score.get("tokens").asInt()).isEqualTo(150);
        for (String field : List.of("median_s", "min_s", "tokens_per_s")) {
            assertThat(score.get(field).isNumber()).as(field).isTrue();
            assertThat(score.get(field).asDouble()).as(field).isPositive();
        }
        assertThat(score.get("min_s").asDouble()).isLessThanOrEqualTo(score.get("median_s").asDouble());
        assertThat(score.get("windows").asInt()).isGreaterThan(1);
        assertThat(score.get("scored_tokens").asInt()).isEqualTo(149); // without BOS the first id is context only

        for (String key : List.of("generate", "generate_uncached")) {
            JsonNode g = root.get(key);
            assertThat(g.get("new_tokens").isInt()).as(key).isTrue();
            assertThat(g.get("new_tokens").asInt()).as(key).isEqualTo(5);
            assertThat(g.get("prompt_tokens").asInt()).as(key).isEqualTo(16);
            for (String field : List.of("median_s", "tokens_per_s", "first_token_ms")) {
                assertThat(g.get(field).isNumber()).as(key + "." + field).isTrue();
                assertThat(g.get(field).asDouble()).as(key + "." + field).isPositive();
            }
            assertThat(g.get("first_token_ms_min").asDouble()).as(key).isPositive()
                    .isLessThanOrEqualTo(g.get("first_token_ms").asDouble());
            assertThat(g.get("first_token_ms_max").asDouble()).as(key)
                    .isGreaterThanOrEqualTo(g.get("first_token_ms").asDouble());
            assertThat(g.get("step_ms")).as(key).hasSize(5);
        }
        JsonNode cached = root.get("generate");
        assertThat(cached.get("forward_share").asDouble()).isStrictlyBetween(0.0, 1.0);
        assertThat(cached.get("step_forward_ms").asDouble() + cached.get("step_other_ms").asDouble())
                .isCloseTo(cached.get("median_s").asDouble() * 1e3 / 5, org.assertj.core.api.Assertions.within(0.01));
        assertThat(run.err()).contains("bench:");
    }

    @Test
    void logprobsAreTheModelsOnTheBenchIds() throws Exception {
        // one window: what the peer's file is compared with (bench/agree.py), checked against the reference
        Path file = dir.resolve("logprobs.tsv");
        TinyGpt2 tiny = TinyGpt2.random(3, 2, 4, 32, 64, 50257);
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--tokens", "40", "--new-tokens", "0",
                "--uncached-new-tokens", "0", "--repeat", "1", "--logprobs", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        int[] ids = BenchCommand.randomIds(8, 40, 50257);
        double[][] logits = tiny.referenceLogits(ids);
        List<String> lines = java.nio.file.Files.readAllLines(file);
        assertThat(lines).hasSize(39);
        for (int i = 1; i < 40; i++) {
            String[] f = lines.get(i - 1).split("\t");
            assertThat(Integer.parseInt(f[0])).isEqualTo(i);
            assertThat(Integer.parseInt(f[1])).isEqualTo(ids[i]);
            assertThat(Double.parseDouble(f[2])).as("position " + i)
                    .isCloseTo(TinyGpt2.logSoftmax(logits[i - 1])[ids[i]], org.assertj.core.api.Assertions.within(1e-3));
        }
    }

    @Test
    void attributeIsIntegratedGradientsOfTheNextBenchIdWithItsRowsInAFile() throws Exception {
        // what bench/peer_torch.py --attribute computes and writes (--attributions), checked against the reference
        Path file = dir.resolve("attributions.tsv");
        TinyGpt2 tiny = TinyGpt2.random(3, 2, 4, 32, 64, 50257);
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--tokens", "12", "--attribute", "64",
                "--repeat", "1", "--json", "--attributions", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode ig = new ObjectMapper().readTree(run.out()).get("attribute");
        int[] all = BenchCommand.randomIds(8, 13, 50257); // the N ids, then the target
        int[] ids = java.util.Arrays.copyOf(all, 12);
        assertThat(ig.get("target").asInt()).isEqualTo(all[12]);
        double value = TinyGpt2.logSoftmax(tiny.referenceLogits(ids)[11])[all[12]];
        assertThat(ig.get("value").asDouble()).isCloseTo(value, org.assertj.core.api.Assertions.within(1e-4));
        double change = ig.get("value").asDouble() - ig.get("baseline_value").asDouble();
        assertThat(Math.abs(change)).isGreaterThan(1e-2);
        assertThat(Math.abs(ig.get("sum").asDouble() - change)).isLessThan(0.01 * Math.abs(change)); // completeness, 64 steps
        assertThat(ig.get("completeness_error").asDouble()).isLessThan(0.01 * Math.abs(change));
        List<String> lines = java.nio.file.Files.readAllLines(file);
        assertThat(lines).hasSize(12);
        double sum = 0;
        for (int i = 0; i < 12; i++) {
            String[] f = lines.get(i).split("\t");
            assertThat(Integer.parseInt(f[0])).isEqualTo(i);
            assertThat(Integer.parseInt(f[1])).isEqualTo(ids[i]);
            sum += Double.parseDouble(f[2]);
        }
        assertThat(sum).isCloseTo(ig.get("sum").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void editHasTheDocumentedShapeAndNewTokensZeroSkipsGeneration() throws Exception {
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--tokens", "40", "--new-tokens", "0",
                "--repeat", "1", "--edit", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        JsonNode edit = root.get("edit");
        assertThat(edit.get("tokens").asInt()).isEqualTo(40);
        for (String field : List.of("append_word_ms", "middle_edit_ms", "full_ms")) {
            assertThat(edit.get(field).isNumber()).as(field).isTrue();
            assertThat(edit.get(field).asDouble()).as(field).isPositive();
        }
        assertThat(root.has("generate")).isFalse();
        assertThat(root.has("generate_uncached")).isFalse();
    }

    @Test
    void summaryWithoutJson() {
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--tokens", "20", "--new-tokens", "2",
                "--uncached-new-tokens", "0", "--repeat", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("score", "generate (cache)", "peak RSS").doesNotContain("generate (none)");
    }

    @Test
    void refusesNoRepeats() {
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--repeat", "0");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--repeat");
    }

    @Test
    void promptTokensSetsThePromptAndAreChecked() throws Exception {
        // 40 ids: past the 16 positions the Java path takes, so the engine's pass makes the first token
        CliRun run = CliRun.of("bench", "--model", model.toString(), "--tokens", "2", "--new-tokens", "3",
                "--prompt-tokens", "40", "--uncached-new-tokens", "0", "--repeat", "1", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode g = new ObjectMapper().readTree(run.out()).get("generate");
        assertThat(g.get("prompt_tokens").asInt()).isEqualTo(40);
        assertThat(g.get("step_ms")).hasSize(3);

        CliRun none = CliRun.of("bench", "--model", model.toString(), "--prompt-tokens", "0", "--repeat", "1");
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.err()).contains("--prompt-tokens must be at least 1, got 0.").doesNotContain("bench: scoring");
        CliRun tooLong = CliRun.of("bench", "--model", model.toString(), "--tokens", "2", "--prompt-tokens", "60",
                "--new-tokens", "10", "--repeat", "1");
        assertThat(tooLong.exitCode()).isNotZero();
        assertThat(tooLong.err()).contains("A 60-token prompt plus 10 new tokens exceed the model's context of 64.");
    }
}
