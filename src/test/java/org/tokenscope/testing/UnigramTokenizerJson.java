package org.tokenscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny SentencePiece-style Unigram {@code tokenizer.json} laid out as DeBERTa-v3's: Metaspace
 * pre-tokenizer ("▁" before each word), specials {@code [PAD]=0 [CLS]=1 [SEP]=2 [UNK]=3}, and a
 * TemplateProcessing post-processor that encodes a pair as {@code [CLS] A [SEP] B [SEP]} with type
 * ids 0 for the first three parts and 1 for the rest. Whole words score -1 and single characters
 * -6, so a known word is one token and anything else is spelled out.
 */
public final class UnigramTokenizerJson {

    public static final int PAD = 0;
    public static final int CLS = 1;
    public static final int SEP = 2;
    public static final int UNK = 3;

    /** The words that are one token each, in id order after the specials and "▁". */
    public static final List<String> WORDS = List.of("a", "man", "walks", "into", "bar", "and", "buys", "drink",
            "bloke", "swigs", "alcohol", "at", "pub", "person", "on", "horse", "is", "outdoors", "the", "dog", "was",
            "fan", "of");

    private static final String CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'-";

    private UnigramTokenizerJson() {
    }

    /** Pieces in id order: the four specials, "▁", "▁word" for each word, then single characters. */
    public static List<String> pieces() {
        List<String> pieces = new ArrayList<>(List.of("[PAD]", "[CLS]", "[SEP]", "[UNK]", "▁"));
        WORDS.forEach(w -> pieces.add("▁" + w));
        CHARS.chars().forEach(c -> pieces.add(String.valueOf((char) c)));
        return pieces;
    }

    public static int size() {
        return pieces().size();
    }

    /** The id of "▁word". */
    public static int wordId(String word) {
        return pieces().indexOf("▁" + word);
    }

    public static Path write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"[PAD]", "[CLS]", "[SEP]", "[UNK]"};
        for (int i = 0; i < specials.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Metaspace").put("replacement", "▁").put("prepend_scheme", "always").put("split", true);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]", 0);
        sequence(single, "A", 0);
        special(single, "[SEP]", 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]", 0);
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specialTokens = post.putObject("special_tokens");
        for (Map.Entry<String, Integer> e : Map.of("[CLS]", CLS, "[SEP]", SEP).entrySet()) {
            ObjectNode s = specialTokens.putObject(e.getKey());
            s.put("id", e.getKey());
            s.putArray("ids").add(e.getValue());
            s.putArray("tokens").add(e.getKey());
        }
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Metaspace").put("replacement", "▁").put("prepend_scheme", "always").put("split", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram");
        model.put("unk_id", UNK);
        ArrayNode vocab = model.putArray("vocab");
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String piece : pieces()) {
            double score = piece.startsWith("[") ? 0.0 : piece.equals("▁") ? -4.0 : piece.startsWith("▁") ? -1.0 : -6.0;
            scores.put(piece, score);
        }
        scores.forEach((piece, score) -> vocab.addArray().add(piece).add(score));
        model.put("byte_fallback", false);
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        return file;
    }

    private static void special(ArrayNode template, String id, int type) {
        template.addObject().putObject("SpecialToken").put("id", id).put("type_id", type);
    }

    private static void sequence(ArrayNode template, String id, int type) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", type);
    }
}
