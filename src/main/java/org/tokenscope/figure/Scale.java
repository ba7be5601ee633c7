package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.tokenscope.analysis.TokenScore;

/**
 * A linear range of values mapped onto [0, 1] (onto a palette or an axis).
 *
 * @param min the value at 0
 * @param max the value at 1 (greater than {@code min})
 */
public record Scale(double min, double max) {

    /** GPT-2's vocabulary, whose uniform distribution has the highest entropy, {@code ln 50257 ≈ 10.8} nats. */
    public static final int GPT2_VOCAB = 50257;

    /** How a figure picks its scale. */
    public enum Mode {
        /** The same range for every text (see {@link #fixed(Measure)}), so that figures compare. */
        FIXED,
        /** From the smallest to the largest value shown, so that small differences show. */
        MIN_MAX;

        public static Mode parse(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
            return switch (n) {
                case "fixed" -> FIXED;
                case "minmax", "data" -> MIN_MAX;
                default -> throw new IllegalArgumentException("Unknown scale '" + name + "': use fixed or minmax.");
            };
        }

        @Override
        public String toString() {
            return this == FIXED ? "fixed" : "minmax";
        }
    }

    public Scale {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(max > min)) {
            throw new IllegalArgumentException("A scale needs finite min < max, not [" + min + ", " + max + "].");
        }
    }

    /**
     * The fixed range of a measure, on the values of {@link Measure#scaled}: probability [0, 1],
     * log-probability [−15, 0], surprisal [0, 15] nats, entropy [0, ln 50257] nats, rank
     * [0, log10 50257] (ranks 1 to the vocabulary), cross-entropy [0, 15] nats; the detectors' shares
     * [−1, 1], though a heatmap shows them symmetric over the text's largest.
     */
    public static Scale fixed(Measure measure) {
        return switch (measure) {
            case PROB -> new Scale(0, 1);
            case LOGPROB -> new Scale(-15, 0);
            case SURPRISAL, CROSS_ENTROPY -> new Scale(0, 15);
            case BINOCULARS, FAST_DETECTGPT -> new Scale(-1, 1); // shown symmetric around 0 over the text's largest share
            case ENTROPY -> new Scale(0, Math.log(GPT2_VOCAB));
            case RANK -> new Scale(0, Math.log10(GPT2_VOCAB));
        };
    }

    /** The scale for {@code mode} over the scaled values of the scored tokens of some texts. */
    public static Scale of(Measure measure, Mode mode, Collection<? extends List<TokenScore>> texts) {
        if (mode == Mode.FIXED) return fixed(measure);
        List<Double> values = new ArrayList<>();
        for (List<TokenScore> tokens : texts) {
            for (TokenScore t : tokens) {
                Double v = measure.scaled(t);
                if (v != null) values.add(v);
            }
        }
        return minMax(values, fixed(measure));
    }

    /** From the smallest to the largest finite value, or {@code fallback} when there are none; widened when all are equal. */
    public static Scale minMax(Collection<Double> values, Scale fallback) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Double v : values) {
            if (v == null || !Double.isFinite(v)) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (lo > hi) return fallback;
        if (lo == hi) {
            double pad = Math.max(Math.abs(lo) * 0.05, 0.5);
            return new Scale(lo - pad, hi + pad);
        }
        return new Scale(lo, hi);
    }

    /** {@code [−limit, limit]}, for differences on a diverging palette. */
    public static Scale symmetric(double limit) {
        double l = Double.isFinite(limit) && limit > 0 ? limit : 1;
        return new Scale(-l, l);
    }

    /** Where {@code v} falls, in [0, 1] (clamped). */
    public double normalize(double v) {
        return Math.max(0, Math.min(1, (v - min) / (max - min)));
    }

    /** Where {@code v} falls, not clamped: 0 at {@code min}, 1 at {@code max}. */
    /** Whether {@code v} lies in [min, max]. */
    public boolean contains(double v) {
        return v >= Math.min(min, max) && v <= Math.max(min, max);
    }

    /**
     * This range zoomed by {@code factor} around {@code at} (below 1 zooms in): {@code at} stays where
     * it is on the axis.
     */
    public Scale zoomed(double at, double factor) {
        return new Scale(at - (at - min) * factor, at + (max - at) * factor);
    }

    /** This range moved by {@code delta}. */
    public Scale shifted(double delta) {
        return new Scale(min + delta, max + delta);
    }

    public double fraction(double v) {
        return (v - min) / (max - min);
    }

    /** This range widened outwards to multiples of a round step, as an axis shows it. */
    public Scale nice(int targetTicks) {
        double step = niceStep(max - min, targetTicks);
        // + 0.0 turns −0 into 0
        return new Scale(Math.floor(min / step + 1e-9) * step + 0.0, Math.ceil(max / step - 1e-9) * step + 0.0);
    }

    /** Round tick values (multiples of 1, 2 or 5 × 10ⁿ) inside the range, about {@code target} of them. */
    public double[] ticks(int target) {
        double step = niceStep(max - min, target);
        double first = Math.ceil(min / step - 1e-9) * step;
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; ; i++) {
            double v = first + i * step;
            if (v > max + step * 1e-9) break;
            ticks.add(Math.abs(v) < step * 1e-9 ? 0.0 : round(v, step));
            if (i > 1000) break;
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {@code v} rounded to two decimals finer than {@code step}, so that 3 × 0.2 reads 0.6. */
    private static double round(double v, double step) {
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(step)));
        return new java.math.BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }

    /** The step between {@link #ticks}: 1, 2 or 5 × 10ⁿ. */
    public static double niceStep(double span, int target) {
        double raw = span / Math.max(1, target);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        return nice * magnitude;
    }
}
