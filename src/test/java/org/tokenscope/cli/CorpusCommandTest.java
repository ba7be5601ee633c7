package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.Roc;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.remote.FakeVllm;
import org.tokenscope.service.corpus.CorpusFields;
import org.tokenscope.service.corpus.CorpusOutput;
import org.tokenscope.service.corpus.CorpusReader;
import org.tokenscope.service.corpus.CorpusResult;
import org.tokenscope.service.corpus.CorpusScorer;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DetectionReference;
import org.tokenscope.testing.TinyGpt2;

/** {@code corpus} end to end on checkpoints the test writes: lines, summary, resuming, bad input, servers. */
class CorpusCommandTest {

    static final TinyGpt2 SMALL = TinyGpt2.random(7, 2, 4, 32, 64, 50257);
    static final TinyGpt2 LARGE = TinyGpt2.random(8, 3, 4, 48, 64, 50257);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] TEXTS = {
        "The quick brown fox jumps over the lazy dog.", "A stitch in time saves nine.",
        "All that glitters is not gold, they say.", "Rome was not built in a day.",
        "Where there is smoke there is fire.", "Actions speak louder than words, mostly.",
        "Fortune favours the bold and the brave.", "Better late than never."};

    @TempDir
    static Path dir;
    static Path small;
    static Path large;
    static Path other;
    static Path corpus;
    static FakeVllm vllm;
    static FakeVllm vllm2;

    @BeforeAll
    static void setUp() throws Exception {
        small = CheckpointWriter.write(SMALL, dir.resolve("small"));
        large = CheckpointWriter.write(LARGE, dir.resolve("large"));
        other = ScoreDetectionTest.writeWithSwappedTokens(LARGE, dir.resolve("other"));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < TEXTS.length; i++) {
            lines.append(JSON.writeValueAsString(java.util.Map.of("text", TEXTS[i],
                    "label", i % 2 == 0 ? "machine" : "human"))).append('\n');
        }
        corpus = dir.resolve("corpus.jsonl");
        Files.writeString(corpus, lines);
        vllm = new FakeVllm();
        vllm2 = new FakeVllm();
    }

    @AfterAll
    static void stop() {
        vllm.close();
        vllm2.close();
    }

    static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void everyDocumentGetsALineWithTheReferenceNumbersAndLabelsGiveTheSummary() throws Exception {
        Path out = dir.resolve("all.jsonl");
        CliRun run = CliRun.of("corpus", "--model", small.toString(), "--compare", large.toString(), "--input",
                corpus.toString(), "--label-field", "label", "--out", out.toString(), "--batch", "3", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> lines = lines(out);
        assertThat(lines).hasSize(TEXTS.length);
        assertThat(lines).extracting(n -> n.get("id").asText()).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
        // the first document against the double-precision reference
        int[] seq = {50256, 464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13};
        DetectionReference.Terms ref = DetectionReference.of(SMALL, LARGE, seq);
        JsonNode first = lines.get(0);
        assertThat(first.get("tokens").asInt()).isEqualTo(10);
        assertThat(first.get("binoculars").asDouble()).isCloseTo(ref.binoculars(), within(1e-4 * ref.binoculars()));
        assertThat(first.get("fast_detectgpt").asDouble())
                .isCloseTo(ref.fastDetectGpt(), within(1e-3 * Math.max(1, Math.abs(ref.fastDetectGpt()))));
        double pplA = Math.exp(-java.util.Arrays.stream(ref.logprobA()).average().orElseThrow());
        assertThat(first.get("perplexity").get("A").asDouble()).isCloseTo(pplA, org.assertj.core.api.Assertions.withinPercentage(0.1));
        assertThat(first.get("gltr").get("A").get("top10").asDouble()).isCloseTo(ref.gltrA()[0], within(1e-12));
        assertThat(first.get("gltr").get("B").isObject()).isTrue();
        assertThat(first.get("label").asText()).isEqualTo("machine");
        // the summary is the ROC of the lines' scores
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("documents").asInt()).isEqualTo(8);
        assertThat(summary.get("tokens").asInt()).isEqualTo(lines.stream().mapToInt(n -> n.get("tokens").asInt()).sum());
        assertThat(summary.get("metrics").fieldNames()).toIterable()
                .containsExactly("binoculars", "fast_detectgpt", "perplexity_A", "perplexity_B");
        double[] fdg = lines.stream().mapToDouble(n -> n.get("fast_detectgpt").asDouble()).toArray();
        double[] bino = lines.stream().mapToDouble(n -> n.get("binoculars").asDouble()).toArray();
        boolean[] machine = new boolean[8];
        for (int i = 0; i < 8; i++) machine[i] = i % 2 == 0;
        Roc fdgRoc = Roc.of(fdg, machine);
        Roc binoRoc = Roc.ofLowerIsPositive(bino, machine);
        assertThat(summary.get("metrics").get("fast_detectgpt").get("auroc").asDouble()).isEqualTo(fdgRoc.auroc());
        assertThat(summary.get("metrics").get("binoculars").get("auroc").asDouble()).isEqualTo(binoRoc.auroc());
        assertThat(summary.get("metrics").get("binoculars").get("tpr_at_1pct_fpr").asDouble()).isEqualTo(binoRoc.tprAt1PctFpr());
        // the same lines to standard output without --out, and a table
        CliRun table = CliRun.of("corpus", "--model", small.toString(), "--input", corpus.toString(),
                "--label-field", "label", "--no-progress");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("\"id\":\"8\"", "8 documents", "machine-written: \"machine\"", "fast_detectgpt");
        assertThat(table.out()).doesNotContain("binoculars ");
    }

    @Test
    void anInterruptedRunResumesWhereItStoppedAndTheFileStaysWhole() throws Exception {
        Path out = dir.resolve("resumed.jsonl");
        CorpusReader reader = new CorpusReader(corpus, new CorpusFields("text", "label", null));
        AtomicInteger heard = new AtomicInteger();
        try (LanguageModel a = LanguageModel.load(small, "small"); CorpusOutput output = CorpusOutput.open(out)) {
            assertThatThrownBy(() -> CorpusScorer.scoreLocal(a, null, reader, Set.of(), 2, true,
                    new CorpusScorer.Listener() {
                        @Override
                        public void scored(CorpusResult r) throws java.io.IOException {
                            output.append(r);
                            heard.incrementAndGet();
                        }

                        @Override
                        public void skipped(String why) {
                        }
                    }, () -> heard.get() >= 3)).isInstanceOf(CancellationException.class);
        }
        assertThat(lines(out)).hasSize(4); // two batches of two went out before the third was cancelled
        // an unfinished line, as a kill in the middle of a write would leave
        Files.writeString(out, "{\"id\":\"5\",\"tok", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        CliRun rerun = CliRun.of("corpus", "--model", small.toString(), "--input", corpus.toString(),
                "--label-field", "label", "--out", out.toString(), "--json");
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        List<JsonNode> lines = lines(out);
        assertThat(lines).extracting(n -> n.get("id").asText()).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
        assertThat(JSON.readTree(rerun.out()).get("documents").asInt()).isEqualTo(8);
        // run once more: nothing left to do, nothing added
        CliRun again = CliRun.of("corpus", "--model", small.toString(), "--input", corpus.toString(), "--out", out.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(lines(out)).hasSize(8);
    }

    @Test
    void badDocumentsAreSkippedWithASentenceAndTheRestScored() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("texts"));
        Files.writeString(folder.resolve("good.txt"), "A perfectly fine text.");
        Files.writeString(folder.resolve("empty.txt"), "");
        Files.write(folder.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        CliRun run = CliRun.of("corpus", "--model", small.toString(), "--input", folder.toString(), "--no-progress");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("skipped: Document empty.txt is empty; skipped.",
                "skipped: latin1.txt is not valid UTF-8 (at byte 3); skipped.");
        assertThat(run.out()).contains("\"id\":\"good.txt\"").contains("1 documents");

        Path csv = dir.resolve("quoted.csv");
        Files.writeString(csv, "text,label\n\"Two lines,\nin one field.\",human\n\"Another one.\",machine\n\"\",human\n");
        CliRun csvRun = CliRun.of("corpus", "--model", small.toString(), "--input", csv.toString(),
                "--label-field", "label", "--no-progress", "--json");
        assertThat(csvRun.exitCode()).as(csvRun.err()).isZero();
        assertThat(csvRun.err()).contains("Document 3 is empty");
        assertThat(csvRun.out()).contains("\"id\":\"1\"", "\"id\":\"2\"");

        Path missing = dir.resolve("missing.jsonl");
        Files.writeString(missing, "{\"body\": \"x\"}\n{\"text\": \"Fine.\"}\n");
        CliRun missingRun = CliRun.of("corpus", "--model", small.toString(), "--input", missing.toString(), "--no-progress");
        assertThat(missingRun.exitCode()).as(missingRun.err()).isZero();
        assertThat(missingRun.err()).contains("Record 1 has no \"text\" field; skipped.");
        assertThat(missingRun.out()).contains("\"id\":\"2\"");
    }

    @Test
    void moreThanTwoLabelsOrTwoTokenizersAreRefusedBeforeAnythingIsScoredAndOutStaysAsItWas() throws Exception {
        Path three = dir.resolve("three.jsonl");
        Files.writeString(three, "{\"text\":\"a\",\"label\":\"human\"}\n{\"text\":\"b\",\"label\":\"gpt\"}\n"
                + "{\"text\":\"c\",\"label\":\"claude\"}\n");
        Path out = dir.resolve("untouched.jsonl");
        Files.writeString(out, "{\"id\":\"x\",\"tok"); // even an unfinished line stays as it was
        CliRun run = CliRun.of("corpus", "--model", small.toString(), "--input", three.toString(),
                "--label-field", "label", "--out", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("The corpus has 3 labels (claude, gpt, human); detection needs exactly two");
        assertThat(Files.readString(out)).isEqualTo("{\"id\":\"x\",\"tok");

        Path fresh = dir.resolve("never.jsonl");
        CliRun tokenizers = CliRun.of("corpus", "--model", small.toString(), "--compare", other.toString(),
                "--input", corpus.toString(), "--out", fresh.toString());
        assertThat(tokenizers.exitCode()).isEqualTo(1);
        assertThat(tokenizers.err()).contains("share a tokenizer");
        assertThat(fresh).doesNotExist();
    }

    @Test
    void serversTakeTheDocumentsInTurnWithPerplexityAndGltr() throws Exception {
        Path out = dir.resolve("remote.jsonl");
        CliRun run = CliRun.of("corpus", "--model", vllm.spec() + "," + vllm2.spec(), "--concurrency", "3",
                "--input", corpus.toString(), "--label-field", "label", "--out", out.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> lines = lines(out);
        assertThat(lines).hasSize(8);
        assertThat(lines).extracting(n -> n.get("id").asText()).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
        for (JsonNode line : lines) {
            assertThat(line.get("perplexity").get("A").isNumber()).isTrue();
            assertThat(line.get("gltr").get("A").get("top10").asDouble()).isEqualTo(1.0); // the fake ranks 1..9
            assertThat(line.get("binoculars").isNull()).isTrue();
            assertThat(line.get("fast_detectgpt").isNull()).isTrue();
        }
        assertThat(vllm.server().requests("/v1/completions")).isNotEmpty();
        assertThat(vllm2.server().requests("/v1/completions")).isNotEmpty();
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("metrics").fieldNames()).toIterable().containsExactly("perplexity_A");

        CliRun withCompare = CliRun.of("corpus", "--model", vllm.spec(), "--compare", small.toString(),
                "--input", corpus.toString());
        assertThat(withCompare.exitCode()).isEqualTo(1);
        assertThat(withCompare.err()).contains("need two local models");
    }
}
