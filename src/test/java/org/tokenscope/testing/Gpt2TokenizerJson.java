package org.tokenscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's {@code tokenizer.json} (Hugging Face tokenizers format, as in the {@code gpt2} repo on
 * the Hub), rebuilt from jtokkit's {@code r50k_base.tiktoken}, so tests need no network.
 *
 * <p>Vocab: each token's bytes through GPT-2's byte-to-unicode table, id = tiktoken rank, plus
 * {@code <|endoftext|>} = 50256 as an added special token. Merges: for each multi-byte token in
 * rank order, BPE over its bytes using only lower ranks must end in exactly two parts, "left
 * right"; that pair is its merge. Encodes exactly as tiktoken's r50k_base (see the test).
 *
 * <p>Offsets, as DJL 0.35.1 returns them ({@code Encoding.getCharTokenSpans()}): indices in
 * Unicode code points, not UTF-16 units, not bytes. In "a😀b" the spans are a 0..1, the emoji's
 * two byte-tokens both 1..2, b 2..3 (b is at UTF-16 index 3). Tokens with leading spaces include
 * the space ("Hello world": 0..5, 5..11). To open a DJL tokenizer on this file without its
 * default truncation at 512 tokens, pass options truncation=false (DO_NOT_TRUNCATE),
 * padding=false, addSpecialTokens=false.
 */
public final class Gpt2TokenizerJson {

    public static final String RESOURCE = "com/knuddels/jtokkit/r50k_base.tiktoken";
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final int END_OF_TEXT_ID = 50256;
    public static final int VOCAB_SIZE = 50257;

    private Gpt2TokenizerJson() {}

    /** Writes the tokenizer to {@code file} and returns it. */
    public static Path write(Path file) throws IOException {
        ObjectNode json = build();
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().writeValue(file.toFile(), json);
        return file;
    }

    /** A tokenizer.json built once per JVM in a temporary folder. */
    public static Path cached() {
        return Cache.FILE;
    }

    private static final class Cache {
        static final Path FILE = create();

        private static Path create() {
            try {
                Path dir = Files.createTempDirectory("tokenscope-gpt2-tokenizer");
                Path file = write(dir.resolve("tokenizer.json"));
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static ObjectNode build() throws IOException {
        List<byte[]> tokens = readRanks(); // tokens.get(rank) = the token's bytes
        char[] unicode = bytesToUnicode();

        ObjectMapper mapper = new ObjectMapper();
        ObjectNode vocab = mapper.createObjectNode();
        for (int rank = 0; rank < tokens.size(); rank++) {
            vocab.put(toUnicode(tokens.get(rank), unicode), rank);
        }
        vocab.put(END_OF_TEXT, END_OF_TEXT_ID);
        ArrayNode merges = mapper.createArrayNode();
        for (String merge : merges(tokens, unicode)) {
            merges.add(merge);
        }

        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode eot = root.putArray("added_tokens").addObject();
        eot.put("id", END_OF_TEXT_ID);
        eot.put("content", END_OF_TEXT);
        eot.put("single_word", false);
        eot.put("lstrip", false);
        eot.put("rstrip", false);
        eot.put("normalized", true);
        eot.put("special", true);
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", true);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "ByteLevel");
        post.put("add_prefix_space", true);
        post.put("trim_offsets", false);
        post.put("use_regex", true);
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "ByteLevel");
        decoder.put("add_prefix_space", true);
        decoder.put("trim_offsets", true);
        decoder.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.set("vocab", vocab);
        model.set("merges", merges);
        return root;
    }

    /** Lines "base64token rank", ranks 0..n-1 in order. */
    private static List<byte[]> readRanks() throws IOException {
        List<byte[]> tokens = new ArrayList<>(END_OF_TEXT_ID);
        ClassLoader loader = com.knuddels.jtokkit.Encodings.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("not on the class path: " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ");
                int rank = Integer.parseInt(parts[1]);
                if (rank != tokens.size()) {
                    throw new IOException("ranks out of order at " + line);
                }
                tokens.add(Base64.getDecoder().decode(parts[0]));
            }
        }
        if (tokens.size() != END_OF_TEXT_ID) {
            throw new IOException("expected " + END_OF_TEXT_ID + " ranks, read " + tokens.size());
        }
        return tokens;
    }

    /** One merge "left right" per multi-byte token, in rank order. */
    private static List<String> merges(List<byte[]> tokens, char[] unicode) {
        // Byte strings as Latin-1 Java strings: one char per byte, so they hash and concatenate.
        Map<String, Integer> rankOf = new HashMap<>(tokens.size() * 2);
        for (int rank = 0; rank < tokens.size(); rank++) {
            rankOf.put(new String(tokens.get(rank), StandardCharsets.ISO_8859_1), rank);
        }
        List<String> merges = new ArrayList<>(tokens.size() - 256);
        for (int rank = 0; rank < tokens.size(); rank++) {
            byte[] token = tokens.get(rank);
            if (token.length == 1) {
                continue;
            }
            List<String> parts = bpe(new String(token, StandardCharsets.ISO_8859_1), rank, rankOf);
            if (parts.size() != 2) {
                throw new IllegalStateException("token " + rank + " splits into " + parts.size() + " parts");
            }
            merges.add(toUnicode(parts.get(0), unicode) + " " + toUnicode(parts.get(1), unicode));
        }
        return merges;
    }

    /** Byte-pair merging as tiktoken does it, using only ranks below {@code maxRank}. */
    private static List<String> bpe(String token, int maxRank, Map<String, Integer> rankOf) {
        List<String> parts = new ArrayList<>(token.length());
        for (int i = 0; i < token.length(); i++) {
            parts.add(token.substring(i, i + 1));
        }
        while (true) {
            int best = -1;
            int bestRank = maxRank;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer r = rankOf.get(parts.get(i) + parts.get(i + 1));
                if (r != null && r < bestRank) {
                    best = i;
                    bestRank = r;
                }
            }
            if (best < 0) {
                return parts;
            }
            parts.set(best, parts.get(best) + parts.get(best + 1));
            parts.remove(best + 1);
        }
    }

    /**
     * GPT-2's byte-to-unicode table: printable Latin-1 bytes map to themselves, the other 68
     * bytes to U+0100 onward in byte order (so a space is 'Ġ', a newline 'Ċ').
     */
    static char[] bytesToUnicode() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = (char) (printable ? b : next++);
        }
        return table;
    }

    private static String toUnicode(byte[] bytes, char[] unicode) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(unicode[b & 0xFF]);
        }
        return sb.toString();
    }

    private static String toUnicode(String latin1, char[] unicode) {
        return toUnicode(latin1.getBytes(StandardCharsets.ISO_8859_1), unicode);
    }
}
