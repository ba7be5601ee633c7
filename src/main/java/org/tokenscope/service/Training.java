package org.tokenscope.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.tokenscope.model.Gpt2Config;
import org.tokenscope.model.Tokenizer;
import org.tokenscope.model.Gpt2Trainer;
import org.tokenscope.model.LearningRateSchedule;

/**
 * Trains a small GPT-2 from scratch: the use case behind {@code train}, over the engine's trainer. Owns
 * (and closes) it.
 */
public final class Training implements AutoCloseable {

    /**
     * The model to train.
     *
     * @param width   the residual stream's width; the MLP is four times as wide
     * @param context the longest sequence it reads
     */
    public record Shape(int layers, int heads, int width, int context) {
    }

    /** A tokenizer file's vocabulary: its size, the id of {@code <|endoftext|>} (-1: none) and its encoder. */
    public record Vocabulary(int size, int endOfText, Function<String, int[]> encode) {
    }

    /** What to do with a vocabulary while its tokenizer is open. */
    @FunctionalInterface
    public interface WithVocabulary<T> {
        T apply(Vocabulary vocabulary) throws IOException;
    }

    private final Gpt2Trainer trainer;
    private final Gpt2Config config;

    private Training(Gpt2Trainer trainer, Gpt2Config config) {
        this.trainer = trainer;
        this.config = config;
    }

    /** Opens {@code tokenizerFile}, lets {@code use} read with it, and closes it. */
    public static <T> T withVocabulary(Path tokenizerFile, WithVocabulary<T> use) throws IOException {
        try (Tokenizer words = Tokenizer.loadFile(tokenizerFile)) {
            return use.apply(new Vocabulary(words.vocabSize(), words.endOfTextId(), s -> words.encode(s).ids()));
        }
    }

    /**
     * A model of {@code shape} with seeded random weights over a vocabulary of {@code vocabulary} tokens, to be
     * trained with AdamW.
     *
     * @param endOfText     the id of {@code <|endoftext|>}
     * @param tokenizerFile the {@code tokenizer.json} it is trained with; {@link #save} copies it
     */
    public static Training start(Shape shape, int vocabulary, int endOfText, Path tokenizerFile, String name, long seed,
                                 double weightDecay) throws IOException {
        Gpt2Config config = new Gpt2Config(shape.layers(), shape.heads(), shape.width(), 4 * shape.width(),
                shape.context(), vocabulary, 1e-5f, endOfText);
        return new Training(Gpt2Trainer.builder().setConfig(config).setTokenizer(tokenizerFile).optName(name)
                .optSeed(seed).optWeightDecay(weightDecay).build(), config);
    }

    /**
     * Linear warm-up to {@code peak} over {@code warmupSteps}, then a cosine down to {@code floor} as
     * {@code progress} goes from 0 to 1: the rate of step {@code step} (from 0).
     */
    public static double learningRate(double peak, double floor, int warmupSteps, int step, double progress) {
        return new LearningRateSchedule(peak, floor, warmupSteps).rate(step, progress);
    }

    public long parameterCount() {
        return trainer.parameterCount();
    }

    public int vocabulary() {
        return config.vocab();
    }

    /** Steps taken. */
    public int steps() {
        return trainer.steps();
    }

    /** One AdamW step on {@code batch} (sequences of token ids) at {@code learningRate}; the batch's mean loss. */
    public float step(List<int[]> batch, double learningRate) {
        return trainer.step(batch, learningRate);
    }

    /** The mean loss (nats per token) over {@code sequences}. */
    public double evaluate(List<int[]> sequences) {
        return trainer.evaluate(sequences);
    }

    /** Writes the model folder: config.json, tokenizer.json, model.safetensors. */
    public void save(Path dir) throws IOException {
        trainer.save(dir);
    }

    @Override
    public void close() {
        trainer.close();
    }
}
