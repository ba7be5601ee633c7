package org.tokenscope.app;

import java.util.List;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Strategy;
import org.tokenscope.backend.Backend;

/** The generation pane's settings as one immutable value. */
public record GenerationForm(String strategy, int maxNewTokens, int beams, double temperature, int topK, double topP,
                             double repetitionPenalty, long seed) {

    public static final GenerationForm DEFAULT = new GenerationForm("greedy", 20, 4, 1.0, 0, 1.0, 1.0, 0);

    public Strategy toStrategy() {
        return switch (strategy) {
            case "beam" -> repetitionPenalty == 1.0 ? BeamSearch.of(beams)
                    : BeamSearch.of(beams).withRepetitionPenalty(repetitionPenalty);
            case "sample" -> Sampling.of(temperature, topK, topP, repetitionPenalty, seed);
            default -> repetitionPenalty == 1.0 ? new Greedy() : Greedy.withRepetitionPenalty(repetitionPenalty);
        };
    }

    /** The settings, recording {@code alternatives} per step; the prompt follows {@code <|endoftext|>}, as a text is scored. */
    public Backend.GenerationSettings settings(int alternatives) {
        return new Backend.GenerationSettings(maxNewTokens, toStrategy(), List.of(), alternatives).withBos(true);
    }
}
