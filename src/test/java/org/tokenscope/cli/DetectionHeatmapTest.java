package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DetectionReference;
import org.tokenscope.testing.TinyGpt2;

/**
 * {@code export --figure heatmap --measure cross-entropy|binoculars|fast-detectgpt}: each token's value
 * in the data equals the double-precision reference's, and the figure is the detection heatmap.
 */
class DetectionHeatmapTest {

    static final TinyGpt2 SMALL = ScoreDetectionTest.SMALL;
    static final TinyGpt2 LARGE = ScoreDetectionTest.LARGE;
    static final String TEXT = ScoreDetectionTest.TEXT;

    @TempDir
    static Path dir;
    static Path small;
    static Path large;
    static Path otherTokenizer;

    @BeforeAll
    static void writeModels() throws Exception {
        small = CheckpointWriter.write(SMALL, dir.resolve("small"));
        large = CheckpointWriter.write(LARGE, dir.resolve("large"));
        otherTokenizer = ScoreDetectionTest.writeWithSwappedTokens(LARGE, dir.resolve("other"));
    }

    static JsonNode rows(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        return root.has("rows") ? root.get("rows") : root;
    }

    @Test
    void everyTokensTermsAndSharesEqualTheReference() throws Exception {
        DetectionReference.Terms ref = DetectionReference.of(SMALL, LARGE, ScoreDetectionTest.seq(TEXT));
        int n = ref.logprobA().length;
        JsonNode rows = rows("export", "--model", small.toString(), "--compare", large.toString(), "--text", TEXT,
                "--figure", "heatmap", "--measure", "binoculars", "--format", "json");
        assertThat(rows).hasSize(n);
        double crossSum = 0;
        double varSum = 0;
        for (int i = 0; i < n; i++) {
            crossSum += ref.cross()[i];
            varSum += ref.variance()[i];
        }
        double shareSum = 0;
        for (int i = 0; i < n; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("token").asInt()).isEqualTo(i);
            assertThat(r.get("logprob_A").asDouble()).as("log p %d", i).isCloseTo(ref.logprobA()[i], within(1e-3));
            assertThat(r.get("logprob_B").asDouble()).as("log q %d", i).isCloseTo(ref.logprobB()[i], within(1e-3));
            assertThat(r.get("cross_entropy").asDouble()).as("cross-entropy %d", i).isCloseTo(ref.cross()[i], within(2e-3));
            assertThat(r.get("fdg_mean").asDouble()).as("μ %d", i).isCloseTo(ref.mean()[i], within(2e-3));
            assertThat(r.get("fdg_var").asDouble()).as("σ² %d", i).isCloseTo(ref.variance()[i], within(2e-3));
            double bino = (-ref.logprobB()[i] - ref.cross()[i]) / crossSum;
            double fdg = (ref.logprobA()[i] - ref.mean()[i]) / Math.sqrt(varSum);
            assertThat(r.get("binoculars_share").asDouble()).as("Binoculars share %d", i).isCloseTo(bino, within(1e-4));
            assertThat(r.get("fast_detectgpt_share").asDouble()).as("Fast-DetectGPT share %d", i).isCloseTo(fdg, within(1e-3));
            shareSum += r.get("fast_detectgpt_share").asDouble();
        }
        assertThat(shareSum).isCloseTo(ref.fastDetectGpt(), within(1e-3 * Math.max(1, Math.abs(ref.fastDetectGpt()))));
    }

    @Test
    void aloneTheFastDetectGptShareIsAsOwnReference() throws Exception {
        DetectionReference.Terms ref = DetectionReference.of(SMALL, null, ScoreDetectionTest.seq(TEXT));
        JsonNode rows = rows("export", "--model", small.toString(), "--text", TEXT, "--figure", "heatmap",
                "--measure", "fast-detectgpt", "--format", "json");
        double varSum = 0;
        for (double v : ref.selfVarA()) varSum += v;
        for (int i = 0; i < rows.size(); i++) {
            double share = (ref.logprobA()[i] + ref.entropyA()[i]) / Math.sqrt(varSum);
            assertThat(rows.get(i).get("fast_detectgpt_share").asDouble()).as("share %d", i).isCloseTo(share, within(1e-3));
        }
    }

    @Test
    void theSvgIsTheDetectionHeatmapWithItsMeasure() throws Exception {
        Path svg = dir.resolve("fdg.svg");
        CliRun run = CliRun.of("export", "--model", small.toString(), "--compare", large.toString(), "--text", TEXT,
                "--figure", "heatmap", "--measure", "fast-detectgpt", "--out", svg.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String xml = Files.readString(svg);
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile()); // well-formed
        assertThat(xml).contains("Fast-DetectGPT share", "red: machine-like", "fast-detectgpt", "observes and scores");
    }

    @Test
    void aPairMeasureWithoutBOrWithAnotherTokenizerIsOneSentence() {
        CliRun alone = CliRun.of("export", "--model", small.toString(), "--text", TEXT, "--figure", "heatmap",
                "--measure", "cross-entropy", "--format", "csv");
        assertThat(alone.exitCode()).isNotZero();
        assertThat(alone.err()).contains("needs a second model").contains("--compare B");
        CliRun other = CliRun.of("export", "--model", small.toString(), "--compare", otherTokenizer.toString(),
                "--text", TEXT, "--figure", "heatmap", "--measure", "binoculars", "--format", "csv");
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.err()).contains("share a tokenizer");
        CliRun plot = CliRun.of("export", "--model", small.toString(), "--text", TEXT, "--figure", "plot",
                "--measure", "fast-detectgpt", "--format", "csv");
        assertThat(plot.exitCode()).isNotZero();
        assertThat(plot.err()).contains("--figure heatmap");
    }
}
