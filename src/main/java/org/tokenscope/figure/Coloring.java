package org.tokenscope.figure;

import java.util.List;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Rgb;

/**
 * How tokens are coloured: a measure, a palette and a scale. Rank is coloured by GLTR bucket (four
 * colours of the palette, the top 10 brightest); the other measures continuously, higher values
 * brighter; the detectors' signed shares on RdBu around zero, machine-like red, whatever the palette.
 */
public record Coloring(Measure measure, Palette palette, Scale scale) {

    /** The colouring for {@code options} over the tokens of one or more texts (for a min–max scale). */
    public static Coloring of(FigureOptions options, List<List<TokenScore>> texts) {
        return new Coloring(options.measure(), options.palette(), Scale.of(options.measure(), options.range(), texts));
    }

    /**
     * The colouring of a detection measure over one text's values ([tokens], NaN where unscored): a
     * signed share symmetric around zero over the largest |value|; cross-entropy fixed or min–max as
     * {@code options} say.
     */
    public static Coloring ofValues(FigureOptions options, double[] values) {
        Measure m = options.measure();
        List<Double> finite = new java.util.ArrayList<>();
        double largest = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                finite.add(v);
                largest = Math.max(largest, Math.abs(v));
            }
        }
        Scale scale = m.isSigned() ? Scale.symmetric(largest)
                : options.range() == Scale.Mode.FIXED ? Scale.fixed(m) : Scale.minMax(finite, Scale.fixed(m));
        return new Coloring(m, m.isSigned() ? Palette.RDBU : options.palette(), scale);
    }

    /**
     * The colour of a value on this colouring's scale ({@link Theme#UNSCORED} for NaN); a signed measure's
     * machine-like side red (RdBu's low end).
     */
    public Rgb color(double v) {
        if (Double.isNaN(v)) return Theme.UNSCORED;
        double t = scale.normalize(v);
        if (measure.isSigned() && measure.positiveIsMachine()) t = 1 - t;
        return palette.color(t);
    }

    /** The token's colour; {@link Theme#UNSCORED} when it is unscored. */
    public Rgb color(TokenScore t) {
        if (!t.isScored()) return Theme.UNSCORED;
        Double v = measure.scaled(t);
        if (v == null) return Theme.UNSCORED; // a remote server's unknown rank or entropy
        if (measure.isDiscrete()) return bucketColor(palette, Measure.rankBucket(t.rank()));
        return palette.color(scale.normalize(v));
    }

    /** The colour of GLTR bucket {@code b} (0 = top 10 … 3 = the rest) on {@code palette}. */
    public static Rgb bucketColor(Palette palette, int b) {
        int last = Measure.RANK_BUCKETS.size() - 1;
        return palette.color(1 - (double) b / last);
    }
}
