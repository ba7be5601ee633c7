package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;
import org.tokenscope.backend.ScoreOptions;

/** {@link TextScorer#scoreIds} scores ids exactly as {@link TextScorer#score} scores a text's tokens. */
class TextScorerTest {

    @TempDir
    static Path dir;
    static Path folder;

    @BeforeAll
    static void writeModel() throws Exception {
        folder = CheckpointWriter.write(TinyGpt2.random(11, 2, 4, 32, 64, 50257), dir.resolve("tiny"));
    }

    @Test
    void idsScoreAsTheTextTheyCameFrom() throws Exception {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(8); // past the context of 64: windows
        for (boolean bos : new boolean[] {true, false}) {
            ScoreOptions options = new ScoreOptions(bos, 3, 0);
            try (LanguageModel model = LanguageModel.load(folder, "tiny")) {
                ScoredText fromText = TextScorer.score(model, text, options);
                int[] ids = fromText.tokens().stream().mapToInt(TokenScore::id).toArray();
                ScoredText fromIds = TextScorer.scoreIds(model, ids, options, () -> false, (done, total) -> { });
                assertThat(fromIds.windows()).isEqualTo(fromText.windows());
                assertThat(fromIds.windows().windows()).hasSizeGreaterThan(1);
                assertThat(fromIds.text()).isEqualTo(text);
                for (int t = 0; t < ids.length; t++) {
                    TokenScore a = fromText.tokens().get(t);
                    TokenScore b = fromIds.tokens().get(t);
                    assertThat(b.logprob()).as("token %d", t).isEqualTo(a.logprob());
                    assertThat(b.rank()).isEqualTo(a.rank());
                    assertThat(b.entropy()).isEqualTo(a.entropy());
                    assertThat(b.top()).isEqualTo(a.top());
                    assertThat(text.substring(b.start(), b.end())).isEqualTo(b.text());
                }
                assertThat(fromIds.perplexity()).isEqualTo(fromText.perplexity());
            }
        }
    }

    @Test
    void refusesNoIdsAndIdsOutsideTheVocabulary() throws Exception {
        try (LanguageModel model = LanguageModel.load(folder, "tiny")) {
            assertThatThrownBy(() -> TextScorer.scoreIds(model, new int[0], ScoreOptions.DEFAULT, () -> false, (d, t) -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> TextScorer.scoreIds(model, new int[] {1, 50257}, ScoreOptions.DEFAULT, () -> false,
                    (d, t) -> { })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("50257");
        }
    }
}
