package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.Gpt2TokenizerJson;

/** {@code train} end to end on a corpus of a few kilobytes: a tiny model, a few steps. */
class TrainCommandTest {

    @TempDir
    Path dir;

    /** About 6 KB of plain sentences in three documents. */
    static String corpus() {
        String[] subjects = {"The cat", "A dog", "The old man", "My sister", "The teacher", "A small bird"};
        String[] verbs = {"sat on", "looked at", "walked to", "found", "liked", "painted"};
        String[] objects = {"the mat", "the garden", "a red house", "the river", "the book", "the window"};
        Random random = new Random(11);
        StringBuilder text = new StringBuilder();
        for (int document = 0; document < 3; document++) {
            for (int i = 0; i < 80; i++) {
                text.append(subjects[random.nextInt(subjects.length)]).append(' ')
                        .append(verbs[random.nextInt(verbs.length)]).append(' ')
                        .append(objects[random.nextInt(objects.length)]).append(i % 5 == 4 ? ".\n\n" : ". ");
            }
            text.append("\n<|endoftext|>\n");
        }
        return text.toString();
    }

    @Test
    void aFewStepsOnATinyCorpusLowerTheLossAndWriteAModelThatLoads() throws Exception {
        Path corpus = Files.writeString(dir.resolve("tiny.txt"), corpus());
        Path out = dir.resolve("tiny-model");
        CliRun run = CliRun.of("train", "--corpus", corpus.toString(), "--tokenizer", Gpt2TokenizerJson.cached().toString(),
                "--layers", "1", "--width", "32", "--heads", "2", "--context", "32", "--steps", "40", "--batch", "4",
                "--lr", "1e-2", "--corpus-licence", "CC0", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("3 documents").contains("step 40/40").contains("tok/s").contains("ETA");
        assertThat(run.out()).contains("held-out loss");

        JsonNode summary = new ObjectMapper().readTree(out.resolve("training.json").toFile());
        assertThat(summary.get("steps").asInt()).isEqualTo(40);
        assertThat(summary.get("tokens_seen").asLong()).isEqualTo(40L * 4 * 32);
        assertThat(summary.get("corpus").asText()).isEqualTo("tiny.txt");
        assertThat(summary.get("corpus_licence").asText()).isEqualTo("CC0");
        JsonNode losses = summary.get("train_loss");
        assertThat(losses).hasSize(40);
        double first = (losses.get(0).asDouble() + losses.get(1).asDouble() + losses.get(2).asDouble()) / 3;
        double last = (losses.get(37).asDouble() + losses.get(38).asDouble() + losses.get(39).asDouble()) / 3;
        assertThat(first).isGreaterThan(10);
        assertThat(last).as("mean loss of the last steps").isLessThan(first - 3);
        assertThat(summary.get("held_out_perplexity").asDouble()).isLessThan(1000);
        assertThat(summary.get("held_out_curve").size()).isBetween(5, 11);

        BufferedImage chart = ImageIO.read(out.resolve("loss.png").toFile());
        assertThat(chart.getWidth()).isEqualTo(900);
        try (LanguageModel model = LanguageModel.load(out, "tiny")) {
            assertThat(model.config().layers()).isEqualTo(1);
            assertThat(model.config().context()).isEqualTo(32);
            int[] ids = model.tokenizer().encode("The cat sat on the").ids();
            assertThat(model.logits(ids)).hasNumberOfRows(ids.length);
        }
    }

    @Test
    void aWidthTheHeadsDoNotDivideIsRefusedInOneSentence() throws Exception {
        Path corpus = Files.writeString(dir.resolve("tiny.txt"), corpus());
        CliRun run = CliRun.of("train", "--corpus", corpus.toString(), "--tokenizer", Gpt2TokenizerJson.cached().toString(),
                "--layers", "1", "--width", "30", "--heads", "4", "--steps", "1", "--out", dir.resolve("x").toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--width 30 is not divisible by 4 heads");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void theHeldOutTokensAreEveryTwentiethBlock() {
        int[] tokens = new int[2000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        TrainingCorpus split = TrainingCorpus.split(tokens, 1);
        assertThat(split.heldOut()).hasSize(100);
        assertThat(split.train()).hasSize(1900);
        assertThat(split.heldOut()[0]).isEqualTo(1900);
        var windows = split.heldOutWindows(32, Long.MAX_VALUE, Integer.MAX_VALUE);
        assertThat(windows).allSatisfy(w -> assertThat(w.length).isLessThanOrEqualTo(33));
        assertThat(windows.stream().mapToInt(w -> w.length - 1).sum()).as("each held-out token after the first, once")
                .isEqualTo(99);
    }
}
