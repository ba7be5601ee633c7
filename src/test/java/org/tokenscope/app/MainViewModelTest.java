package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.ModelRequest;

/** The view-model with a same-thread runner and real tiny checkpoints. */
class MainViewModelTest {

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
    void loadingBothModelsScoresTheTextWithBoth() {
        vm.textProperty().set("Hello world, this is a test.");
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        vm.loadModel(vm.slotB(), ModelRequest.named(large.toString()));
        Analysis an = vm.analysisProperty().get();
        assertThat(an).isNotNull();
        assertThat(an.a().tokens()).hasSize(8);
        assertThat(an.b()).isNotNull();
        assertThat(an.comparison().pearson().n()).isEqualTo(8);
        assertThat(vm.slotA().nameProperty().get()).isEqualTo("small");
        assertThat(vm.status().statusProperty().get()).contains("8 tokens scored");
        assertThat(vm.status().busyProperty().get()).isFalse();
    }

    @Test
    void switchingBOffScoresWithAOnly() {
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        vm.loadModel(vm.slotB(), ModelRequest.named(large.toString()));
        vm.compareProperty().set(false);
        vm.analyse();
        assertThat(vm.analysisProperty().get().b()).isNull();
    }

    @Test
    void emptyTextSaysSoAndKeepsGoing() {
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        vm.textProperty().set("");
        vm.analyse();
        assertThat(vm.analysisProperty().get()).isNull();
        assertThat(vm.status().statusProperty().get()).contains("empty");
        vm.textProperty().set("Back again 😀");
        vm.analyse();
        assertThat(vm.analysisProperty().get().a().tokens()).isNotEmpty();
    }

    @Test
    void aFolderThatIsNotAModelGivesAClearMessageAndTheOldModelStays() throws Exception {
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        Path bad = Files.createDirectories(dir.resolve("not-a-model"));
        vm.loadModel(vm.slotA(), ModelRequest.named(bad.toString()));
        assertThat(vm.status().errorProperty().get()).contains("config.json");
        assertThat(vm.slotA().nameProperty().get()).isEqualTo("small");
        vm.analyse();
        assertThat(vm.analysisProperty().get()).isNotNull();
    }

    @Test
    void generationStreamsAndRecordsSteps() {
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        GenerateViewModel generate = new GenerateViewModel(vm);
        generate.promptProperty().set("Hello");
        generate.formProperty().set(new GenerationForm("greedy", 5, 2, 1, 0, 1, 1, 0));
        generate.generate();
        assertThat(generate.resultProperty().get().best().steps()).hasSizeBetween(1, 5);
        assertThat(generate.generatedTextProperty().get()).startsWith("Hello");
        assertThat(generate.generatingProperty().get()).isFalse();
        assertThat(generate.stepsProperty().get().apply(600).table().rows()).hasSize(
                generate.resultProperty().get().best().steps().size());
    }

    /**
     * A saved connection's key comes from where it says (here the environment variable HOME, whose
     * value every test machine has) and reaches the server as a bearer token; the settings file keeps
     * the address and the variable's name, never the key.
     */
    @Test
    void aSavedConnectionsKeyReachesTheServerAndNeverTheSettings() throws Exception {
        String secret = System.getenv("HOME");
        org.junit.jupiter.api.Assumptions.assumeTrue(secret != null && secret.length() > 1, "HOME is set");
        try (org.tokenscope.remote.FakeVllm vllm = new org.tokenscope.remote.FakeVllm()) {
            var connection = new org.tokenscope.remote.Connection(vllm.spec(), org.tokenscope.remote.KeySource.env("HOME"));
            vm.connections().add(connection);
            vm.textProperty().set("Hello there");
            vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
            vm.loadModel(vm.slotB(), ModelRequest.named(vllm.spec()));
            assertThat(vm.slotB().nameProperty().get()).isEqualTo(org.tokenscope.remote.FakeVllm.MODEL);
            assertThat(vllm.server().requests()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + secret.strip()));
            Settings settings = Settings.in(dir.resolve("settings-" + System.nanoTime()));
            settings.putConnections(vm.connections());
            settings.save();
            String file = java.nio.file.Files.readString(settings.file());
            assertThat(file).contains("env\\:HOME").doesNotContain("Bearer");
            assertThat(file.replace(vllm.spec().replace(":", "\\:"), "")).doesNotContain(secret.strip());
            assertThat(Settings.in(settings.file().getParent()).connections()).containsExactly(connection);
        }
    }
}
