package org.tokenscope.analysis;

import java.util.List;

/** One candidate token at a position: its id, display text and natural log-probability. */
public record Alternative(int id, String text, double logprob) {

    /**
     * The distribution {@code softmax(logits / temperature)} restricted to {@code kept}: each
     * log-probability divided by the temperature, then renormalised over the kept alternatives (the
     * rest of the vocabulary is not known here, so their share is left out). The order of the
     * alternatives never changes; below 1 the distribution sharpens, above 1 it flattens. At
     * temperature 1 the alternatives come back as they are, unnormalised.
     */
    public static List<Alternative> atTemperature(List<Alternative> kept, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("A temperature must be positive and finite, not " + temperature + ".");
        }
        if (temperature == 1 || kept.isEmpty()) {
            return List.copyOf(kept);
        }
        double[] scaled = kept.stream().mapToDouble(a -> a.logprob() / temperature).toArray();
        double lse = Distribution.logSumExp(scaled);
        return java.util.stream.IntStream.range(0, kept.size())
                .mapToObj(i -> new Alternative(kept.get(i).id(), kept.get(i).text(), scaled[i] - lse))
                .toList();
    }
}
