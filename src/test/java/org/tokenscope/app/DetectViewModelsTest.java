package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.service.Detector;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.service.corpus.CorpusResult;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** The Detect and Corpus tabs' view-models with a same-thread runner and real tiny checkpoints. */
class DetectViewModelsTest {

    @TempDir
    static Path dir;
    static Path small;
    static Path large;

    final MainViewModel vm = new MainViewModel(new DirectRunner());

    @BeforeAll
    static void write() throws Exception {
        small = CheckpointWriter.write(TinyGpt2.random(1, 2, 4, 32, 64, 50257), dir.resolve("small"));
        large = CheckpointWriter.write(TinyGpt2.random(2, 3, 4, 48, 64, 50257), dir.resolve("large"));
    }

    @AfterEach
    void close() {
        vm.shutdown();
    }

    @Test
    void detectScoresTheAnalysedTextWhenShown() {
        DetectViewModel detect = new DetectViewModel(vm, vm.runner());
        vm.textProperty().set("Hello world, this is a test.");
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        vm.loadModel(vm.slotB(), ModelRequest.named(large.toString()));
        assertThat(detect.detectionProperty().get()).isNull(); // not shown: nothing runs
        detect.activeProperty().set(true);
        TextDetection d = detect.detectionProperty().get();
        assertThat(d).isNotNull();
        TextDetection direct = Detector.detect(vm.slotA().backend().localModel().orElseThrow(),
                vm.slotB().backend().localModel().orElseThrow(), "Hello world, this is a test.", true, 0, () -> false);
        assertThat(d.binoculars()).isCloseTo(direct.binoculars(), within(1e-9));
        assertThat(detect.statusProperty().get()).startsWith("Binoculars ").contains("Fast-DetectGPT");
    }

    @Test
    void corpusRunsFillsTheTableTheSummaryAndOpensADocument() throws Exception {
        Path corpus = dir.resolve("c.jsonl");
        Files.writeString(corpus, """
                {"text": "The first document.", "label": "human"}
                {"text": "A second one, machine-made.", "label": "machine"}
                {"text": "", "label": "human"}
                {"text": "And a third.", "label": "machine"}
                """);
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        vm.loadModel(vm.slotB(), ModelRequest.named(large.toString()));
        CorpusViewModel corpusVm = new CorpusViewModel(vm, vm.runner());
        corpusVm.run(corpus);
        assertThat(corpusVm.results()).extracting(CorpusResult::id).containsExactly("1", "2", "4");
        assertThat(corpusVm.summaryProperty().get().metrics()).containsKeys("binoculars", "fast_detectgpt");
        assertThat(corpusVm.statusProperty().get()).contains("3 documents", "1 skipped");
        assertThat(corpusVm.byLabel(CorpusResult::binoculars)).containsOnlyKeys("human", "machine");
        corpusVm.open(corpusVm.results().get(1));
        assertThat(vm.textProperty().get()).isEqualTo("A second one, machine-made.");
    }
}
