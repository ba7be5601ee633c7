package org.tokenscope.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * A GPT-2 {@code tokenizer.json} (what transformers' {@code GPT2Converter} makes) built from the
 * "slow" tokenizer files {@code vocab.json} and {@code merges.txt}: a byte-level BPE model with no
 * normalizer, the ByteLevel pre-tokenizer ({@code add_prefix_space=false}, GPT-2's regex), ByteLevel
 * decoder and post-processor, and {@code <|endoftext|>} as a special added token.
 */
final class Gpt2TokenizerJson {

    static final String END_OF_TEXT = "<|endoftext|>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Gpt2TokenizerJson() {
    }

    /** Writes the tokenizer to {@code target} atomically (a temporary file, then a rename). */
    static void write(Path vocabJson, Path mergesTxt, Path target) throws IOException {
        ObjectNode tokenizer = build(readVocab(vocabJson), readMerges(mergesTxt));
        Path temporary = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), tokenizer);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static ObjectNode build(ObjectNode vocab, ArrayNode merges) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");

        int endOfTextId;
        if (vocab.has(END_OF_TEXT)) {
            endOfTextId = vocab.get(END_OF_TEXT).asInt();
        } else {
            endOfTextId = maxId(vocab) + 1;
            vocab.put(END_OF_TEXT, endOfTextId);
        }
        ObjectNode endOfText = root.putArray("added_tokens").addObject();
        endOfText.put("id", endOfTextId);
        endOfText.put("content", END_OF_TEXT);
        endOfText.put("single_word", false);
        endOfText.put("lstrip", false);
        endOfText.put("rstrip", false);
        endOfText.put("normalized", true);
        endOfText.put("special", true);

        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(true, false));
        root.set("decoder", byteLevel(true, true));

        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        model.set("merges", merges);
        return root;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
        return node;
    }

    private static ObjectNode readVocab(Path vocabJson) throws IOException {
        JsonNode vocab;
        try {
            vocab = JSON.readTree(vocabJson.toFile());
        } catch (IOException e) {
            throw new HubException(vocabJson + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(vocab instanceof ObjectNode object) || object.isEmpty()) {
            throw new HubException(vocabJson + " is not a GPT-2 vocabulary (a JSON object of token → id).");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().canConvertToInt() || entry.getValue().asInt() < 0) {
                throw new HubException(vocabJson + " gives token " + entry.getKey() + " an id that is not a number.");
            }
        }
        return object;
    }

    /** One "left right" pair a line, after an optional "#version" header, as tokenizers reads them. */
    private static ArrayNode readMerges(Path mergesTxt) throws IOException {
        ArrayNode merges = JSON.createArrayNode();
        try (BufferedReader reader = Files.newBufferedReader(mergesTxt, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if ((number == 1 && line.startsWith("#version")) || line.isEmpty()) {
                    continue;
                }
                if (line.split(" ", -1).length != 2) {
                    throw new HubException(mergesTxt + " line " + number + " is not a pair of tokens.");
                }
                merges.add(line);
            }
        }
        return merges;
    }

    private static int maxId(ObjectNode vocab) {
        int max = -1;
        for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
            max = Math.max(max, it.next().asInt());
        }
        return max;
    }
}
