package org.tokenscope.figure;

import java.util.List;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Rgb;

/**
 * How tokens are coloured: a measure, a palette and a scale. Rank is coloured by GLTR bucket (four
 * colours of the palette, the top 10 brightest); the other measures continuously, higher values brighter.
 */
public record Coloring(Measure measure, Palette palette, Scale scale) {

    /** The colouring for {@code options} over the tokens of one or more texts (for a min–max scale). */
    public static Coloring of(FigureOptions options, List<List<TokenScore>> texts) {
        return new Coloring(options.measure(), options.palette(), Scale.of(options.measure(), options.range(), texts));
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
