package org.tokenscope.generate;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What to generate. Build one with {@link #builder()}: {@code set*} is required, {@code opt*} optional.
 *
 * @param prompt          the prompt's token ids, fed as they are (no BOS is prepended, as in transformers)
 * @param maxNewTokens    at most this many new tokens, at least 1
 * @param strategy        how to choose them (default {@link Greedy})
 * @param stopStrings     stop once the text reaches one of these (default none)
 * @param topAlternatives how many alternatives each {@link Step} lists (default 5)
 */
public record GenerationRequest(int[] prompt, int maxNewTokens, Strategy strategy, List<String> stopStrings,
                                int topAlternatives) {

    public GenerationRequest {
        prompt = prompt.clone();
        Objects.requireNonNull(strategy, "strategy");
        stopStrings = List.copyOf(stopStrings);
        if (prompt.length == 0) {
            throw new IllegalArgumentException(
                    "The prompt is empty; give at least one token (<|endoftext|> to start from nothing).");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max-new-tokens must be at least 1, got " + maxNewTokens + ".");
        }
        if (topAlternatives < 0) {
            throw new IllegalArgumentException("The number of alternatives cannot be negative, got " + topAlternatives + ".");
        }
        for (String s : stopStrings) {
            if (s.isEmpty()) throw new IllegalArgumentException("A stop string cannot be empty.");
        }
    }

    @Override
    public int[] prompt() {
        return prompt.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationRequest r && Arrays.equals(prompt, r.prompt) && maxNewTokens == r.maxNewTokens
                && strategy.equals(r.strategy) && stopStrings.equals(r.stopStrings)
                && topAlternatives == r.topAlternatives;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(prompt), maxNewTokens, strategy, stopStrings, topAlternatives);
    }

    @Override
    public String toString() {
        return "GenerationRequest[prompt=" + Arrays.toString(prompt) + ", maxNewTokens=" + maxNewTokens
                + ", strategy=" + strategy + ", stopStrings=" + stopStrings + ", topAlternatives=" + topAlternatives + "]";
    }

    /** Builds a {@link GenerationRequest}. */
    public static final class Builder {
        private int[] prompt;
        private Integer maxNewTokens;
        private Strategy strategy = new Greedy();
        private List<String> stopStrings = List.of();
        private int topAlternatives = 5;

        private Builder() {
        }

        public Builder setPrompt(int... prompt) {
            this.prompt = prompt.clone();
            return this;
        }

        public Builder setMaxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        public Builder optStrategy(Strategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        public Builder optStopStrings(List<String> stopStrings) {
            this.stopStrings = List.copyOf(stopStrings);
            return this;
        }

        public Builder optTopAlternatives(int topAlternatives) {
            this.topAlternatives = topAlternatives;
            return this;
        }

        public GenerationRequest build() {
            if (prompt == null) throw new IllegalStateException("setPrompt is required.");
            if (maxNewTokens == null) throw new IllegalStateException("setMaxNewTokens is required.");
            return new GenerationRequest(prompt, maxNewTokens, strategy, stopStrings, topAlternatives);
        }
    }
}
