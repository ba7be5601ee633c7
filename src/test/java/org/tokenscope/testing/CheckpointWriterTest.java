package org.tokenscope.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TinyGpt2 SMALL = TinyGpt2.random(11, 2, 2, 8, 16, 50);

    @TempDir
    Path dir;

    @Test
    void writesAFolderTransformersWouldRecognise() throws IOException {
        TinyGpt2 model = TinyGpt2.random(1, 1, 2, 8, 16, 50257);
        CheckpointWriter.write(model, dir);
        JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("gpt2");
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("GPT2LMHeadModel");
        assertThat(config.get("n_layer").asInt()).isEqualTo(1);
        assertThat(config.get("n_head").asInt()).isEqualTo(2);
        assertThat(config.get("n_embd").asInt()).isEqualTo(8);
        assertThat(config.get("n_positions").asInt()).isEqualTo(16);
        assertThat(config.get("n_ctx").asInt()).isEqualTo(16);
        assertThat(config.get("vocab_size").asInt()).isEqualTo(50257);
        assertThat(config.get("layer_norm_epsilon").asDouble()).isEqualTo(1e-5);
        assertThat(config.get("activation_function").asText()).isEqualTo("gelu_new");
        assertThat(config.get("eos_token_id").asInt()).isEqualTo(50256);
        assertThat(dir.resolve("tokenizer.json")).hasSameBinaryContentAs(Gpt2TokenizerJson.cached());
        assertThat(read(dir.resolve("model.safetensors")).keySet())
                .containsExactlyElementsOf(model.tensors().keySet());
    }

    @Test
    void headerParsesBackAndDataRoundTrips() throws IOException {
        for (DType dtype : DType.values()) {
            Path file = CheckpointWriter.write(SMALL, dir.resolve(dtype.name()),
                    CheckpointOptions.builder().optDtype(dtype).build()).resolve("model.safetensors");
            Map<String, Tensor> tensors = read(file);
            TinyGpt2 rounded = SMALL.roundedTo(dtype);
            assertThat(tensors.keySet()).containsExactlyElementsOf(SMALL.tensors().keySet());
            for (var e : tensors.entrySet()) {
                assertThat(e.getValue().dtype()).isEqualTo(dtype.name());
                assertThat(e.getValue().shape()).containsExactly(SMALL.shape(e.getKey()));
                assertThat(e.getValue().values()).as(e.getKey()).isEqualTo(rounded.tensors().get(e.getKey()));
            }
        }
        assertThat(dir.resolve("F32").resolve("tokenizer.json")).doesNotExist(); // vocab 50 is not GPT-2's
        assertThat(JSON.readTree(dir.resolve("F32/config.json").toFile()).get("eos_token_id").asInt()).isEqualTo(49);
    }

    @Test
    void optionsAddPrefixLmHeadAndMaskBuffers() throws IOException {
        CheckpointOptions options = CheckpointOptions.builder()
                .optPrefixed(true).optLmHead(true).optMaskBuffers(true).build();
        Map<String, Tensor> tensors = read(CheckpointWriter.write(SMALL, dir, options).resolve("model.safetensors"));
        assertThat(tensors).containsKeys("transformer.wte.weight", "transformer.h.1.attn.c_attn.weight",
                "transformer.ln_f.bias", "lm_head.weight", "transformer.h.0.attn.bias", "transformer.h.1.attn.masked_bias");
        assertThat(tensors).hasSize(SMALL.tensors().size() + 1 + 2 * 2);
        assertThat(tensors.get("lm_head.weight").values()).isEqualTo(SMALL.tensors().get("wte.weight"));
        Tensor mask = tensors.get("transformer.h.0.attn.bias");
        assertThat(mask.shape()).containsExactly(1, 1, 16, 16);
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                assertThat(mask.values()[i * 16 + j]).isEqualTo(j <= i ? 1f : 0f);
            }
        }
        Tensor masked = tensors.get("transformer.h.1.attn.masked_bias");
        assertThat(masked.shape()).isEmpty();
        assertThat(masked.values()).containsExactly(-1e4f);
    }

    @Test
    void shardsWithIndex() throws IOException {
        CheckpointWriter.write(SMALL, dir, CheckpointOptions.builder().optShards(3).optDtype(DType.BF16).build());
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        Map<String, String> weightMap = new LinkedHashMap<>();
        index.get("weight_map").properties().forEach(e -> weightMap.put(e.getKey(), e.getValue().asText()));
        assertThat(weightMap.keySet()).containsExactlyInAnyOrderElementsOf(SMALL.tensors().keySet());
        assertThat(weightMap.values()).containsOnly("model-00001-of-00003.safetensors",
                "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors");
        long total = 0;
        for (int k = 1; k <= 3; k++) {
            String name = "model-%05d-of-00003.safetensors".formatted(k);
            Map<String, Tensor> shard = read(dir.resolve(name));
            assertThat(shard).isNotEmpty();
            for (var e : shard.entrySet()) {
                assertThat(weightMap.get(e.getKey())).isEqualTo(name);
                total += e.getValue().byteLength();
            }
        }
        assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(total);
    }

    @Test
    void rawWriterWritesExactlyWhatItIsGiven() throws IOException {
        Path file = dir.resolve("lying.safetensors");
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        CheckpointWriter.writeRaw(file, header, new byte[8]);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(8 + header.length() + 8);
        assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(header.length());
        assertThat(new String(bytes, 8, header.length(), StandardCharsets.UTF_8)).isEqualTo(header);

        LinkedHashMap<String, RawTensor> bad = new LinkedHashMap<>();
        bad.put("x", new RawTensor("I64", new long[] {3}, new byte[5])); // wrong length on purpose
        CheckpointWriter.writeSafetensors(dir.resolve("bad.safetensors"), bad);
        assertThat(read(dir.resolve("bad.safetensors")).get("x").byteLength()).isEqualTo(5);
    }

    // ---- a minimal independent reader ----

    record Tensor(String dtype, long[] shape, long byteLength, float[] values) {}

    /** Parses the header with Jackson, checks offsets are contiguous and fill the file. */
    static Map<String, Tensor> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertThat(n % 8).as("header length padded to 8").isZero();
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertThat(header.get("__metadata__").get("format").asText()).isEqualTo("pt");
        int dataStart = 8 + (int) n;
        Map<String, Tensor> out = new LinkedHashMap<>();
        long expectedBegin = 0;
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            String dtype = e.getValue().get("dtype").asText();
            List<Long> shape = new ArrayList<>();
            e.getValue().get("shape").forEach(d -> shape.add(d.asLong()));
            long begin = e.getValue().get("data_offsets").get(0).asLong();
            long end = e.getValue().get("data_offsets").get(1).asLong();
            assertThat(begin).as(e.getKey() + " begins where the last ended").isEqualTo(expectedBegin);
            expectedBegin = end;
            long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
            float[] values = null;
            if (!dtype.equals("I64")) {
                long count = 1;
                for (long d : dims) {
                    count *= d;
                }
                DType type = DType.valueOf(dtype);
                assertThat(end - begin).as(e.getKey()).isEqualTo(count * type.bytesPerElement());
                values = decode(type, buf.slice(dataStart + (int) begin, (int) (end - begin)), (int) count);
            }
            out.put(e.getKey(), new Tensor(dtype, dims, end - begin, values));
        }
        assertThat(dataStart + expectedBegin).as("data fills the file").isEqualTo(bytes.length);
        return out;
    }

    static float[] decode(DType dtype, ByteBuffer data, int count) {
        data.order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (dtype) {
                case F32 -> data.getFloat();
                case F16 -> Float.float16ToFloat(data.getShort());
                case BF16 -> Float.intBitsToFloat((data.getShort() & 0xFFFF) << 16);
            };
        }
        return out;
    }
}
