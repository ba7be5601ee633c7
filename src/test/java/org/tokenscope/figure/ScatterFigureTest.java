package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;

/** The scatter's statistics are the ones of its points, computed here from scratch. */
class ScatterFigureTest {

    @Test
    void theTitleCardShowsThePearsonCorrelationOfThePlottedLogProbabilities() {
        ScoredText a = Samples.scored(Samples.PARAGRAPH, "small", 5, true);
        ScoredText b = Samples.scored(Samples.PARAGRAPH, "large", 6, true);
        ScatterFigure f = ScatterFigure.of(a, b, FigureOptions.DEFAULT, ExportMetadata.NONE);
        // one tokenizer on both sides: a point per span, the parts of a split character summed into one
        java.util.Map<String, double[]> bySpan = new java.util.LinkedHashMap<>();
        for (int i = 0; i < a.tokens().size(); i++) {
            TokenScore ta = a.tokens().get(i);
            TokenScore tb = b.tokens().get(i);
            double[] sum = bySpan.computeIfAbsent(ta.start() + ":" + ta.end(), k -> new double[2]);
            sum[0] += ta.isScored() && tb.isScored() ? ta.logprob() : Double.NaN;
            sum[1] += ta.isScored() && tb.isScored() ? tb.logprob() : Double.NaN;
        }
        List<double[]> pairs = new ArrayList<>(bySpan.values().stream().filter(p -> !Double.isNaN(p[0])).toList());
        assertThat(a.tokens().stream().anyMatch(TokenScore::partial)).as("the sample splits a character").isTrue();
        double r = pearson(pairs);
        Recorder painted = Recorder.of(f);
        String shown = String.format(Locale.ROOT, "Pearson r = %.3f", r).replace('-', Glyphs.MINUS);
        assertThat(painted.texts()).contains(shown, "n = " + pairs.size());
        assertThat(f.comparison().pearson().value()).isCloseTo(r, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(f.items().stream().filter(i -> i.kind().equals("point")).count()).isEqualTo(pairs.size());
        assertThat(painted.circles).isEqualTo(pairs.size());
    }

    /**
     * B cuts the text differently (every two of A's word tokens are one of B's): each point is a span
     * both cut at, with A's log-probabilities summed over its tokens, and the figure says so.
     */
    @Test
    void withDifferentTokenizersThePointsAreAlignedSpansWithSummedLogProbabilities() {
        ScoredText a = Samples.scored("one two three four five six seven eight", "a", 7, false);
        List<TokenScore> merged = new ArrayList<>();
        for (int i = 0; i + 1 < a.tokens().size(); i += 2) {
            TokenScore x = a.tokens().get(i);
            TokenScore y = a.tokens().get(i + 1);
            Double lp = x.isScored() && y.isScored() ? x.logprob() + y.logprob() - 0.25 : null;
            merged.add(new TokenScore(merged.size(), 1000 + i, x.text() + y.text(), x.start(), y.end(), false, lp,
                    lp == null ? null : Math.exp(lp), lp == null ? null : 1, lp == null ? null : 2.0, List.of()));
        }
        ScoredText b = new ScoredText(a.text(), false, a.model(), merged, 1.0, a.windows());
        ScatterFigure f = ScatterFigure.of(a, b, FigureOptions.DEFAULT, ExportMetadata.NONE);
        var points = f.items().stream().filter(i -> i.kind().equals("point")).toList();
        long pairedSpans = merged.stream().filter(TokenScore::isScored).count();
        assertThat(points).hasSize((int) pairedSpans);
        assertThat(points.get(0).tooltip()).contains("2 tokens", "(summed)");
        assertThat(Recorder.of(f).allText()).contains("aligned spans", "summed");
        // A's two tokens summed against B's one: B is 0.25 below A on every point, so r is exactly 1
        assertThat(f.comparison().pearson().value()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    }

    /** Textbook Pearson: covariance over the product of standard deviations. */
    private static double pearson(List<double[]> pairs) {
        double mx = pairs.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = pairs.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
