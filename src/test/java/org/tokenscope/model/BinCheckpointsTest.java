package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.ByteTokenizerJson;
import org.tokenscope.testing.CheckpointOptions;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.RawTensor;
import org.tokenscope.testing.TinyDecoder;
import org.tokenscope.testing.TinyGpt2;
import org.tokenscope.testing.TorchZipWriter;

/** Language models that ship only PyTorch's {@code pytorch_model.bin} load through the safe reader, equal to safetensors. */
class BinCheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void aGpt2FineTuneThatShipsOnlyABinGivesTheSameLogits() throws Exception {
        TinyGpt2 tiny = TinyGpt2.random(5, 2, 2, 16, 32, 50257);
        Path st = CheckpointWriter.write(tiny, dir.resolve("st"));
        Path bin = CheckpointWriter.write(tiny, dir.resolve("bin"));
        Files.delete(bin.resolve("model.safetensors"));
        TorchZipWriter.write(bin.resolve("pytorch_model.bin"), CheckpointWriter.tensors(tiny, CheckpointOptions.DEFAULT));
        try (LanguageModel a = LanguageModel.load(st, "st"); LanguageModel b = LanguageModel.load(bin, "bin")) {
            int[] ids = {15496, 995, 11, 428};
            assertThat(b.logits(ids)).isDeepEqualTo(a.logits(ids));
        }
    }

    @Test
    void aLlamaStyleBinGivesTheSameLogits() throws Exception {
        TinyDecoder tiny = TinyDecoder.random(6, TinyDecoder.Spec.llama(1, 4, 2, 32, 64, 300).with("family", "qwen2"));
        Path st = tiny.write(dir.resolve("st"), DType.F32, 1);
        ByteTokenizerJson.write(st);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(st.resolve("config.json"), bin.resolve("config.json"));
        Files.copy(st.resolve("tokenizer.json"), bin.resolve("tokenizer.json"));
        LinkedHashMap<String, RawTensor> raw = new LinkedHashMap<>();
        tiny.tensors().forEach((name, values) -> raw.put(name, RawTensor.of(DType.F32, shape(tiny, name), values)));
        TorchZipWriter.write(bin.resolve("pytorch_model.bin"), raw);
        try (LanguageModel a = LanguageModel.load(st, "st"); LanguageModel b = LanguageModel.load(bin, "bin")) {
            int[] ids = {10, 20, 30, 40, 50};
            assertThat(b.logits(ids)).isDeepEqualTo(a.logits(ids));
        }
    }

    private static long[] shape(TinyDecoder tiny, String name) {
        return tiny.shapes().get(name);
    }
}
