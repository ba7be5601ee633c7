package org.tokenscope.generate;

/**
 * Divides the logits by the temperature, as transformers' {@code TemperatureLogitsWarper}:
 * below 1 sharpens the distribution, above 1 flattens it.
 *
 * @param temperature strictly positive
 */
public record Temperature(double temperature) implements LogitsProcessor {

    public Temperature {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("The temperature must be a positive number, got " + temperature
                    + " (for greedy decoding, use the greedy strategy).");
        }
    }

    @Override
    public double[] process(int[] sequence, double[] scores) { // [vocab] -> [vocab]
        double[] out = new double[scores.length];
        for (int v = 0; v < scores.length; v++) out[v] = scores[v] / temperature;
        return out;
    }
}
