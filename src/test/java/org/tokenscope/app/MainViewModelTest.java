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
    void choosingQ8WeightsReloadsTheLocalModelsAndTheStatusSaysSo() {
        vm.textProperty().set("Hello world, this is a test.");
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        vm.loadModel(vm.slotB(), ModelRequest.named(large.toString()));
        float[] f32 = logprobs(vm.analysisProperty().get().a());
        assertThat(vm.slotA().stateProperty().get()).contains("f32 weights");
        assertThat(vm.analysisProperty().get().a().model().weights()).isEqualTo("f32");

        vm.useWeights(org.tokenscope.model.WeightFormat.Q8);
        assertThat(vm.slotA().stateProperty().get()).contains("q8 weights");
        assertThat(vm.slotB().stateProperty().get()).contains("q8 weights");
        Analysis q8 = vm.analysisProperty().get();
        assertThat(q8.a().model().weights()).isEqualTo("q8");
        assertThat(q8.b().model().weights()).isEqualTo("q8");
        float[] quantized = logprobs(q8.a());
        assertThat(quantized).hasSameSizeAs(f32);
        boolean changed = false;
        for (int i = 0; i < f32.length; i++) {
            assertThat(quantized[i]).isCloseTo(f32[i], org.assertj.core.api.Assertions.within(0.25f));
            changed |= quantized[i] != f32[i];
        }
        assertThat(changed).as("the q8 model's own numbers, not the f32 model's").isTrue();
    }

    private static float[] logprobs(org.tokenscope.analysis.ScoredText scored) {
        float[] lp = new float[scored.tokens().size()];
        for (int i = 0; i < lp.length; i++) {
            Double v = scored.tokens().get(i).logprob();
            lp[i] = v == null ? 0f : v.floatValue(); // an unscored first token: 0 in both runs
        }
        return lp;
    }

    @Test
    void whileBundledModelsStandInTheStatusBarKeepsSayingSo() {
        vm.textProperty().set("Hello world, this is a test.");
        // not cached anywhere and no download: the bundled pair stands in, as for gpt2/gpt2-large offline
        vm.loadModel(vm.slotA(), ModelRequest.byDefault("someone/not-cached-a", "tokenscope-small"));
        vm.loadModel(vm.slotB(), ModelRequest.byDefault("someone/not-cached-b", "tokenscope-large"));
        assertThat(vm.analysisProperty().get()).isNotNull();
        assertThat(vm.status().statusProperty().get()).as("after scoring, the timing and still the stand-ins")
                .contains("tokens scored")
                .contains("Stand-ins: tokenscope-small for someone/not-cached-a, tokenscope-large for someone/not-cached-b")
                .contains("Python docs").contains("not GPT-2");
        vm.compareProperty().set(false);
        vm.analyse();
        assertThat(vm.status().statusProperty().get()).contains("Stand-ins: tokenscope-small for someone/not-cached-a (")
                .doesNotContain("tokenscope-large for");
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        assertThat(vm.status().statusProperty().get()).doesNotContain("Stand-ins");
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
        generate.formProperty().set(new GenerationForm("greedy", 5, 2, 1, 0, 1, 1, 0, false));
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
