package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tokenscope.generate.LogitsSession;
import org.tokenscope.testing.ByteTokenizerJson;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.TinyDecoder;
import org.tokenscope.testing.TinyDecoder.Spec;
import org.tokenscope.testing.TinyGpt2;

/**
 * Every family's DJL forward pass, cached decoding and attention weights against the tests'
 * independent double-precision reference ({@link TinyDecoder}), on random-weight checkpoints
 * written in transformers' layout: grouped-query attention, explicit head_dim, sliding windows
 * shorter than the texts, BF16 and F16 files, sharded files, tied and untied heads.
 */
class DecoderFamiliesTest {

    static final int VOCAB = 384;

    @TempDir
    Path dir;

    static Stream<Arguments> families() {
        Spec llama = Spec.llama(2, 4, 2, 32, 64, VOCAB);
        return Stream.of(
                Arguments.of("llama 3.2 (GQA, llama3 rope scaling, tied, bf16)", llama.with("ropeScaling",
                        "{\"rope_type\": \"llama3\", \"factor\": 32.0, \"low_freq_factor\": 1.0, "
                                + "\"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}"), DType.BF16, 1),
                Arguments.of("llama (linear rope scaling, untied, f16, sharded)", llama.with("tied", false)
                        .with("ropeScaling", "{\"type\": \"linear\", \"factor\": 4.0}").with("kvHeads", 1), DType.F16, 3),
                Arguments.of("mistral (window 5)", llama.with("family", "mistral").with("slidingWindow", 5)
                        .with("tied", false).with("ropeTheta", 10_000), DType.F32, 1),
                Arguments.of("qwen2 (q/k/v biases, untied)", llama.with("family", "qwen2").with("tied", false)
                        .with("ropeTheta", 1_000_000), DType.BF16, 1),
                Arguments.of("qwen3 (q/k norms, head_dim 16 ≠ width/heads, window from layer 1)", llama
                        .with("family", "qwen3").with("headDim", 16).with("heads", 4).with("kvHeads", 2)
                        .with("slidingWindow", 4).with("useSlidingWindow", true).with("maxWindowLayers", 1),
                        DType.BF16, 2),
                Arguments.of("gemma 3 (sandwich norms, 1 + w, √E embeddings, local layers, softcap)", llama
                        .with("family", "gemma3").with("layers", 3).with("kvHeads", 1).with("headDim", 16)
                        .with("slidingWindow", 6).with("slidingPattern", 3).with("localRopeTheta", 10_000)
                        .with("ropeTheta", 1_000_000).with("queryPreAttnScalar", 24).with("finalSoftcap", 30.0),
                        DType.BF16, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void logitsMatchTheReference(String label, Spec spec, DType dtype, int shards) throws Exception {
        TinyDecoder stored = TinyDecoder.random(7, spec).roundedTo(dtype);
        stored.write(dir, dtype, shards);
        ByteTokenizerJson.write(dir);
        int[] ids = randomIds(11, 20);
        double[][] want = stored.referenceLogits(ids);
        try (LanguageModel model = LanguageModel.load(dir, label)) {
            assertThat(model.config().family().architecture).isEqualTo(stored.config(dtype).get("architectures").get(0).asText());
            float[][] got = model.logits(ids);
            for (int t = 0; t < ids.length; t++) {
                assertClose(got[t], want[t], "position " + t);
            }
            assertThat(model.parameterCount()).isEqualTo(stored.tensors().values().stream().mapToLong(v -> v.length).sum());
        }
    }

    /** 300 tokens: queries in blocks of 128, windows shorter and longer than a block, scores reduced in chunks. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void longTextsScoreLikeTheReference(String label, Spec spec, DType dtype, int shards) throws Exception {
        Spec longer = spec.slidingWindow() > 0 ? spec.with("slidingWindow", 150) : spec;
        for (Spec s : new Spec[] {spec, longer}) {
            TinyDecoder stored = TinyDecoder.random(8, s).roundedTo(dtype);
            Path folder = dir.resolve("w" + s.slidingWindow());
            stored.write(folder, dtype, 1);
            ByteTokenizerJson.write(folder);
            int[] ids = randomIds(12, 300);
            int[] targets = new int[ids.length];
            for (int t = 0; t < ids.length; t++) {
                targets[t] = t + 1 < ids.length ? ids[t + 1] : -1;
            }
            double[][] ref = stored.referenceLogits(ids);
            try (LanguageModel model = LanguageModel.load(folder, label)) {
                NextTokenStats stats = model.scoreNext(ids, targets, 3, () -> false);
                for (int t = 0; t + 1 < ids.length; t++) {
                    double[] lp = TinyGpt2.logSoftmax(ref[t]);
                    assertThat((double) stats.logprob()[t]).as("window %d position %d", s.slidingWindow(), t)
                            .isCloseTo(lp[ids[t + 1]], within(1e-3));
                    assertThat((double) stats.entropy()[t]).isCloseTo(TinyGpt2.entropy(ref[t]), within(1e-3));
                }
            }
        }
    }

    /** Greedy decoding with the key/value cache (GQA, windows) equals the reference's argmax on every prefix. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void cachedDecodingMatchesTheReference(String label, Spec spec, DType dtype, int shards) throws Exception {
        TinyDecoder stored = TinyDecoder.random(9, spec).roundedTo(dtype);
        stored.write(dir, dtype, 1);
        ByteTokenizerJson.write(dir);
        int[] prompt = randomIds(13, 5);
        try (LanguageModel model = LanguageModel.load(dir, label); LogitsSession session = model.newSession()) {
            float[] logits = session.append(prompt);
            int[] seq = Arrays.copyOf(prompt, prompt.length + 10);
            for (int n = prompt.length; n < seq.length; n++) {
                double[][] ref = stored.referenceLogits(Arrays.copyOf(seq, n));
                assertClose(logits, ref[n - 1], "step " + (n - prompt.length));
                seq[n] = argmax(ref[n - 1]);
                logits = session.append(new int[] {seq[n]});
            }
            try (LogitsSession fork = session.fork()) {
                float[] forked = fork.append(new int[] {3});
                float[] again = session.append(new int[] {3});
                assertThat(forked).containsExactly(again, within(1e-5f));
            }
        }
    }

    /** Attention weights per query head (head h reading key/value head h ÷ group) and the logit lens. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void internalsMatchTheReference(String label, Spec spec, DType dtype, int shards) throws Exception {
        TinyDecoder stored = TinyDecoder.random(10, spec).roundedTo(dtype);
        stored.write(dir, dtype, 1);
        ByteTokenizerJson.write(dir);
        int[] ids = randomIds(14, 12);
        double[][][][] want = stored.referenceAttention(ids);
        double[][] logits = stored.referenceLogits(ids);
        try (LanguageModel model = LanguageModel.load(dir, label)) {
            java.util.Set<Integer> all = new java.util.TreeSet<>();
            for (int l = 0; l < spec.layers(); l++) {
                all.add(l);
            }
            Internals inside = model.inspect(ids, new InspectRequest(all, true, 3, false), () -> false);
            for (int l = 0; l < spec.layers(); l++) {
                float[][][] got = inside.attention().get(l);
                assertThat(got).hasNumberOfRows(spec.heads());
                for (int h = 0; h < spec.heads(); h++) {
                    for (int q = 0; q < ids.length; q++) {
                        for (int k = 0; k < ids.length; k++) {
                            assertThat((double) got[h][q][k]).as("layer %d head %d query %d key %d", l, h, q, k)
                                    .isCloseTo(want[l][h][q][k], within(1e-4));
                        }
                    }
                }
            }
            // the lens at the last level is the model's own output
            for (int t = 0; t + 1 < ids.length; t++) {
                double[] lp = TinyGpt2.logSoftmax(logits[t]);
                assertThat((double) inside.lensLogprob()[spec.layers()][t]).isCloseTo(lp[ids[t + 1]], within(1e-3));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void checkpointsThatDisagreeWithTheirConfigAreOneSentence() throws Exception {
        Spec spec = Spec.llama(1, 4, 2, 32, 64, VOCAB);
        TinyDecoder stored = TinyDecoder.random(1, spec);
        stored.write(dir, DType.F32, 1);
        ByteTokenizerJson.write(dir);
        com.fasterxml.jackson.databind.node.ObjectNode config = stored.config(DType.F32);
        config.put("num_key_value_heads", 4); // the file's k_proj has 2 heads' rows
        java.nio.file.Files.writeString(dir.resolve("config.json"), config.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LanguageModel.load(dir, "x"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'model.layers.0.self_attn.k_proj.weight' has shape [16, 32] but config.json implies [32, 32]")
                .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
        config.put("num_key_value_heads", 2);
        config.put("tie_word_embeddings", false); // and no lm_head.weight in the file
        java.nio.file.Files.writeString(dir.resolve("config.json"), config.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LanguageModel.load(dir, "x"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("lack tensor 'lm_head.weight'");
        config.put("tie_word_embeddings", true);
        config.put("num_hidden_layers", 2);
        java.nio.file.Files.writeString(dir.resolve("config.json"), config.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LanguageModel.load(dir, "x"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("The model's weights lack tensor 'model.layers.1.");
        java.nio.file.Files.delete(dir.resolve("tokenizer.json"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LanguageModel.load(dir, "x"))
                .isInstanceOf(ModelFormatException.class).hasMessageEndingWith("has no tokenizer.json.");
    }

    static void assertClose(float[] got, double[] want, String where) {
        double[] g = TinyGpt2.logSoftmax(Arrays.stream(toDouble(got)).toArray());
        double[] w = TinyGpt2.logSoftmax(want);
        for (int v = 0; v < w.length; v++) {
            assertThat(g[v]).as("%s token %d", where, v).isCloseTo(w[v], within(1e-3));
        }
    }

    static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    static int[] randomIds(long seed, int n) {
        Random random = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 3 + random.nextInt(VOCAB - 3);
        }
        return ids;
    }

    static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
