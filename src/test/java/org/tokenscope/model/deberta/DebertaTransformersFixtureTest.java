package org.tokenscope.model.deberta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints made, saved ({@code torch.save}) and run by transformers' own DeBERTa-v2 code (see
 * {@code make_fixtures.py} beside them): loaded from their real PyTorch .bin, our logits equal the
 * float64 logits transformers printed to 1e-4 (measured: under 2e-6), so both the .bin reader and
 * the forward pass are checked against the outside, not only against our own reference.
 */
class DebertaTransformersFixtureTest {

    @ParameterizedTest
    @ValueSource(strings = {"v3", "v2"})
    void logitsEqualTransformers(String name) throws Exception {
        Path root = Path.of(DebertaTransformersFixtureTest.class.getResource("transformers/expected.json").toURI()).getParent();
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(root.resolve("expected.json").toFile());
        try (DebertaClassifier model = DebertaClassifier.load(root.resolve(name), name)) {
            for (JsonNode e : expected) {
                PairTokenizer.PairIds ids = model.tokenizer().encode(e.get("premise").asText(), e.get("hypothesis").asText());
                assertThat(ids.ids()).isEqualTo(json.convertValue(e.get("ids"), int[].class));
                assertThat(ids.typeIds()).isEqualTo(json.convertValue(e.get("types"), int[].class));
                float[] logits = model.logits(ids.ids(), ids.typeIds());
                JsonNode want = e.get(name).get("f64");
                assertThat(logits).hasSize(want.size());
                for (int k = 0; k < logits.length; k++) {
                    assertThat((double) logits[k]).as(name + " " + e.get("premise").asText() + " [" + k + "]")
                            .isCloseTo(want.get(k).asDouble(), within(1e-4));
                }
            }
        }
    }
}
