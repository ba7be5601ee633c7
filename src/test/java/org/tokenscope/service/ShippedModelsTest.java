package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tokenscope.model.Gpt2Config;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.NextTokenStats;

/**
 * The two models trained by tokenscope and kept in {@code assets/models}: they load like any
 * model, score a sentence, and have learned some English (see assets/models/README.md).
 */
class ShippedModelsTest {

    /** Not in the training corpus: README-like English about the app. */
    static final String PARAGRAPH = "Paste a text and see every token coloured by the probability the model gave it. "
            + "You can put a small and a large model side by side, look at the most likely next tokens anywhere "
            + "in the text, and export every figure as a picture or its data as a table.";

    static LanguageModel load(String name) throws ModelFormatException {
        Path folder = ModelSources.bundled(name).orElseThrow(() -> new AssertionError(
                "assets/models/" + name + " not found from " + Path.of("").toAbsolutePath()));
        return LanguageModel.load(folder, name);
    }

    /** Perplexity of {@code text} read after <|endoftext|>, as the score command reads it. */
    static double perplexity(LanguageModel model, String text) {
        int[] ids = withEndOfText(model, model.tokenizer().encode(text).ids());
        int[] targets = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
            targets[t] = t + 1 < ids.length ? ids[t + 1] : -1;
        }
        NextTokenStats stats = model.scoreNext(ids, targets, 0, () -> false);
        double sum = IntStream.range(0, ids.length - 1).mapToDouble(t -> stats.logprob()[t]).sum();
        return Math.exp(-sum / (ids.length - 1));
    }

    static int[] withEndOfText(LanguageModel model, int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = model.endOfTextId();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /** The ids of the 10 most likely tokens after {@code prompt}. */
    static int[] topTen(LanguageModel model, String prompt) {
        int[] ids = withEndOfText(model, model.tokenizer().encode(prompt).ids());
        int[] targets = new int[ids.length];
        Arrays.fill(targets, -1);
        targets[ids.length - 1] = 0;
        return model.scoreNext(ids, targets, 10, () -> false).topIds()[ids.length - 1];
    }

    @ParameterizedTest
    @CsvSource({"tokenscope-small, 2, 128, 4", "tokenscope-large, 4, 192, 6"})
    void loadsScoresASentenceAndPredictsACommonContinuation(String name, int layers, int width, int heads)
            throws Exception {
        try (LanguageModel model = load(name)) {
            assertThat(model.config()).isEqualTo(org.tokenscope.model.ModelConfig.gpt2(new Gpt2Config(layers, heads, width, 4 * width, 256, 50257, 1e-5f, 50256)));
            assertThat(model.tokenizer().encode("Hello world").ids()).containsExactly(15496, 995);
            double perplexity = perplexity(model, "The function returns a list of strings.");
            assertThat(perplexity).as("perplexity of a sentence").isBetween(1.0, 1000.0);
            int the = model.tokenizer().encode(" the").ids()[0];
            assertThat(topTen(model, "Return the value of the attribute, and")).as("top 10 after 'and'").contains(the);
            int of = model.tokenizer().encode(" of").ids()[0];
            assertThat(topTen(model, "This is one")).as("top 10 after 'one'").contains(of);
        }
    }

    @Test
    void theLargeModelReadsUnseenEnglishBetterThanTheSmallOne() throws Exception {
        double small;
        double large;
        try (LanguageModel model = load(ModelSources.BUNDLED_SMALL)) {
            small = perplexity(model, PARAGRAPH);
        }
        try (LanguageModel model = load(ModelSources.BUNDLED_LARGE)) {
            large = perplexity(model, PARAGRAPH);
        }
        assertThat(large).isLessThan(small);
        assertThat(small).isLessThan(2000);
    }
}
