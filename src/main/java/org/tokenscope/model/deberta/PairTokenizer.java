package org.tokenscope.model.deberta;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tokenscope.model.ModelFormatException;

/**
 * A classifier's {@code tokenizer.json} (DeBERTa-v3's SentencePiece Unigram, or any other the
 * Hugging Face tokenizers library reads), run by DJL, encoding a pair as its post-processor says —
 * for DeBERTa {@code [CLS] A [SEP] B [SEP]} with token types 0 then 1. Truncation is off unless the
 * pair is longer than the model takes ({@link #maxLength()}); then the longer text is cut first, as
 * transformers' {@code truncation=True} ("longest_first") does, and {@link PairIds#truncated()} says so.
 */
public final class PairTokenizer implements AutoCloseable {

    /** The ids of one encoded pair. */
    public record PairIds(int[] ids, int[] typeIds, String[] tokens, boolean truncated) {
    }

    private final HuggingFaceTokenizer whole;
    private final HuggingFaceTokenizer cut;
    private final int maxLength;

    private PairTokenizer(HuggingFaceTokenizer whole, HuggingFaceTokenizer cut, int maxLength) {
        this.whole = whole;
        this.cut = cut;
        this.maxLength = maxLength;
    }

    /**
     * Loads {@code folder/tokenizer.json}; the longest input is {@code tokenizer_config.json}'s
     * {@code model_max_length} when that is at most {@code maxPositions}, else {@code maxPositions}.
     */
    public static PairTokenizer load(Path folder, int maxPositions) throws ModelFormatException {
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(folder + " has no tokenizer.json (a classifier with only spm.model must be"
                    + " saved once with a fast tokenizer: AutoTokenizer.from_pretrained(folder).save_pretrained(folder)).");
        }
        int maxLength = maxPositions;
        Path config = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            try {
                JsonNode limit = new ObjectMapper().readTree(config.toFile()).path("model_max_length");
                if (limit.isNumber() && limit.asLong() > 0 && limit.asLong() < maxPositions) {
                    maxLength = (int) limit.asLong();
                }
            } catch (IOException e) {
                throw new ModelFormatException(config + " is not readable JSON: " + e.getMessage(), e);
            }
        }
        HuggingFaceTokenizer whole = null;
        try {
            whole = HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false"));
            HuggingFaceTokenizer cut = HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "longest_first",
                    "padding", "false", "maxLength", Integer.toString(maxLength)));
            return new PairTokenizer(whole, cut, maxLength);
        } catch (IOException | RuntimeException e) {
            if (whole != null) {
                whole.close();
            }
            throw new ModelFormatException(file + " could not be read as a tokenizer: " + e.getMessage(), e);
        }
    }

    /** The most tokens a pair may have, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** Encodes {@code premise} and {@code hypothesis} as one input, special tokens added. */
    public PairIds encode(String premise, String hypothesis) {
        Encoding encoding = whole.encode(premise, hypothesis, true, false);
        boolean truncated = encoding.getIds().length > maxLength;
        if (truncated) {
            encoding = cut.encode(premise, hypothesis, true, false);
        }
        return new PairIds(ints(encoding.getIds()), ints(encoding.getTypeIds()), encoding.getTokens(), truncated);
    }

    private static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    @Override
    public void close() {
        whole.close();
        cut.close();
    }
}
