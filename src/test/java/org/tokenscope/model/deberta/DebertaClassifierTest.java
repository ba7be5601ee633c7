package org.tokenscope.model.deberta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.testing.TinyDeberta;
import org.tokenscope.testing.UnigramTokenizerJson;

class DebertaClassifierTest {

    private static final String[][] PAIRS = {
            {"A man walks into a bar and buys a drink", "A bloke swigs alcohol at a pub"},
            {"A person on a horse", "A person is outdoors, on a horse."},
            {"the dog was a fan of the man", "the man was a fan of the dog"},
            {"x", "y"},
            // long enough that distances pass the buckets' linear range and the relative span
            {"a man walks into a bar and buys a drink and a bloke swigs alcohol at a pub and the dog is outdoors",
                    "the person on a horse was a fan of the dog and the man walks into the pub at a bar"},
    };

    @TempDir
    Path dir;

    @Test
    void pairsAreEncodedAsClsASepBSep() throws Exception {
        TinyDeberta tiny = TinyDeberta.v3(List.of("LABEL_0"), 1);
        try (DebertaClassifier model = DebertaClassifier.load(tiny.write(dir, false), "tiny")) {
            PairTokenizer.PairIds pair = model.tokenizer().encode("a man walks", "a dog");
            int a = UnigramTokenizerJson.wordId("a");
            assertThat(pair.ids()).containsExactly(UnigramTokenizerJson.CLS, a, UnigramTokenizerJson.wordId("man"),
                    UnigramTokenizerJson.wordId("walks"), UnigramTokenizerJson.SEP, a, UnigramTokenizerJson.wordId("dog"),
                    UnigramTokenizerJson.SEP);
            assertThat(pair.typeIds()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1);
            assertThat(pair.truncated()).isFalse();
        }
    }

    @Test
    void aSingleOutputV3ClassifierMatchesTheReferenceAndScoresBySigmoid() throws Exception {
        TinyDeberta tiny = TinyDeberta.v3(List.of("LABEL_0"), 11);
        try (DebertaClassifier model = DebertaClassifier.load(tiny.write(dir, false), "tiny")) {
            assertThat(model.labels()).containsExactly("score");
            assertThat(model.config().positionBuckets()).isEqualTo(8);
            for (String[] pair : PAIRS) {
                PairTokenizer.PairIds ids = model.tokenizer().encode(pair[0], pair[1]);
                double[] want = tiny.logits(ids.ids(), ids.typeIds());
                DebertaClassifier.Prediction got = model.classify(pair[0], pair[1]);
                assertThat(got.logits()).hasSize(1);
                assertThat((double) got.logits()[0]).as(pair[0]).isCloseTo(want[0], within(1e-4));
                assertThat(got.scores()[0]).isCloseTo(1 / (1 + Math.exp(-want[0])), within(1e-5));
                assertThat(got.tokens()).isEqualTo(ids.ids().length);
            }
        }
    }

    @Test
    void aThreeLabelV2ClassifierFromABinMatchesTheReferenceAndSoftmaxesOverId2label() throws Exception {
        List<String> labels = List.of("contradiction", "entailment", "neutral");
        TinyDeberta tiny = TinyDeberta.v2(labels, 23);
        try (DebertaClassifier model = DebertaClassifier.load(tiny.write(dir, true), "tiny-nli")) {
            assertThat(model.labels()).containsExactlyElementsOf(labels);
            for (String[] pair : PAIRS) {
                PairTokenizer.PairIds ids = model.tokenizer().encode(pair[0], pair[1]);
                double[] want = tiny.logits(ids.ids(), ids.typeIds());
                DebertaClassifier.Prediction got = model.classify(pair[0], pair[1]);
                double sum = 0;
                for (int i = 0; i < labels.size(); i++) {
                    assertThat((double) got.logits()[i]).as(pair[0] + " " + labels.get(i)).isCloseTo(want[i], within(1e-4));
                    sum += got.scores()[i];
                }
                assertThat(sum).isCloseTo(1.0, within(1e-9));
            }
        }
    }

