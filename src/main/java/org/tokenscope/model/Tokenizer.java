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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's {@code tokenizer.json}, run by DJL's Hugging Face tokenizer with truncation off (DJL
 * would otherwise cut at 512 tokens). Every token id is mapped to the UTF-8 bytes it stands for —
 * byte-level BPE (GPT-2, Llama 3, Qwen) through GPT-2's byte alphabet, SentencePiece-style BPE
 * (Gemma, Mistral, Llama 2) through {@code ▁} = space and byte-fallback pieces {@code <0xNN>} — so
 * character spans are exact even for characters split across tokens, whatever the family.
 *
 * <p>The begin-of-sequence token is the one the tokenizer's own post-processor puts before a text
 * (Llama 3.1's {@code <|begin_of_text|>}, Gemma's {@code <bos>}), found by asking it, never assumed
 * from the architecture.
 */
public final class Tokenizer implements AutoCloseable {

    /** How a vocabulary's pieces spell bytes. */
    public enum Kind { BYTE_LEVEL, SENTENCE_PIECE }

    private static final String META_SPACE = "\u2581";

    private final HuggingFaceTokenizer tokenizer;
    private final byte[][] bytesById;
    private final int endOfTextId;
    private final int bosId;
    private final Kind kind;
    private final Set<Integer> specialIds;
    private final ChatFiles chat;
    private final int pieceCount;

    private Tokenizer(HuggingFaceTokenizer tokenizer, byte[][] bytesById, int endOfTextId, int bosId, Kind kind,
                      Set<Integer> specialIds, ChatFiles chat, int pieceCount) {
        this.tokenizer = tokenizer;
        this.bytesById = bytesById;
        this.endOfTextId = endOfTextId;
        this.bosId = bosId;
        this.kind = kind;
        this.specialIds = Set.copyOf(specialIds);
        this.chat = chat;
        this.pieceCount = pieceCount;
    }

    /**
     * What {@code tokenizer_config.json} says beside the vocabulary: the chat template and the
     * special tokens' texts, or empty strings when the file or the field is absent.
     */
    public record ChatFiles(String chatTemplate, String bosToken, String eosToken) {
        static final ChatFiles NONE = new ChatFiles("", "", "");
    }

