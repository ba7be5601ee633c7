package org.tokenscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link TinyGpt2} as a Hugging Face model folder: config.json, tokenizer.json and
 * safetensors weights, by a small writer of our own.
 *
 * <p>Safetensors layout: 8-byte little-endian header length N, N bytes of JSON header
 * {@code {"__metadata__": {"format": "pt"}, name: {"dtype", "shape", "data_offsets": [begin, end]}}}
 * padded with spaces to a multiple of 8, then the data; offsets are relative to the data start,
 * contiguous, in header order.
 */
public final class CheckpointWriter {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointWriter() {}

    public static Path write(TinyGpt2 model, Path dir) throws IOException {
        return write(model, dir, CheckpointOptions.DEFAULT);
    }

    /** Writes the folder {@code dir} (created if missing) and returns it. */
    public static Path write(TinyGpt2 model, Path dir, CheckpointOptions options) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("config.json").toFile(), config(model, options));
        if (options.withTokenizer() && model.vocab() == Gpt2TokenizerJson.VOCAB_SIZE) {
            Files.copy(Gpt2TokenizerJson.cached(), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        LinkedHashMap<String, RawTensor> tensors = tensors(model, options);
        if (options.shards() == 1) {
            writeSafetensors(dir.resolve(SINGLE_FILE), tensors);
        } else {
            writeShards(dir, tensors, options.shards());
        }
        return dir;
    }

    /** The config.json transformers writes for GPT2LMHeadModel, trimmed to what matters. */
    public static ObjectNode config(TinyGpt2 model, CheckpointOptions options) {
        ObjectNode config = JSON.createObjectNode();
        config.put("model_type", "gpt2");
        config.putArray("architectures").add("GPT2LMHeadModel");
        config.put("n_layer", model.layers());
        config.put("n_head", model.heads());
        config.put("n_embd", model.embd());
        config.put("n_positions", model.positions());
        config.put("n_ctx", model.positions());
        config.put("vocab_size", model.vocab());
        config.put("layer_norm_epsilon", TinyGpt2.LAYER_NORM_EPS);
        config.put("activation_function", "gelu_new");
        // GPT-2's <|endoftext|>; a tiny vocab gets its last id instead, so the id stays in range
        int endOfText = Math.min(Gpt2TokenizerJson.END_OF_TEXT_ID, model.vocab() - 1);
        config.put("bos_token_id", endOfText);
        config.put("eos_token_id", endOfText);
        config.put("torch_dtype", switch (options.dtype()) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        });
        return config;
    }

    /** Every tensor the options ask for, named and ordered as in the file(s). */
    public static LinkedHashMap<String, RawTensor> tensors(TinyGpt2 model, CheckpointOptions options) {
        DType dtype = options.dtype();
        String prefix = options.prefixed() ? "transformer." : "";
        LinkedHashMap<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : model.tensors().entrySet()) {
            String name = e.getKey();
            if (options.withMaskBuffers() && name.endsWith(".attn.c_attn.weight")) {
                String block = name.substring(0, name.length() - "c_attn.weight".length()); // "h.{i}.attn."
                int p = model.positions();
                out.put(prefix + block + "bias", RawTensor.of(dtype, new long[] {1, 1, p, p}, causalMask(p)));
                out.put(prefix + block + "masked_bias", RawTensor.of(dtype, new long[] {}, new float[] {-1e4f}));
            }
            out.put(prefix + name, RawTensor.of(dtype, model.shape(name), e.getValue()));
        }
        if (options.withLmHead()) {
            out.put("lm_head.weight", RawTensor.of(dtype, model.shape("wte.weight"), model.tensors().get("wte.weight")));
        }
        return out;
    }

    // [p, p]: 1 on and below the diagonal
    private static float[] causalMask(int p) {
        float[] mask = new float[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                mask[i * p + j] = 1;
            }
        }
        return mask;
    }

    /** Splits tensors, in order, into {@code shards} non-empty files of about equal size. */
    public static void writeShards(Path dir, LinkedHashMap<String, RawTensor> tensors, int shards) throws IOException {
        if (shards > tensors.size()) {
            throw new IllegalArgumentException(shards + " shards for " + tensors.size() + " tensors");
        }
        long total = 0;
        for (RawTensor t : tensors.values()) {
            total += t.data().length;
        }
        List<LinkedHashMap<String, RawTensor>> groups = new ArrayList<>();
        groups.add(new LinkedHashMap<>());
        long written = 0;
        int left = tensors.size();
        for (Map.Entry<String, RawTensor> e : tensors.entrySet()) {
            LinkedHashMap<String, RawTensor> current = groups.getLast();
            int shardsAfter = shards - groups.size();
            boolean full = written >= total * groups.size() / shards;
            if (!current.isEmpty() && shardsAfter > 0 && (full || left == shardsAfter)) {
                groups.add(new LinkedHashMap<>());
            }
            groups.getLast().put(e.getKey(), e.getValue());
            written += e.getValue().data().length;
            left--;
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int k = 0; k < groups.size(); k++) {
            String file = "model-%05d-of-%05d.safetensors".formatted(k + 1, shards);
            writeSafetensors(dir.resolve(file), groups.get(k));
            for (String name : groups.get(k).keySet()) {
                weightMap.put(name, file);
            }
        }
        JSON.writeValue(dir.resolve(INDEX_FILE).toFile(), index);
    }

    /** A well-formed safetensors file: offsets contiguous in map order, header padded to 8 bytes. */
    public static void writeSafetensors(Path file, LinkedHashMap<String, RawTensor> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, RawTensor> e : tensors.entrySet()) {
            RawTensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype());
            var shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
        }
        StringBuilder json = new StringBuilder(new ObjectMapper().writeValueAsString(header));
        while (json.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            json.append(' ');
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
            out.write(lengthPrefix(headerBytes.length));
            out.write(headerBytes);
            for (RawTensor t : tensors.values()) {
                out.write(t.data());
            }
        }
    }

    /**
     * Writes exactly: the header's UTF-8 length as 8 little-endian bytes, the header, the data.
     * No checks and no padding, for crafting files whose header lies.
     */
    public static void writeRaw(Path file, String headerJson, byte[] data) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(lengthPrefix(header.length));
            out.write(header);
            out.write(data);
        }
    }

    /** 8 little-endian bytes of {@code n}, the first thing in a safetensors file. */
    public static byte[] lengthPrefix(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }
}
