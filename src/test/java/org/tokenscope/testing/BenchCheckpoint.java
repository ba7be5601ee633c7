package org.tokenscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a GPT-2- or family-shaped checkpoint with seeded random F32 weights, for benchmarks where
 * the Hub cannot be reached: {@code config.json}, a {@code tokenizer.json} and {@code model.safetensors},
 * streamed a few megabytes at a time so that gpt2-xl (6.2 GB) or a Llama-3.2-1B shape (4.9 GB) needs
 * no more heap than gpt2.
 *
 * <p>GPT-2 shapes get the real GPT-2 tokenizer (rebuilt from jtokkit); weights are uniform with
 * GPT-2's initial scales (std 0.02; residual projections 0.02/√(2·layers); LayerNorm gain 1, bias 0).
 * Family shapes ({@link #FAMILIES}: the published configs of SmolLM2-135M, Qwen2.5-0.5B,
 * Llama-3.2-1B and -3B, saved under transformers' names) get the byte-level {@link ByteTokenizerJson}
 * (the benchmark feeds ids, not text); their weights are uniform with std 0.02 (transformers'
 * {@code initializer_range}), RMSNorm gains 1, Qwen2's q/k/v biases std 0.02. Timings don't depend
 * on the values; the text they predict is noise.
 *
 * <pre>java -cp test-classes:classes:DEPS org.tokenscope.testing.BenchCheckpoint gpt2-large /tmp/ckpt/gpt2-large
 *java -cp test-classes:classes:DEPS org.tokenscope.testing.BenchCheckpoint llama3.2-1b /tmp/ckpt/llama3.2-1b</pre>
 */
public final class BenchCheckpoint {

    /** GPT-2's published shapes. */
    public record Shape(String name, int layers, int heads, int width) {
        static final int VOCAB = 50257;
        static final int CONTEXT = 1024;
    }

    public static final Map<String, Shape> SHAPES = Map.of(
            "gpt2", new Shape("gpt2", 12, 12, 768),
            "gpt2-medium", new Shape("gpt2-medium", 24, 16, 1024),
            "gpt2-large", new Shape("gpt2-large", 36, 20, 1280),
            "gpt2-xl", new Shape("gpt2-xl", 48, 25, 1600));

    /**
     * A Llama-style family's published shape: layers, width, heads / key-value heads, MLP width,
     * vocabulary, context, RoPE base and scaling, RMSNorm epsilon; all three tie the output head to
     * the embeddings. Qwen2 adds q/k/v biases.
     */
    public record Family(String name, String architecture, String modelType, int layers, int width, int heads,
                         int kvHeads, int inner, int vocab, int context, double ropeTheta, double eps,
                         String ropeScaling) {
        boolean qkvBias() {
            return modelType.equals("qwen2");
        }

        int headDim() {
            return width / heads;
        }
    }

    private static final String LLAMA3_ROPE = "{\"factor\": 32.0, \"high_freq_factor\": 4.0, \"low_freq_factor\": 1.0, "
            + "\"original_max_position_embeddings\": 8192, \"rope_type\": \"llama3\"}";

    public static final Map<String, Family> FAMILIES = Map.of(
            // HuggingFaceTB/SmolLM2-135M
            "smollm2-135m", new Family("smollm2-135m", "LlamaForCausalLM", "llama", 30, 576, 9, 3, 1536, 49152,
                    8192, 100_000, 1e-5, null),
            // Qwen/Qwen2.5-0.5B
            "qwen2.5-0.5b", new Family("qwen2.5-0.5b", "Qwen2ForCausalLM", "qwen2", 24, 896, 14, 2, 4864, 151936,
                    32768, 1_000_000, 1e-6, null),
            // meta-llama/Llama-3.2-1B
            "llama3.2-1b", new Family("llama3.2-1b", "LlamaForCausalLM", "llama", 16, 2048, 32, 8, 8192, 128256,
                    131072, 500_000, 1e-5, LLAMA3_ROPE),
            // meta-llama/Llama-3.2-3B
            "llama3.2-3b", new Family("llama3.2-3b", "LlamaForCausalLM", "llama", 28, 3072, 24, 8, 8192, 128256,
                    131072, 500_000, 1e-5, LLAMA3_ROPE));

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchCheckpoint() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || !(SHAPES.containsKey(args[0]) || FAMILIES.containsKey(args[0]))) {
            System.err.println("usage: BenchCheckpoint gpt2|gpt2-medium|gpt2-large|gpt2-xl|"
                    + String.join("|", new java.util.TreeSet<>(FAMILIES.keySet())) + " FOLDER [SEED]");
            System.exit(2);
        }
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 8;
        long start = System.nanoTime();
        Path dir = SHAPES.containsKey(args[0]) ? write(SHAPES.get(args[0]), Path.of(args[1]), seed)
                : write(FAMILIES.get(args[0]), Path.of(args[1]), seed);
        System.err.printf(Locale.ROOT, "wrote %s in %.1f s%n", dir, (System.nanoTime() - start) / 1e9);
    }

    /** Writes the folder and returns it. */
    public static Path write(Shape shape, Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("config.json").toFile(), config(shape));
        Files.copy(Gpt2TokenizerJson.cached(), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        writeWeights(tensors(shape), dir.resolve(CheckpointWriter.SINGLE_FILE), seed);
        return dir;
    }

    /** Writes a family-shaped folder and returns it. */
    public static Path write(Family family, Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("config.json").toFile(), config(family));
        ByteTokenizerJson.write(dir);
        writeWeights(tensors(family), dir.resolve(CheckpointWriter.SINGLE_FILE), seed);
        return dir;
    }

    /** config.json as transformers saves the family's, trimmed to what a forward pass reads. */
    static ObjectNode config(Family f) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(f.architecture());
        c.put("model_type", f.modelType());
        c.put("num_hidden_layers", f.layers());
        c.put("hidden_size", f.width());
        c.put("num_attention_heads", f.heads());
        c.put("num_key_value_heads", f.kvHeads());
        c.put("head_dim", f.headDim());
        c.put("intermediate_size", f.inner());
        c.put("vocab_size", f.vocab());
        c.put("max_position_embeddings", f.context());
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", f.eps());
        c.put("rope_theta", f.ropeTheta());
        if (f.ropeScaling() != null) {
            c.set("rope_scaling", JSON.readTree(f.ropeScaling()));
        } else {
            c.putNull("rope_scaling");
        }
        c.put("tie_word_embeddings", true);
        if (f.modelType().equals("qwen2")) {
            c.put("use_sliding_window", false);
            c.put("sliding_window", f.context());
            c.put("max_window_layers", f.layers());
        } else {
            c.put("attention_bias", false);
            c.put("mlp_bias", false);
        }
        c.put("bos_token_id", 1); // ByteTokenizerJson's <s> and </s>
        c.put("eos_token_id", 2);
        c.put("torch_dtype", "float32");
        return c;
    }

    private static LinkedHashMap<String, Init> tensors(Family f) {
        long e = f.width();
        long q = (long) f.heads() * f.headDim();
        long kv = (long) f.kvHeads() * f.headDim();
        double std = 0.02;
        LinkedHashMap<String, Init> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", new Init(new long[] {f.vocab(), e}, std, 0));
        for (int i = 0; i < f.layers(); i++) {
            String p = "model.layers." + i + ".";
            String a = p + "self_attn.";
            t.put(p + "input_layernorm.weight", new Init(new long[] {e}, 0, 1));
            t.put(a + "q_proj.weight", new Init(new long[] {q, e}, std, 0));
            t.put(a + "k_proj.weight", new Init(new long[] {kv, e}, std, 0));
            t.put(a + "v_proj.weight", new Init(new long[] {kv, e}, std, 0));
            if (f.qkvBias()) {
                t.put(a + "q_proj.bias", new Init(new long[] {q}, std, 0));
                t.put(a + "k_proj.bias", new Init(new long[] {kv}, std, 0));
                t.put(a + "v_proj.bias", new Init(new long[] {kv}, std, 0));
            }
            t.put(a + "o_proj.weight", new Init(new long[] {e, q}, std, 0));
            t.put(p + "post_attention_layernorm.weight", new Init(new long[] {e}, 0, 1));
            t.put(p + "mlp.gate_proj.weight", new Init(new long[] {f.inner(), e}, std, 0));
            t.put(p + "mlp.up_proj.weight", new Init(new long[] {f.inner(), e}, std, 0));
            t.put(p + "mlp.down_proj.weight", new Init(new long[] {e, f.inner()}, std, 0));
        }
        t.put("model.norm.weight", new Init(new long[] {e}, 0, 1));
        return t;
    }

    private static ObjectNode config(Shape s) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", "gpt2");
        c.putArray("architectures").add("GPT2LMHeadModel");
        c.put("n_layer", s.layers());
        c.put("n_head", s.heads());
        c.put("n_embd", s.width());
        c.put("n_positions", Shape.CONTEXT);
        c.put("n_ctx", Shape.CONTEXT);
        c.put("vocab_size", Shape.VOCAB);
        c.put("layer_norm_epsilon", 1e-5);
        c.put("activation_function", "gelu_new");
        c.put("bos_token_id", Gpt2TokenizerJson.END_OF_TEXT_ID);
        c.put("eos_token_id", Gpt2TokenizerJson.END_OF_TEXT_ID);
        c.put("torch_dtype", "float32");
        return c;
    }

    /** Name → (shape, std, mean); std 0 means every entry equals the mean. */
    private record Init(long[] shape, double std, double mean) {
        long count() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private static LinkedHashMap<String, Init> tensors(Shape s) {
        long e = s.width();
        long v = Shape.VOCAB;
        double std = 0.02;
        double residual = 0.02 / Math.sqrt(2.0 * s.layers());
        LinkedHashMap<String, Init> t = new LinkedHashMap<>();
        t.put("wte.weight", new Init(new long[] {v, e}, std, 0));
        t.put("wpe.weight", new Init(new long[] {Shape.CONTEXT, e}, 0.01, 0));
        for (int i = 0; i < s.layers(); i++) {
            String h = "h." + i + ".";
            t.put(h + "ln_1.weight", new Init(new long[] {e}, 0, 1));
            t.put(h + "ln_1.bias", new Init(new long[] {e}, 0, 0));
            t.put(h + "attn.c_attn.weight", new Init(new long[] {e, 3 * e}, std, 0));
            t.put(h + "attn.c_attn.bias", new Init(new long[] {3 * e}, 0, 0));
            t.put(h + "attn.c_proj.weight", new Init(new long[] {e, e}, residual, 0));
            t.put(h + "attn.c_proj.bias", new Init(new long[] {e}, 0, 0));
            t.put(h + "ln_2.weight", new Init(new long[] {e}, 0, 1));
            t.put(h + "ln_2.bias", new Init(new long[] {e}, 0, 0));
            t.put(h + "mlp.c_fc.weight", new Init(new long[] {e, 4 * e}, std, 0));
            t.put(h + "mlp.c_fc.bias", new Init(new long[] {4 * e}, 0, 0));
            t.put(h + "mlp.c_proj.weight", new Init(new long[] {4 * e, e}, residual, 0));
            t.put(h + "mlp.c_proj.bias", new Init(new long[] {e}, 0, 0));
        }
        t.put("ln_f.weight", new Init(new long[] {e}, 0, 1));
        t.put("ln_f.bias", new Init(new long[] {e}, 0, 0));
        return t;
    }

    private static void writeWeights(LinkedHashMap<String, Init> tensors, Path file, long seed) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Init> t : tensors.entrySet()) {
            ObjectNode entry = header.putObject(t.getKey());
            entry.put("dtype", "F32");
            var shape = entry.putArray("shape");
            for (long d : t.getValue().shape()) shape.add(d);
            long bytes = 4 * t.getValue().count();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        StringBuilder json = new StringBuilder(new ObjectMapper().writeValueAsString(header));
        while (json.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) json.append(' ');
        byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, ByteBuffer.wrap(CheckpointWriter.lengthPrefix(headerBytes.length)));
            writeFully(out, ByteBuffer.wrap(headerBytes));
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
            long state = seed * 0x9E3779B97F4A7C15L + 1;
            for (Init init : tensors.values()) {
                double half = init.std() * Math.sqrt(3.0); // uniform [-a, a] has std a/√3
                long left = init.count();
                while (left > 0) {
                    chunk.clear();
                    FloatBuffer floats = chunk.asFloatBuffer();
                    int n = (int) Math.min(left, floats.capacity());
                    for (int i = 0; i < n; i++) {
                        state ^= state << 13; // xorshift64
                        state ^= state >>> 7;
                        state ^= state << 17;
                        double u = (state >>> 40) * 0x1.0p-24 * 2 - 1; // [-1, 1)
                        floats.put((float) (init.mean() + half * u));
                    }
                    chunk.limit(4 * n);
                    writeFully(out, chunk);
                    left -= n;
                }
            }
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }
}
