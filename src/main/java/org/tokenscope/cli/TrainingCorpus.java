package org.tokenscope.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A corpus as token ids, split 95/5 into training and held-out tokens: the stream is cut into 20
 * or more equal blocks (at most {@value #MAX_BLOCK} tokens each) and every 20th block is held out,
 * so the held-out text is spread over the whole corpus rather than being its last pages.
 *
 * @param train the training tokens, blocks joined in order
 * @param heldOut the held-out tokens, blocks joined in order
 * @param documents how many documents the corpus had
 */
record TrainingCorpus(int[] train, int[] heldOut, int documents) {

    static final String SEPARATOR = "<|endoftext|>";
    static final int HELD_OUT_EVERY = 20;
    static final int MAX_BLOCK = 4096;

    /**
     * Tokenizes {@code text}: documents are separated by {@value #SEPARATOR} (as prepare-corpus.sh
     * writes them) and each one starts after the end-of-text token, as a scored text does.
     */
    static TrainingCorpus of(String text, Function<String, int[]> encode, int endOfText) {
        List<int[]> pieces = new ArrayList<>();
        int documents = 0;
        int total = 0;
        for (String document : text.split(Pattern.quote(SEPARATOR))) {
            String trimmed = document.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int[] ids = encode.apply(trimmed);
            int[] piece = new int[ids.length + 1];
            piece[0] = endOfText;
            System.arraycopy(ids, 0, piece, 1, ids.length);
            pieces.add(piece);
            total += piece.length;
            documents++;
        }
        int[] all = new int[total];
        int at = 0;
        for (int[] piece : pieces) {
            System.arraycopy(piece, 0, all, at, piece.length);
            at += piece.length;
        }
        return split(all, documents);
    }

    static TrainingCorpus split(int[] tokens, int documents) {
        int block = Math.max(1, Math.min(MAX_BLOCK, tokens.length / HELD_OUT_EVERY));
        int[] train = new int[tokens.length];
        int[] heldOut = new int[tokens.length];
        int trainLength = 0;
        int heldOutLength = 0;
        for (int from = 0, index = 0; from < tokens.length; from += block, index++) {
            int length = Math.min(block, tokens.length - from);
            if (index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1) {
                System.arraycopy(tokens, from, heldOut, heldOutLength, length);
                heldOutLength += length;
            } else {
                System.arraycopy(tokens, from, train, trainLength, length);
                trainLength += length;
            }
        }
        return new TrainingCorpus(Arrays.copyOf(train, trainLength), Arrays.copyOf(heldOut, heldOutLength), documents);
    }

    int tokens() {
        return train.length + heldOut.length;
    }

    /** {@code count} windows of {@code context + 1} tokens from random places in the training tokens. */
    List<int[]> sample(Random random, int count, int context) {
        int length = Math.min(context + 1, train.length);
        List<int[]> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = random.nextInt(train.length - length + 1);
            batch.add(Arrays.copyOfRange(train, from, from + length));
        }
        return batch;
    }

    /**
     * Held-out windows of up to {@code context + 1} tokens that overlap by one, so each held-out
     * token after the first is predicted exactly once; at most {@code maxTokens} predictions, and
     * at most {@code maxWindows} windows spread evenly over the held-out tokens.
     */
    List<int[]> heldOutWindows(int context, long maxTokens, int maxWindows) {
        List<int[]> all = new ArrayList<>();
        for (int from = 0; from + 1 < heldOut.length; from += context) {
            all.add(Arrays.copyOfRange(heldOut, from, Math.min(heldOut.length, from + context + 1)));
        }
        int keep = (int) Math.min(all.size(), Math.min(maxWindows, Math.max(1, maxTokens / context)));
        if (keep >= all.size()) {
            return all;
        }
        List<int[]> spread = new ArrayList<>(keep);
        for (int i = 0; i < keep; i++) {
            spread.add(all.get((int) ((long) i * all.size() / keep)));
        }
        return spread;
    }
}
