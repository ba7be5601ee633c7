package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.service.TextScorer;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;
import org.tokenscope.backend.ScoreProgress;
import org.tokenscope.backend.Capabilities;
import org.tokenscope.service.ModelRequest;

/** The Inside tab's view-model on a same-thread runner that counts the passes, with a real tiny checkpoint. */
class InsideViewModelTest {

    /** Runs work at once, and counts it. */
    static final class CountingRunner implements TaskRunner {
        final DirectRunner direct = new DirectRunner();
        int submitted;

        @Override
        public <T> Handle submit(Work<T> work, Progress progress, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
            submitted++;
            return direct.submit(work, progress, onSuccess, onFailure);
        }

        @Override
        public void execute(Runnable action) {
            action.run();
        }
    }

    @TempDir
    static Path dir;
    static Path tiny;

    final CountingRunner runner = new CountingRunner();
    final MainViewModel main = new MainViewModel(runner);
    final InsideViewModel inside = new InsideViewModel(main, runner);

    @BeforeAll
    static void write() throws Exception {
        tiny = CheckpointWriter.write(TinyGpt2.random(3, 3, 4, 32, 64, 50257), dir.resolve("tiny"));
    }

    @AfterEach
    void close() {
        main.shutdown();
    }

    private void analysed(String text) {
        main.compareProperty().set(false);
        main.textProperty().set(text);
        main.loadModel(main.slotA(), ModelRequest.named(tiny.toString()));
        assertThat(main.analysisProperty().get()).isNotNull();
    }

    @Test
    void nothingRunsUntilTheTabIsShownThenOnePassGivesTheLensAndTheLayer() {
        analysed("The quick brown fox jumps over the lazy dog.");
        int before = runner.submitted;
        main.analyse();
        assertThat(runner.submitted).isEqualTo(before + 1); // the scoring only
        assertThat(inside.lensProperty().get()).isNull();
        inside.activeProperty().set(true);
        assertThat(runner.submitted).isEqualTo(before + 2);
        assertThat(inside.lensProperty().get().levels()).isEqualTo(4);
        assertThat(inside.layersProperty().get()).isEqualTo(3);
        assertThat(inside.headsProperty().get()).isEqualTo(4);
        AttentionMap map = inside.attentionProperty().get();
        assertThat(map.layer()).isZero();
        assertThat(map.head()).isNull();
        int n = map.size();
        assertThat(inside.positionProperty().get()).isEqualTo(n - 1); // nothing selected: the last token
        assertThat(inside.busyProperty().get()).isFalse();
        assertThat(inside.statusProperty().get()).contains("tiny", n + " tokens");
    }

    @Test
    void aNewSelectionOrHeadNeedsNoPassButANewLayerDoes() {
        analysed("Hello world, this is a test.");
        inside.activeProperty().set(true);
        int passes = runner.submitted;
        AttentionMap mean = inside.attentionProperty().get();
        main.selectedProperty().set(2);
        assertThat(inside.positionProperty().get()).isEqualTo(2);
        inside.headProperty().set(1);
        assertThat(inside.attentionProperty().get().head()).isEqualTo(1);
        assertThat(inside.attentionProperty().get().weights()).isNotEqualTo(mean.weights());
        assertThat(runner.submitted).isEqualTo(passes);
        inside.layerProperty().set(2);
        assertThat(runner.submitted).isEqualTo(passes + 1);
        assertThat(inside.attentionProperty().get().layer()).isEqualTo(2);
        assertThat(inside.attentionProperty().get().head()).isEqualTo(1);
        main.compareProperty().set(true);
        main.analyse(); // a new analysis of the same text by the same model A: nothing to look at again
        assertThat(runner.submitted).isEqualTo(passes + 2);
        // a selection beyond the text falls back to the last token
        main.selectedProperty().set(-1);
        assertThat(inside.positionProperty().get()).isEqualTo(inside.lensProperty().get().positions() - 1);
    }

    @Test
    void theGridIsMadeOnlyWhenWantedAndKeepsThumbnails() {
        analysed("One two three four five six seven.");
        inside.activeProperty().set(true);
        assertThat(inside.gridProperty().get()).isNull();
        inside.gridWantedProperty().set(true);
        var grid = inside.gridProperty().get();
        assertThat(grid.layers()).isEqualTo(3);
        assertThat(grid.heads()).isEqualTo(4);
        assertThat(grid.cells()).hasSize(12);
        assertThat(grid.cells().get(0).thumbnail().length).isLessThanOrEqualTo(InsideViewModel.THUMBNAIL);
        main.textProperty().set("Something else entirely.");
        main.analyse();
        assertThat(inside.gridProperty().get().positions()).isEqualTo(inside.lensProperty().get().positions());
        assertThat(inside.lensProperty().get().text()).isEqualTo("Something else entirely.");
    }

    @Test
    void aModelThatCannotBeLookedIntoSaysSo() throws Exception {
        analysed("Hello world");
        LanguageModel model = LanguageModel.load(tiny, "remote-ish");
        LocalBackend local = new LocalBackend(model);
        Backend opaque = new Backend() { // everything but inspect
            @Override
            public ModelSummary summary() {
                return local.summary();
            }

            @Override
            public Capabilities capabilities() {
                return new Capabilities(20, false, false, false, "remote server");
            }

            @Override
            public ScoredText score(String text, ScoreOptions options, BooleanSupplier cancel, ScoreProgress p) {
                return local.score(text, options, cancel, p);
            }

            @Override
            public GenerationResult generate(String prompt, GenerationSettings settings, GenerationListener listener,
                                             BooleanSupplier cancel) {
                return local.generate(prompt, settings, listener, cancel);
            }

            @Override
            public void close() {
                local.close();
            }
        };
        Backend old = main.slotA().loaded(opaque, "remote-ish");
        old.close();
        main.analyse();
        inside.activeProperty().set(true);
        assertThat(inside.statusProperty().get()).contains("does not expose its internals");
        assertThat(inside.lensProperty().get()).isNull();
        assertThat(inside.busyProperty().get()).isFalse();
    }
}
