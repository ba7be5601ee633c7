package org.tokenscope.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * Multinomial sampling from {@code softmax(processor(logits))}, as transformers' {@code generate()} with
 * {@code do_sample=True}. Random numbers come from a {@link java.util.SplittableRandom} seeded with
 * {@code seed}, so that a run repeats exactly (it does not reproduce PyTorch's random stream).
 *
 * @param processor applied to the logits before sampling
 * @param seed      seed of the random stream
 */
public record Sampling(LogitsProcessor processor, long seed) implements Strategy {

    /**
     * Sampling with transformers' processors in transformers' order — repetition penalty, temperature,
     * top-k, top-p — leaving out those that would change nothing, as {@code _get_logits_processor} does.
     *
     * @param temperature       > 0 (1 = none)
     * @param topK              ≥ 0 (0 = none)
     * @param topP              in [0, 1] (1 = none)
     * @param repetitionPenalty > 0 (1 = none)
     * @param seed              seed of the random stream
     */
    public static Sampling of(double temperature, int topK, double topP, double repetitionPenalty, long seed) {
        if (topK < 0) throw new IllegalArgumentException("top-k must be 0 (none) or more, got " + topK + ".");
        List<LogitsProcessor> chain = new ArrayList<>();
        if (repetitionPenalty != 1.0) chain.add(new RepetitionPenalty(repetitionPenalty));
        if (temperature != 1.0) chain.add(new Temperature(temperature));
        if (topK != 0) chain.add(new TopKFilter(topK));
        if (topP < 1.0) chain.add(new TopPFilter(topP));
        else if (topP > 1.0) throw new IllegalArgumentException("top-p must be between 0 and 1, got " + topP + ".");
        return new Sampling(new ProcessorChain(chain), seed);
    }
}
