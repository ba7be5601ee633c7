package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.backend.Occlusion;
import org.tokenscope.backend.ScoreProgress;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/**
 * The backend-level occlusion (the one a remote server runs), driven by the local model's own scores, is the
 * local model's batched occlusion: the same texts, the same target, token for token.
 */
class OcclusionThroughBackendTest {

    @TempDir
    Path dir;

    @Test
    void theBackendPathEqualsTheLocalBatchedPath() throws Exception {
        Path folder = CheckpointWriter.write(TinyGpt2.random(5, 2, 4, 32, 64, 50257), dir.resolve("m"));
        String text = "Hello world, I am here today";
        try (LocalBackend backend = new LocalBackend(LanguageModel.load(folder, "tiny"))) {
            for (String contrast : new String[] {null, "262"}) {
                Attribution local = backend.attribute(text, 5, contrast, Attribution.Method.OCCLUSION, 32, () -> false,
                        ScoreProgress.NONE);
                List<Integer> counted = new ArrayList<>();
                Attribution generic = Occlusion.attribute(backend, text, 5, contrast, () -> false,
                        (done, total) -> counted.add(total));
                assertThat(generic.tokens()).isEqualTo(local.tokens());
                assertThat(generic.target().id()).isEqualTo(local.target().id());
                assertThat(generic.target().logprob()).isCloseTo(local.target().logprob(), within(1e-5));
                assertThat(generic.target().value()).isCloseTo(local.target().value(), within(1e-5));
                assertThat(generic.scores()).hasSize(5);
                for (int i = 0; i < 5; i++) {
                    assertThat(generic.scores()[i]).as("token %d", i).isCloseTo(local.scores()[i], within(1e-5));
                }
                assertThat(counted).containsOnly(6 * (contrast == null ? 1 : 2));
            }
        }
    }
}
