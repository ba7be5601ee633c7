package org.tokenscope.generate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A hand-made {@link DecoderModel}: a tiny byte-level vocabulary (with the two halves of an emoji as
 * separate tokens) and logits that are a deterministic function of the whole sequence so far.
 * It counts sessions and fed positions, so tests can see the cache is used and sessions closed.
 */
final class FakeModel implements DecoderModel {

    static final int EOS = 11;
    static final byte[][] VOCAB = {
            bytes("a"), bytes("b"), bytes(" "), bytes("c"),
            bytes("é"),                                  // 4: C3 A9
            new byte[] {(byte) 0xF0, (byte) 0x9F},       // 5: first half of 😀 (F0 9F 98 80)
            new byte[] {(byte) 0x98, (byte) 0x80},       // 6: second half
            bytes("d"), bytes("e"), bytes("\n"), bytes("xy"),
            bytes("<|endoftext|>"),                      // 11
    };

    private final Function<int[], float[]> logits; // [n] -> [vocab]
    private final int context;
    int openSessions;
    int sessionsOpened;
    int positionsFed;

    FakeModel(Function<int[], float[]> logits, int context) {
        this.logits = logits;
        this.context = context;
    }

    /** Logits drawn from a random stream seeded by the seed and the sequence; end-of-text made rarer. */
    static FakeModel hashed(long seed, int context) {
        return hashed(seed, context, -2.5f);
    }

    /** As {@link #hashed(long, int)}, with {@code eosBias} added to the end-of-text logit. */
    static FakeModel hashed(long seed, int context, float eosBias) {
        return new FakeModel(seq -> {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ Arrays.hashCode(seq));
            float[] out = new float[VOCAB.length];
            for (int v = 0; v < out.length; v++) out[v] = (float) (r.nextGaussian() * 2);
            out[EOS] += eosBias;
            return out;
        }, context);
    }

    /** The k-th new token (after a prompt of {@code promptLength}) is strongly {@code script[k]}. */
    static FakeModel scripted(int promptLength, int... script) {
        return new FakeModel(seq -> {
            float[] out = new float[VOCAB.length];
            for (int v = 0; v < out.length; v++) out[v] = 0.1f * v;
            int k = seq.length - promptLength;
            if (k >= 0 && k < script.length) out[script[k]] = 8;
            return out;
        }, 64);
    }

    /** The logits a full, uncached forward pass over {@code seq} gives. */
    float[] logitsOf(int[] seq) {
        return logits.apply(seq.clone());
    }

    @Override
    public LogitsSession newSession() {
        openSessions++;
        sessionsOpened++;
        return new Session(new ArrayList<>());
    }

    @Override
    public int contextLength() {
        return context;
    }

    @Override
    public int vocabSize() {
        return VOCAB.length;
    }

    @Override
    public int endOfTextId() {
        return EOS;
    }

    @Override
    public byte[] tokenBytes(int id) {
        return VOCAB[id].clone();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private final class Session implements LogitsSession {
        private final List<Integer> ids;
        private boolean closed;

        Session(List<Integer> ids) {
            this.ids = ids;
        }

        @Override
        public float[] append(int[] newIds) {
            if (closed) throw new IllegalStateException("session closed");
            if (newIds.length == 0) throw new IllegalArgumentException("nothing to append");
            for (int id : newIds) ids.add(id);
            if (ids.size() > context) throw new IllegalStateException("past the context");
            positionsFed += newIds.length;
            return logits.apply(ids.stream().mapToInt(Integer::intValue).toArray());
        }

        @Override
        public LogitsSession fork() {
            if (closed) throw new IllegalStateException("session closed");
            openSessions++;
            sessionsOpened++;
            return new Session(new ArrayList<>(ids));
        }

        @Override
        public int length() {
            return ids.size();
        }

        @Override
        public void close() {
            if (closed) throw new IllegalStateException("closed twice");
            closed = true;
            openSessions--;
        }
    }
}
