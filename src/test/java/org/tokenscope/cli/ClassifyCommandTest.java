package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.deberta.DebertaClassifier;
import org.tokenscope.model.deberta.PairTokenizer;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyDeberta;
import org.tokenscope.testing.TinyGpt2;
import org.tokenscope.testing.TorchZipWriter;

class ClassifyCommandTest {

    @TempDir
    Path dir;

    private static double[] reference(TinyDeberta tiny, Path folder, String premise, String hypothesis) throws Exception {
        try (DebertaClassifier model = DebertaClassifier.load(folder, "x")) {
            PairTokenizer.PairIds ids = model.tokenizer().encode(premise, hypothesis);
            return tiny.logits(ids.ids(), ids.typeIds());
        }
    }

    @Test
    void oneSingleOutputPairAsJsonIsItsSigmoidUnderTheLabelScore() throws Exception {
        TinyDeberta tiny = TinyDeberta.v3(List.of("LABEL_0"), 31);
        Path folder = tiny.write(dir.resolve("hhem-tiny"), true);
        String premise = "A man walks into a bar and buys a drink";
        String hypothesis = "A bloke swigs alcohol at a pub";
        CliRun run = CliRun.of("classify", "--model", folder.toString(), "--premise", premise, "--hypothesis", hypothesis, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.fieldNames()).toIterable().containsExactly("model", "labels", "pairs");
        assertThat(root.at("/model/name").asText()).isEqualTo("hhem-tiny");
        assertThat(root.at("/model/architecture").asText()).isEqualTo("DebertaV2ForSequenceClassification");
        assertThat(root.at("/labels").toString()).isEqualTo("[\"score\"]");
        JsonNode pair = root.at("/pairs/0");
        assertThat(pair.fieldNames()).toIterable().containsExactly("premise", "hypothesis", "scores", "top");
        assertThat(pair.get("premise").asText()).isEqualTo(premise);
        assertThat(pair.get("top").asText()).isEqualTo("score");
        double logit = reference(tiny, folder, premise, hypothesis)[0];
        assertThat(pair.at("/scores/score").asDouble()).isCloseTo(1 / (1 + Math.exp(-logit)), within(1e-5));
    }

    @Test
    void aJsonlFileOfPairsGetsEveryLabelsSoftmaxAndTheTopLabel() throws Exception {
        List<String> labels = List.of("contradiction", "entailment", "neutral");
        TinyDeberta tiny = TinyDeberta.v2(labels, 41);
        Path folder = tiny.write(dir.resolve("nli"), false);
        Path pairs = dir.resolve("pairs.jsonl");
        String[][] texts = {{"the dog was a fan of the man", "the man was a fan of the dog"},
                {"A person on a horse", "A person is outdoors, on a horse."}};
        ObjectMapper json = new ObjectMapper();
        Files.writeString(pairs, json.writeValueAsString(Map.of("premise", texts[0][0], "hypothesis", texts[0][1])) + "\n\n"
                + json.writeValueAsString(Map.of("hypothesis", texts[1][1], "premise", texts[1][0])) + "\n");
        CliRun run = CliRun.of("classify", "-m", folder.toString(), "--pairs", pairs.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = json.readTree(run.out());
        assertThat(root.at("/labels").toString()).isEqualTo("[\"contradiction\",\"entailment\",\"neutral\"]");
        assertThat(root.at("/pairs").size()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            double[] logits = reference(tiny, folder, texts[i][0], texts[i][1]);
            double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            int best = 0;
            for (int k = 0; k < 3; k++) {
                assertThat(root.at("/pairs/" + i + "/scores/" + labels.get(k)).asDouble())
                        .isCloseTo(Math.exp(logits[k] - max) / sum, within(1e-5));
                best = logits[k] > logits[best] ? k : best;
            }
            assertThat(root.at("/pairs/" + i + "/top").asText()).isEqualTo(labels.get(best));
        }
    }

    @Test
    void tsvWithAHeaderAndCsvWithoutOneGiveTheSameTable() throws Exception {
        Path folder = TinyDeberta.v2(List.of("no", "yes"), 43).write(dir.resolve("m"), false);
        Path tsv = dir.resolve("p.tsv");
        Files.writeString(tsv, "id\thypothesis\tpremise\n1\tthe dog is outdoors\ta dog walks into a bar\n");
        Path csv = dir.resolve("p.csv");
        Files.writeString(csv, "\"a dog walks into a bar\",the dog is outdoors\n");
        CliRun a = CliRun.of("classify", "-m", folder.toString(), "--pairs", tsv.toString());
        CliRun b = CliRun.of("classify", "-m", folder.toString(), "--pairs", csv.toString());
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        assertThat(a.out()).contains("m (DebertaV2ForSequenceClassification").contains("no").contains("yes").contains("top")
                .contains("a dog walks into a bar | the dog is outdoors");
    }

    @Test
    void aModelThatIsNotAClassifierIsOneSentence() throws Exception {
        Path gpt2 = CheckpointWriter.write(TinyGpt2.random(1, 2, 2, 8, 16, 64), dir.resolve("gpt2"));
        CliRun run = CliRun.of("classify", "-m", gpt2.toString(), "--premise", "a", "--hypothesis", "b");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("Error: ").contains("GPT2LMHeadModel, which is not a supported pair classifier")
                .doesNotContain("\n");
    }

    @Test
    void aBinThatAsksForAnythingButTensorsIsRefusedAndRunsNothing() throws Exception {
        Path folder = TinyDeberta.v3(List.of("LABEL_0"), 47).write(dir.resolve("evil"), true);
        Path marker = dir.resolve("ran");
        byte[] pickle = new TorchZipWriter.Pickle().proto(2).global("subprocess", "check_call").mark().mark()
                .unicode("touch").unicode(marker.toString()).tuple().tuple().reduce().stop().bytes();
        TorchZipWriter.writeArchive(folder.resolve("pytorch_model.bin"), "archive", pickle, Map.of());
        CliRun run = CliRun.of("classify", "-m", folder.toString(), "--premise", "a", "--hypothesis", "b");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is refused: it asks for subprocess.check_call");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aMalformedLineIsNamed() throws Exception {
        Path folder = TinyDeberta.v3(List.of("LABEL_0"), 53).write(dir.resolve("m"), false);
        Path pairs = dir.resolve("bad.jsonl");
        Files.writeString(pairs, "{\"premise\": \"a\", \"hypothesis\": \"b\"}\n{\"premise\": \"a\"}\n");
        CliRun run = CliRun.of("classify", "-m", folder.toString(), "--pairs", pairs.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("line 2, is not an object with the text keys \"premise\" and \"hypothesis\"");
    }
}