    @Test
    void separateProjectionsWithBucketsAndALongInputMatchTheReference() throws Exception {
        // share_att_key off with buckets on, and a single-string pos_att_type naming c2p only
        TinyDeberta tiny = new TinyDeberta(12, 3, 1, 16, 64, 0, false, 20, 6, false, "c2p", true, List.of("LABEL_0"), 5);
        try (DebertaClassifier model = DebertaClassifier.load(tiny.write(dir, false), "tiny")) {
            String[] pair = PAIRS[PAIRS.length - 1];
            PairTokenizer.PairIds ids = model.tokenizer().encode(pair[0], pair[1]);
            assertThat(ids.ids().length).isGreaterThan(40);
            assertThat((double) model.logits(ids.ids(), ids.typeIds())[0]).isCloseTo(tiny.logits(ids.ids(), ids.typeIds())[0], within(1e-4));
        }
    }

    @Test
    void aPairLongerThanTheModelTakesIsCutLongestFirstAndSaysSo() throws Exception {
        TinyDeberta tiny = TinyDeberta.v3(List.of("LABEL_0"), 2);
        try (DebertaClassifier model = DebertaClassifier.load(tiny.write(dir, false), "tiny")) {
            String longText = "a man walks into a bar ".repeat(20);
            PairTokenizer.PairIds ids = model.tokenizer().encode(longText, "a dog");
            assertThat(ids.truncated()).isTrue();
            assertThat(ids.ids()).hasSize(64);
            assertThat(ids.ids()[ids.ids().length - 1]).isEqualTo(UnigramTokenizerJson.SEP);
            assertThat(model.classify(longText, "a dog").truncated()).isTrue();
        }
    }

    @Test
    void aPassLeavesNoArrayBehindInTheModelsManager() throws Exception {
        for (TinyDeberta tiny : List.of(TinyDeberta.v3(List.of("LABEL_0"), 6), TinyDeberta.v2(List.of("a", "b"), 7))) {
            try (DebertaClassifier model = DebertaClassifier.load(tiny.write(dir.resolve("leak" + tiny.seed()), false), "t")) {
                int held = model.heldArrays();
                for (String[] pair : PAIRS) {
                    model.classify(pair[0], pair[1]);
                }
                assertThat(model.heldArrays()).isEqualTo(held);
            }
        }
    }

    @Test
    void bucketsTakenInSinglePrecisionAgreeWithTheDoubleFormula() {
        for (int[] config : new int[][] {{256, 512}, {8, 32}, {6, 20}}) {
            for (int r = -700; r <= 700; r++) {
                assertThat(RelativePositions.bucket(r, config[0], config[1])).as("δ=" + r + " " + config[0])
                        .isEqualTo(TinyDeberta.logBucket(r, config[0], config[1]));
            }
        }
        assertThat(RelativePositions.bucket(511, 256, 512)).isEqualTo(255);
        assertThat(RelativePositions.bucket(-129, 256, 512)).isEqualTo(-129);
    }

    @Test
    void theReferenceErfIsRight() {
        assertThat(TinyDeberta.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-14));
        assertThat(TinyDeberta.erf(-1)).isCloseTo(-0.8427007929497149, within(1e-14));
        assertThat(TinyDeberta.erf(3.5)).isCloseTo(0.9999992569016276, within(1e-14));
    }

    @Test
    void anArchitectureThatIsNotASupportedClassifierIsOneSentence() throws Exception {
        TinyDeberta tiny = TinyDeberta.v3(List.of("LABEL_0"), 3);
        Path folder = tiny.write(dir, false);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(folder.resolve("config.json").toFile());
        config.putArray("architectures").add("BertForSequenceClassification");
        config.put("model_type", "bert");
        json.writeValue(folder.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> DebertaClassifier.load(folder, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("describes BertForSequenceClassification, which is not a supported pair classifier");
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        TinyDeberta tiny = TinyDeberta.v2(List.of("no", "yes"), 4);
        Path folder = tiny.write(dir, false);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(folder.resolve("config.json").toFile());
        config.put("share_att_key", false);
        config.put("num_hidden_layers", 3);
        json.writeValue(folder.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> DebertaClassifier.load(folder, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("lack tensor 'deberta.encoder.layer.2.attention.self.query_proj.weight'");
        Files.delete(folder.resolve("tokenizer.json"));
        assertThatThrownBy(() -> DebertaClassifier.load(folder, "x")).hasMessageContaining("has no tokenizer.json");
    }
}
