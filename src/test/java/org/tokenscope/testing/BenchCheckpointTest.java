package org.tokenscope.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.ModelConfig;

/**
 * The family-shaped bench checkpoints are what the issue names: their config.json, read by the
 * model's own {@link ModelConfig}, has the published shapes (the weights are too large to write here;
 * bench/run.sh writes and runs them).
 */
class BenchCheckpointTest {

    @TempDir
    Path dir;

    private ModelConfig read(String name) throws Exception {
        Path file = dir.resolve(name + ".json");
        new ObjectMapper().writeValue(file.toFile(), BenchCheckpoint.config(BenchCheckpoint.FAMILIES.get(name)));
        return ModelConfig.read(file);
    }

    @Test
    void smolLm2() throws Exception {
        ModelConfig c = read("smollm2-135m");
        assertThat(c.family()).isEqualTo(ModelConfig.Family.LLAMA);
        assertThat(new int[] {c.layers(), c.width(), c.heads(), c.kvHeads(), c.headDim(), c.inner(), c.vocab()})
                .containsExactly(30, 576, 9, 3, 64, 1536, 49152);
        assertThat(c.tiedHead()).isTrue();
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.ropeScaling()).isNull();
    }

    @Test
    void qwen25() throws Exception {
        ModelConfig c = read("qwen2.5-0.5b");
        assertThat(c.family()).isEqualTo(ModelConfig.Family.QWEN2);
        assertThat(new int[] {c.layers(), c.width(), c.heads(), c.kvHeads(), c.headDim(), c.inner(), c.vocab()})
                .containsExactly(24, 896, 14, 2, 64, 4864, 151936);
        assertThat(c.tiedHead()).isTrue();
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.slidingWindow()).isZero();
    }

    @Test
    void llama32() throws Exception {
        ModelConfig c = read("llama3.2-1b");
        assertThat(c.family()).isEqualTo(ModelConfig.Family.LLAMA);
        assertThat(new int[] {c.layers(), c.width(), c.heads(), c.kvHeads(), c.headDim(), c.inner(), c.vocab()})
                .containsExactly(16, 2048, 32, 8, 64, 8192, 128256);
        assertThat(c.tiedHead()).isTrue();
        assertThat(c.ropeScaling().type()).isEqualTo("llama3");
        assertThat(c.ropeScaling().factor()).isEqualTo(32.0);
        assertThat(c.ropeTheta()).isEqualTo(500_000.0);
    }
}
