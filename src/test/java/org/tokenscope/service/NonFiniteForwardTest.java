package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.Greedy;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TensorPatch;
import org.tokenscope.testing.TinyGpt2;

/**
 * Weights that are all finite but overflow F32 in the activations (as an F16 fine-tune can): the
 * scorer and the generator say so, and from which layer on, instead of showing NaN as numbers.
 */
class NonFiniteForwardTest {

    @TempDir
    static Path dir;

    /** Block h.1's MLP output projection at 3e38, near F32's largest: its sum over 128 inputs is infinite. */
    static Path overflowingInBlock1() throws Exception {
        Path folder = CheckpointWriter.write(TinyGpt2.random(5, 2, 4, 32, 64, 50257), dir.resolve("overflow"));
        TensorPatch.setF32(folder.resolve("model.safetensors"), "h.1.mlp.c_proj.weight", 0, 128 * 32, 3e38f);
        return folder;
    }

    @Test
    void scoringNamesTheFirstLayerWhoseOutputIsNotFinite() throws Exception {
        try (LanguageModel model = LanguageModel.load(overflowingInBlock1(), "overflow")) {
            assertThatThrownBy(() -> TextScorer.score(model, "The weights load, but the numbers overflow.",
                    new ScoreOptions(true, 5, 0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("overflow's forward pass gives logits that are not finite (NaN or infinity), from block"
                            + " 1 (layer 2 of 2) on, so there are no numbers to show: its weights are finite, but the"
                            + " activations overflow.");
        }
    }

    @Test
    void aHealthyModelReadsFiniteAtEveryLayer() throws Exception {
        Path folder = CheckpointWriter.write(TinyGpt2.random(6, 2, 4, 32, 64, 50257), dir.resolve("healthy"));
        try (LanguageModel model = LanguageModel.load(folder, "healthy")) {
            int[] ids = model.tokenizer().encode("All is well here.").ids();
            assertThat(TextScorer.firstNonFiniteLayer(model, ids, () -> false)).isEqualTo("the final norm or the head");
            assertThat(TextScorer.score(model, "All is well here.", new ScoreOptions(true, 5, 0)).perplexity()).isFinite();
        }
    }

    @Test
    void generationSaysSoToo() throws Exception {
        try (LocalBackend backend = new LocalBackend(LanguageModel.load(overflowingInBlock1(), "overflow"))) {
            assertThatThrownBy(() -> backend.generate("Once upon a time",
                    new Backend.GenerationSettings(3, new Greedy(), List.of(), 5, false, false), GenerationListener.NONE, () -> false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("from block 1 (layer 2 of 2) on");
        }
    }
}