    /** Loads {@code tokenizer.json} (and {@code tokenizer_config.json}, if present) from a model folder. */
    public static Tokenizer load(Path folder) throws ModelFormatException {
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(folder + " has no tokenizer.json.");
        }
        return loadFile(file);
    }

    /** Loads a {@code tokenizer.json} file by its own path (its name may be anything). */
    public static Tokenizer loadFile(Path file) throws ModelFormatException {
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
        Kind kind = kindOf(json);
        int size = 0;
        for (JsonNode id : vocab) {
            size = Math.max(size, id.asInt() + 1);
        }
        int pieces = size;
        for (JsonNode added : json.path("added_tokens")) {
            size = Math.max(size, added.path("id").asInt() + 1);
        }
        byte[][] bytes = new byte[size][];
        int[] unicodeToByte = unicodeToByte();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            bytes[e.getValue().asInt()] = kind == Kind.BYTE_LEVEL
                    ? byteLevelDecode(e.getKey(), unicodeToByte, file) : sentencePieceDecode(e.getKey());
        }
        int eot = -1;
        Set<Integer> special = new LinkedHashSet<>();
        for (JsonNode added : json.path("added_tokens")) {
            String content = added.path("content").asText();
            int id = added.path("id").asInt();
            boolean isSpecial = added.path("special").asBoolean(false);
            // Gemma's added whitespace runs ("▁▁") are spelled like pieces; special tokens stand for themselves
            bytes[id] = kind == Kind.SENTENCE_PIECE && !isSpecial
                    ? sentencePieceDecode(content) : content.getBytes(StandardCharsets.UTF_8);
            if (isSpecial) {
                special.add(id);
            }
            if (content.equals("<|endoftext|>")) {
                eot = id;
            }
        }
        for (int i = 0; i < size; i++) {
            if (bytes[i] == null) {
                bytes[i] = new byte[0];
            }
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file + " could not be read as a tokenizer: " + e.getMessage(), e);
        }
        int bos = autoBos(tokenizer);
        ChatFiles chat = chatFiles(file.resolveSibling("tokenizer_config.json"));
        return new Tokenizer(tokenizer, bytes, eot, bos, kind, special, chat, pieces);
    }

    /** The token the tokenizer's post-processor puts before a text by itself, or -1 (asked, not assumed). */
    private static int autoBos(HuggingFaceTokenizer tokenizer) {
        long[] plain = tokenizer.encode("a", false, false).getIds();
        long[] withSpecial = tokenizer.encode("a", true, false).getIds();
        if (withSpecial.length > plain.length && withSpecial.length > 0
                && (plain.length == 0 || withSpecial[0] != plain[0])) {
            return (int) withSpecial[0];
        }
        return -1;
    }

    private static ChatFiles chatFiles(Path file) throws ModelFormatException {
        if (!Files.isRegularFile(file)) {
            return ChatFiles.NONE;
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + " is not readable JSON: " + e.getMessage(), e);
        }
        JsonNode template = json.path("chat_template");
        String text = template.isTextual() ? template.asText() : "";
        if (template.isArray()) { // [{"name": "default", "template": ...}, ...]
            for (JsonNode named : template) {
                if (named.path("name").asText().equals("default")) {
                    text = named.path("template").asText();
                }
            }
        }
        return new ChatFiles(text, tokenText(json.path("bos_token")), tokenText(json.path("eos_token")));
    }

    private static String tokenText(JsonNode node) { // "…" or {"content": "…", ...}
        return node.isTextual() ? node.asText() : node.path("content").asText("");
    }

    /** Byte-level when the decoder (or a part of it) is ByteLevel; SentencePiece-style otherwise. */
    private static Kind kindOf(JsonNode json) {
        JsonNode decoder = json.path("decoder");
        List<JsonNode> parts = new ArrayList<>();
        parts.add(decoder);
        decoder.path("decoders").forEach(parts::add);
        for (JsonNode part : parts) {
            if (part.path("type").asText().equals("ByteLevel")) {
                return Kind.BYTE_LEVEL;
            }
        }
        boolean fallback = json.path("model").path("byte_fallback").asBoolean(false);
        for (JsonNode part : parts) {
            String type = part.path("type").asText();
            if (type.equals("ByteFallback") || type.equals("Metaspace") || type.equals("Replace")) {
                return Kind.SENTENCE_PIECE;
            }
        }
        return fallback ? Kind.SENTENCE_PIECE : Kind.BYTE_LEVEL;
    }

    public Kind kind() {
        return kind;
    }

    public int vocabSize() {
        return bytesById.length;
    }

    /**
     * Ids the vocabulary's own pieces take (model.vocab), without tokens added after it: a model
     * must have a row for each of these; an added token past its rows (Gemma 3's image token) can
     * only not be run.
     */
    public int pieceCount() {
        return pieceCount;
    }

    /** The id of {@code <|endoftext|>}, or -1. */
    public int endOfTextId() {
        return endOfTextId;
    }

    /** The begin-of-sequence token this tokenizer puts before a text by itself, or -1 if it puts none. */
    public int bosId() {
        return bosId;
    }

    /** Whether {@code id} is one of the tokenizer's special tokens ({@code <bos>}, {@code <|im_end|>}, ...). */
    public boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    /** The id of a token written exactly as {@code text} (a special token's content, a piece), or -1. */
    public int idOf(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        long[] ids = tokenizer.encode(text, false, false).getIds();
        return ids.length == 1 ? (int) ids[0] : -1;
    }

    public ChatFiles chatFiles() {
        return chat;
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
        dropDummyPrefix(text, pieces);
        int[] starts = new int[n];
        int[] ends = new int[n];
        boolean[] partial = new boolean[n];
        Utf8.spans(text, pieces, starts, ends, partial);
        return new TokenizedText(text, ids, starts, ends, partial, pieces);
    }

    /**
     * The ids a model is fed for {@code text} as the tokenizer encodes it with its special tokens
     * (the BOS it adds by itself included): what {@code generate} and {@code inspect} run.
     */
    public int[] encodeWithSpecialTokens(String text) {
        return Arrays.stream(tokenizer.encode(text, true, false).getIds()).mapToInt(l -> (int) l).toArray();
    }

    /**
     * SentencePiece tokenizers that prepend {@code ▁} to a text (Llama 2, Mistral) make the first
     * piece one space longer than the text: that space is the tokenizer's, not the text's.
     */
    private void dropDummyPrefix(String text, byte[][] pieces) {
        if (kind != Kind.SENTENCE_PIECE || pieces.length == 0) {
            return;
        }
        int first = 0;
        while (first < pieces.length && pieces[first].length == 0) {
            first++;
        }
        if (first == pieces.length || pieces[first][0] != ' ') {
            return;
        }
        int total = 0;
        for (byte[] p : pieces) {
            total += p.length;
        }
        if (total == text.getBytes(StandardCharsets.UTF_8).length + 1) {
            pieces[first] = Arrays.copyOfRange(pieces[first], 1, pieces[first].length);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** GPT-2's bytes_to_unicode, inverted: code point → byte (or -1). */
    private static int[] unicodeToByte() {
        int[] table = new int[512];
        Arrays.fill(table, -1);
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

    /** {@code ▁} is a space, {@code <0xNN>} one byte, anything else its own UTF-8. */
    private static byte[] sentencePieceDecode(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                // an ordinary piece that looks like one
            }
        }
        return piece.replace(META_SPACE, " ").getBytes(StandardCharsets.UTF_8);
    }
}
