package org.tokenscope.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * GPT-2's byte-level BPE tokenizer, run by DJL's Hugging Face tokenizer from the model's
 * {@code tokenizer.json}, with truncation off (DJL would otherwise cut at 512 tokens).
 * Character spans are computed from each token's bytes, so they are exact even for characters
 * split across tokens.
 */
public final class Gpt2Tokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final byte[][] bytesById;
    private final int endOfTextId;

    private Gpt2Tokenizer(HuggingFaceTokenizer tokenizer, byte[][] bytesById, int endOfTextId) {
        this.tokenizer = tokenizer;
        this.bytesById = bytesById;
        this.endOfTextId = endOfTextId;
    }

    /** Loads {@code tokenizer.json} from a model folder. */
    public static Gpt2Tokenizer load(Path folder) throws ModelFormatException {
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(folder + " has no tokenizer.json.");
        }
        return loadFile(file);
    }

    /** Loads a {@code tokenizer.json} file by its own path (its name may be anything). */
    public static Gpt2Tokenizer loadFile(Path file) throws ModelFormatException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("No tokenizer file at " + file + ".");
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + " is not readable JSON: " + e.getMessage(), e);
        }
        JsonNode vocab = json.path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new ModelFormatException(file + " has no BPE vocabulary (model.vocab).");
        }
        int size = 0;
        for (JsonNode id : vocab) {
            size = Math.max(size, id.asInt() + 1);
        }
        for (JsonNode added : json.path("added_tokens")) {
            size = Math.max(size, added.path("id").asInt() + 1);
        }
        byte[][] bytes = new byte[size][];
        int[] unicodeToByte = unicodeToByte();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            bytes[e.getValue().asInt()] = byteLevelDecode(e.getKey(), unicodeToByte, file);
        }
        int eot = -1;
        for (JsonNode added : json.path("added_tokens")) {
            String content = added.path("content").asText();
            bytes[added.path("id").asInt()] = content.getBytes(StandardCharsets.UTF_8);
            if (content.equals("<|endoftext|>")) {
                eot = added.path("id").asInt();
            }
        }
        for (int i = 0; i < size; i++) {
            if (bytes[i] == null) {
                bytes[i] = new byte[0];
            }
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
            return new Gpt2Tokenizer(tokenizer, bytes, eot);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file + " could not be read as a tokenizer: " + e.getMessage(), e);
        }
    }

    public int vocabSize() {
        return bytesById.length;
    }

    /** The id of {@code <|endoftext|>}, or -1. */
    public int endOfTextId() {
        return endOfTextId;
    }

    /** The UTF-8 bytes token {@code id} stands for. */
    public byte[] tokenBytes(int id) {
        return id >= 0 && id < bytesById.length ? bytesById[id].clone() : new byte[0];
    }

    /** A token's text on its own: its characters, or its bytes as {@code \xNN} where they are not whole. */
    public String pieceText(int id) {
        return Utf8.readable(id >= 0 && id < bytesById.length ? bytesById[id] : new byte[0]);
    }

    /** Tokenizes the whole text (no truncation, no special tokens added). */
    public TokenizedText encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] raw = encoding.getIds();
        int n = raw.length;
        int[] ids = new int[n];
        byte[][] pieces = new byte[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = (int) raw[i];
            pieces[i] = tokenBytes(ids[i]);
        }
        int[] starts = new int[n];
        int[] ends = new int[n];
        boolean[] partial = new boolean[n];
        Utf8.spans(text, pieces, starts, ends, partial);
        return new TokenizedText(text, ids, starts, ends, partial, pieces);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** GPT-2's bytes_to_unicode, inverted: code point → byte (or -1). */
    private static int[] unicodeToByte() {
        int[] table = new int[512];
        java.util.Arrays.fill(table, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[printable ? b : 256 + extra++] = b;
        }
        return table;
    }

    private static byte[] byteLevelDecode(String token, int[] unicodeToByte, Path file) throws ModelFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < unicodeToByte.length ? unicodeToByte[c] : -1;
            if (b < 0) {
                throw new ModelFormatException(file + " is not a byte-level BPE tokenizer (token '" + token
                        + "' has a character outside GPT-2's byte alphabet).");
            }
            out.write(b);
        }
        return out.toByteArray();
    }
}
