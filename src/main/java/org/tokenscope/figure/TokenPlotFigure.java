package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;

/**
 * A measure (probability by default) of every token along the text, for one model or two: a point per
 * token and model, each model's points joined faintly, and a grey line joining each token's pair.
 * Items are the points (kind "point-a", "point-b"), indexed by token of model A.
 */
public final class TokenPlotFigure extends DrawnFigure {

    private final Scale yScale;

    private TokenPlotFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                            Scale yScale) {
        super(width, height, title, sheet, metadata);
        this.yScale = yScale;
    }

    /** The plot of {@code runs} (one or two scored texts of the same text). */
    public static TokenPlotFigure of(List<ScoredText> runs, FigureOptions options, ExportMetadata metadata) {
        if (runs.isEmpty() || runs.size() > 2) {
            throw new IllegalArgumentException("A token plot shows one or two models, not " + runs.size() + ".");
        }
        Measure measure = options.measure();
        ScoredText a = runs.get(0);
        List<TokenScore> tokens = a.tokens();
        int n = tokens.size();
        // the values of each series at each of A's tokens
        List<List<TokenScore>> series = new ArrayList<>();
        series.add(tokens);
        if (runs.size() == 2) series.add(Pairing.of(tokens, runs.get(1).tokens()));
        List<Double> all = new ArrayList<>();
        for (List<TokenScore> s : series) for (TokenScore t : s) if (t != null) all.add(measure.scaled(t));
        Scale y = options.range() == Scale.Mode.FIXED ? Scale.fixed(measure)
                : Scale.minMax(all, Scale.fixed(measure)).nice(5);
        Scale x = new Scale(-0.5, Math.max(1, n) - 0.5);

        double w = options.width();
        // the pane's height when it has one (never taller than wide), else in proportion to the width
        double h = options.height() > 0 ? Math.max(260, Math.min(options.height(), w))
                : Math.max(260, Math.min(520, w * 0.45));
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        List<String> names = runs.stream().map(r -> r.model().name()).toList();
        String title = measure.label() + " per token · " + String.join(" vs ", names);
        String subtitle = n + (n == 1 ? " token" : " tokens") + perplexities(runs);
        double top = Header.draw(sheet, m, m, w - 2 * m, title, subtitle) + 10;
        top += Legend.series(sheet, m, top, names) + 10;
        Axes axes = new Axes(m + Axes.LEFT_ROOM, top, w - 2 * m - Axes.LEFT_ROOM - 4,
                h - top - m - Axes.BOTTOM_ROOM, x, y);
        int yTarget = Math.max(2, Math.min(5, (int) (axes.height() / 40)));
        double[] yTicks = measure == Measure.RANK ? Axes.integerTicks(y, yTarget) : y.ticks(yTarget);
        double yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
        axes.draw(sheet, Axes.integerTicks(x, Math.max(2, Math.min(10, (int) (axes.width() / 60)))), v -> Glyphs.number(v, 0), "token index", yTicks,
                v -> measure == Measure.RANK ? Glyphs.number(Math.pow(10, v), 0) : Glyphs.tick(v, yStep),
                measure == Measure.RANK ? "rank (log scale)" : measure.axisLabel());

        double radius = Math.max(1.6, Math.min(3.5, axes.width() / Math.max(1, n) / 2.8));
        // the grey line joining each token's pair
        if (series.size() == 2) {
            for (int i = 0; i < n; i++) {
                Double va = value(measure, series.get(0).get(i));
                Double vb = value(measure, series.get(1).get(i));
                if (va != null && vb != null) {
                    sheet.line(axes.px(i), axes.py(clamp(y, va)), axes.px(i), axes.py(clamp(y, vb)), Theme.PAIR,
                            1);
                }
            }
        }
        for (int s = 0; s < series.size(); s++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Double v = value(measure, series.get(s).get(i));
                if (v == null) {
                    polyline(sheet, xs, ys, s);
                    continue;
                }
                xs.add(axes.px(i));
                ys.add(axes.py(clamp(y, v)));
            }
            polyline(sheet, xs, ys, s);
        }
        String[] kinds = {"point-a", "point-b"};
        for (int s = 0; s < series.size(); s++) {
            for (int i = 0; i < n; i++) {
                TokenScore t = series.get(s).get(i);
                Double v = value(measure, t);
                if (v == null) continue;
                double px = axes.px(i);
                double py = axes.py(clamp(y, v));
                String tip = tooltip(tokens.get(i), series, runs, measure, i);
                sheet.beginItem(kinds[s] + "-" + i, tip);
                sheet.fillCircle(px, py, radius, Theme.series(s).withAlpha(0.85));
                sheet.endItem();
                sheet.item(kinds[s], i, px - radius - 1, py - radius - 1, 2 * radius + 2, 2 * radius + 2, tip);
            }
        }
        Map<String, String> md = HeatmapFigure.metadata(metadata, "plot", options, null);
        md.put("measure", measure.toString());
        md.put("scale", options.range() + " [" + Glyphs.plain(y.min()) + ", " + Glyphs.plain(y.max()) + "]");
        return new TokenPlotFigure(w, h, title, sheet, md, y);
    }

    /** The y axis' range (for rank, of {@code log10 rank}). */
    public Scale yScale() {
        return yScale;
    }

    private static Double value(Measure measure, TokenScore t) {
        return t == null ? null : measure.scaled(t);
    }

    private static double clamp(Scale s, double v) {
        return Math.max(s.min(), Math.min(s.max(), v));
    }

    private static void polyline(Sheet sheet, List<Double> xs, List<Double> ys, int s) {
        if (xs.size() >= 2) {
            sheet.polyline(xs.stream().mapToDouble(Double::doubleValue).toArray(),
                    ys.stream().mapToDouble(Double::doubleValue).toArray(), Theme.series(s).withAlpha(0.35), 1);
        }
        xs.clear();
        ys.clear();
    }

    private static String perplexities(List<ScoredText> runs) {
        StringBuilder sb = new StringBuilder(" · perplexity ");
        for (int i = 0; i < runs.size(); i++) {
            if (i > 0) sb.append(" vs ");
            sb.append(Glyphs.perplexity(runs.get(i).perplexity()));
        }
        return sb.toString();
    }

    private static String tooltip(TokenScore t, List<List<TokenScore>> series, List<ScoredText> runs, Measure measure,
                                  int i) {
        StringBuilder sb = new StringBuilder(Tooltips.tokenLine(t));
        for (int s = 0; s < series.size(); s++) {
            TokenScore ts = series.get(s).get(i);
            Double v = ts == null ? null : measure.value(ts);
            sb.append('\n').append(runs.get(s).model().name()).append(": ").append(measure.label()).append(' ')
                    .append(v == null ? "–" : measure == Measure.RANK ? Glyphs.number(v, 0)
                            : measure == Measure.PROB ? Glyphs.probability(v) : Glyphs.number(v, 3));
        }
        return sb.toString();
    }
}
