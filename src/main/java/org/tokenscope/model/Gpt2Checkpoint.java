package org.tokenscope.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a GPT-2 in the Hugging Face layout: {@code config.json} as transformers writes it for
 * {@code GPT2LMHeadModel}, and {@code model.safetensors} in F16 with bare tensor names.
 */
final class Gpt2Checkpoint {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Gpt2Checkpoint() {
    }

    static void writeConfig(Gpt2Config c, Path file) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("model_type", "gpt2");
        config.putArray("architectures").add("GPT2LMHeadModel");
        config.put("n_layer", c.layers());
        config.put("n_head", c.heads());
        config.put("n_embd", c.width());
        if (c.inner() != 4 * c.width()) {
            config.put("n_inner", c.inner());
        }
        config.put("n_positions", c.context());
        config.put("n_ctx", c.context());
        config.put("vocab_size", c.vocab());
        config.put("layer_norm_epsilon", c.layerNormEps());
        config.put("activation_function", "gelu_new");
        if (c.eosId() >= 0) {
            config.put("bos_token_id", c.eosId());
            config.put("eos_token_id", c.eosId());
        }
        config.put("tie_word_embeddings", true);
        config.put("torch_dtype", "float16");
        JSON.writeValue(file.toFile(), config);
    }

    /**
     * Safetensors: 8 little-endian bytes of header length, the JSON header (padded with spaces to a
     * multiple of 8), then each tensor's F16 bytes, contiguous, in the map's order.
     */
    static void writeF16(Map<String, NDArray> tensors, Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            long[] shape = e.getValue().getShape().getShape();
            long bytes = 2 * e.getValue().size();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F16");
            ArrayNode dims = entry.putArray("shape");
            for (long d : shape) {
                dims.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        StringBuilder text = new StringBuilder(new ObjectMapper().writeValueAsString(header));
        while (text.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            text.append(' ');
        }
        byte[] headerBytes = text.toString().getBytes(StandardCharsets.UTF_8);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            for (NDArray array : tensors.values()) {
                float[] values = array.toFloatArray();
                ByteBuffer half = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    half.putShort(Float.floatToFloat16(v));
                }
                out.write(half.array());
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
