package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.model.deberta.DebertaClassifier;
import org.tokenscope.testing.TinyDeberta;

/** The Pairs tab's view-model on a same-thread runner, with a real tiny classifier. */
class PairsViewModelTest {

    @TempDir
    static Path dir;
    static Path nli;
    static final List<String> LABELS = List.of("contradiction", "entailment", "neutral");

    final DirectRunner runner = new DirectRunner();
    final MainViewModel main = new MainViewModel(runner);
    final PairsViewModel pairs = new PairsViewModel(main, runner);

    @BeforeAll
    static void write() throws Exception {
        nli = TinyDeberta.v2(LABELS, 61).write(dir.resolve("nli"), true);
    }

    @AfterEach
    void close() {
        pairs.shutdown();
        main.shutdown();
    }

    @Test
    void pastedPairsAreScoredAsTheClassifierScoresThem() throws Exception {
        assertThat(pairs.paste("a man walks into a bar\ta bloke is at a pub\nthe dog is outdoors\ta horse is outdoors\n")).isTrue();
        assertThat(pairs.rows()).hasSize(2);
        assertThat(pairs.rows().getFirst().score()).isNull();
        pairs.classifierProperty().set(nli.toString());
        pairs.classify();
        PairScores scores = pairs.scoresProperty().get();
        assertThat(scores).as(pairs.statusProperty().get()).isNotNull();
        assertThat(pairs.labels()).containsExactlyElementsOf(LABELS);
        assertThat(pairs.labelProperty().get()).isEqualTo("entailment");
        assertThat(pairs.rows()).allSatisfy(r -> assertThat(r.score()).isNotNull());
        try (DebertaClassifier model = DebertaClassifier.load(nli, "x")) {
            double[] want = model.classify("the dog is outdoors", "a horse is outdoors").scores();
            assertThat(pairs.rows().get(1).score().score("neutral")).isCloseTo(want[2], within(1e-9));
        }
        assertThat(pairs.statusProperty().get()).isEqualTo("nli classified 2 pairs.");
        assertThat(pairs.busyProperty().get()).isFalse();
    }

    @Test
    void aRowGoesToTheMainTextForTheLanguageModelViews() {
        pairs.paste("{\"premise\": \"P\", \"hypothesis\": \"H\"}");
        pairs.sendToText(pairs.rows().getFirst());
        assertThat(main.textProperty().get()).isEqualTo("P\n\nH");
    }

    @Test
    void addingPairsDropsOldScoresAndBadInputIsOneSentenceInTheStatus() throws Exception {
        pairs.paste("a\tb\n");
        pairs.classifierProperty().set(nli.toString());
        pairs.classify();
        assertThat(pairs.scoresProperty().get()).isNotNull();
        pairs.add(new org.tokenscope.analysis.TextPair("c", "d"));
        assertThat(pairs.scoresProperty().get()).isNull();
        assertThat(pairs.rows()).hasSize(2);
        assertThat(pairs.paste("x\ty\tz")).isFalse();
        assertThat(pairs.statusProperty().get()).contains("row 1, has 3 columns");
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"premise\": 1}\n");
        assertThat(pairs.importFile(file)).isFalse();
        assertThat(pairs.statusProperty().get()).contains("line 1");
        pairs.classifierProperty().set(dir.resolve("missing").toString());
        pairs.classify();
        assertThat(pairs.statusProperty().get()).contains("missing").doesNotContain("\n");
        pairs.clear();
        pairs.classify();
        assertThat(pairs.statusProperty().get()).startsWith("There are no pairs to classify");
    }
}
