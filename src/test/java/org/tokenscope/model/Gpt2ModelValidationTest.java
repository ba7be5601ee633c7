package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointOptions;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.RawTensor;
import org.tokenscope.testing.TinyGpt2;

/** Every way a model folder can be wrong ends in one clear sentence naming the file and tensor. */
class Gpt2ModelValidationTest {

    static final TinyGpt2 TINY = TinyGpt2.random(1, 1, 2, 16, 32, 50257);

    @TempDir
    Path dir;

    private Path model() throws Exception {
        return CheckpointWriter.write(TINY, dir.resolve("m"));
    }

    private Path rewriteWeights(LinkedHashMap<String, RawTensor> tensors) throws Exception {
        Path m = model();
        CheckpointWriter.writeSafetensors(m.resolve("model.safetensors"), tensors);
        return m;
    }

    @Test
    void notAFolderOrNoConfig() {
        assertThatThrownBy(() -> LanguageModel.load(dir.resolve("nope"), "x"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not a folder");
        assertThatThrownBy(() -> LanguageModel.load(dir, "x"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("config.json");
    }

    @Test
    void notGpt2Config() throws Exception {
        Path m = model();
        Files.writeString(m.resolve("config.json"), "{\"architectures\": [\"BertForMaskedLM\"], \"model_type\": \"bert\"}");
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json").hasMessageContaining("BertForMaskedLM")
                .hasMessageContaining("GPT2LMHeadModel, LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
                        + "Qwen3ForCausalLM, Gemma3ForCausalLM");
        Files.writeString(m.resolve("config.json"), "{\"model_type\": \"llama\", \"n_layer\": 1}");
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json").hasMessageContaining("num_hidden_layers");
        Files.writeString(m.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_layer\": 1}");
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).hasMessageContaining("n_head");
        Files.writeString(m.resolve("config.json"), "not json");
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).hasMessageContaining("not readable JSON");
    }

    @Test
    void missingTensor() throws Exception {
        LinkedHashMap<String, RawTensor> t = CheckpointWriter.tensors(TINY, CheckpointOptions.DEFAULT);
        t.remove("h.0.mlp.c_fc.bias");
        Path m = rewriteWeights(t);
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("lack").hasMessageContaining("h.0.mlp.c_fc.bias")
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void unexpectedTensor() throws Exception {
        LinkedHashMap<String, RawTensor> t = CheckpointWriter.tensors(TINY, CheckpointOptions.DEFAULT);
        t.put("h.1.ln_1.weight", t.get("h.0.ln_1.weight"));
        Path m = rewriteWeights(t);
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("unexpected tensor 'h.1.ln_1.weight'");
    }

    @Test
    void shapeThatDisagreesWithConfig() throws Exception {
        LinkedHashMap<String, RawTensor> t = CheckpointWriter.tensors(TINY, CheckpointOptions.DEFAULT);
        RawTensor w = t.get("h.0.attn.c_proj.weight"); // [16, 16]
        t.put("h.0.attn.c_proj.weight", new RawTensor(w.dtype(), new long[] {8, 32}, w.data()));
        Path m = rewriteWeights(t);
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("h.0.attn.c_proj.weight").hasMessageContaining("[8, 32]")
                .hasMessageContaining("[16, 16]");
    }

    @Test
    void truncatedWeights() throws Exception {
        Path m = model();
        Path file = m.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 100));
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("truncated").hasMessageContaining("model.safetensors");
    }

    @Test
    void noWeightsOrOnlyPytorchBin() throws Exception {
        Path m = model();
        Files.delete(m.resolve("model.safetensors"));
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("safetensors");
        Files.write(m.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).hasMessageContaining("pytorch_model.bin");
    }

    @Test
    void noTokenizer() throws Exception {
        Path m = model();
        Files.delete(m.resolve("tokenizer.json"));
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.json");
    }

    @Test
    void aBadLoadLeavesTheNextGoodOneWorking() throws Exception {
        Path m = model();
        Files.writeString(m.resolve("config.json"), "{}");
        assertThatThrownBy(() -> LanguageModel.load(m, "x")).isInstanceOf(ModelFormatException.class);
        Path good = CheckpointWriter.write(TINY, dir.resolve("good"));
        try (LanguageModel model = LanguageModel.load(good, "good")) {
            assertThat(model.logits(new int[] {1, 2})).hasNumberOfRows(2);
        }
    }
}
