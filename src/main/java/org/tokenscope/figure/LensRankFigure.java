package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Anchor;

/**
 * How the token that came next fares across the layers at one position: above, its rank on a log axis
 * (1 at the top); below, its probability, with each layer's top prediction for comparison. Items are the
 * points (kind "level", index the level: 0 the embeddings, {@code l + 1} block {@code l}).
 */
public final class LensRankFigure extends DrawnFigure {

    private static final double PANEL_GAP = 18;

    private LensRankFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    /** @param position the position whose next token is followed */
    public static LensRankFigure of(LogitLens lens, int position, FigureOptions options, ExportMetadata metadata) {
        int n = lens.positions();
        if (n > 0 && (position < 0 || position >= n)) {
            throw new IllegalArgumentException("Position " + position + " is not between 0 and " + (n - 1) + ".");
        }
        double w = options.width();
        double h = Math.max(340, Math.min(560, w * 0.62));
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        TokenScore next = n == 0 ? null : lens.next(position);
        String title = next == null ? "Logit lens · " + lens.model()
                : "How " + Tooltips.quoted(next.text()) + " (token " + (position + 1) + ") rises through the layers · "
                + lens.model();
        String subtitle = n == 0 ? "no tokens"
                : next == null ? "token " + position + " ends the text: nothing came next, so only each layer's top "
                + "prediction is drawn" : "its rank and probability after " + Tooltips.quoted(lens.tokens().get(position).text())
                + " (token " + position + "), read off each layer";
        double top = Header.draw(sheet, m, m, w - 2 * m, title, subtitle) + 10;
        List<String> names = next == null ? List.of("top prediction") : List.of("the next token", "top prediction");
        top += series(sheet, m, top, names, next == null) + 8;
        int levels = lens.levels();
        Scale x = new Scale(-0.5, Math.max(1, levels) - 0.5);
        double left = m + Axes.LEFT_ROOM;
        double width = w - 2 * m - Axes.LEFT_ROOM - 4;
        double plots = h - top - m - Axes.BOTTOM_ROOM;
        double rankHeight = (plots - PANEL_GAP - 20) * 0.5;
        double probTop = top + rankHeight + PANEL_GAP + 20;
        double probHeight = h - m - Axes.BOTTOM_ROOM - probTop;
        int maxRank = 1;
        if (next != null) for (int l = 0; l < levels; l++) maxRank = Math.max(maxRank, lens.nextRank(l, position));
        double decades = Math.max(1, Math.ceil(Math.log10(maxRank) - 1e-9));
        // rank on a log axis, 1 at the top: plotted as −log10(rank)
        Scale yRank = new Scale(-decades, 0);
        Axes rankAxes = new Axes(left, top, width, rankHeight, x, yRank);
        double[] xTicks = levelTicks(levels, width);
        double[] rankTicks = Axes.integerTicks(yRank, (int) Math.min(6, decades + 1));
        rankAxes.draw(sheet, xTicks, v -> "", "", rankTicks,
                v -> String.format(Locale.ROOT, "%,d", Math.round(Math.pow(10, -v))), "rank (log)");
        Scale yProb = options.range() == Scale.Mode.MIN_MAX ? Scale.minMax(probabilities(lens, position, next != null),
                new Scale(0, 1)).nice(4) : new Scale(0, 1);
        yProb = new Scale(Math.max(0, yProb.min()), Math.min(1, Math.max(yProb.max(), yProb.min() + 0.01)));
        Axes probAxes = new Axes(left, probTop, width, probHeight, x, yProb);
        double[] probTicks = yProb.ticks(4);
        double probStep = probTicks.length > 1 ? probTicks[1] - probTicks[0] : 1;
        probAxes.draw(sheet, xTicks, v -> LogitLens.levelName((int) Math.round(v)),
                "layer (emb: the embeddings; the last is the model's own prediction)", probTicks,
                v -> Glyphs.tick(v, probStep), "probability");
        if (n == 0 || levels == 0) {
            return new LensRankFigure(w, h, title, sheet, metadata(metadata, options, position));
        }
        if (next == null) {
            sheet.text("nothing came next", left + width / 2, top + rankHeight / 2, Theme.LABEL, Theme.MUTED,
                    Anchor.MIDDLE);
        }
        // each layer's top prediction, grey
        double[] xs = new double[levels];
        double[] topYs = new double[levels];
        for (int l = 0; l < levels; l++) {
            xs[l] = probAxes.px(l);
            topYs[l] = probAxes.py(clamp(yProb, Math.exp(lens.top()[l][position].length == 0 ? Double.NaN
                    : lens.top()[l][position][0].logprob())));
        }
        sheet.polyline(xs, topYs, Theme.PAIR, 1.5);
        double radius = Math.max(2, Math.min(4, width / levels / 3));
        for (int l = 0; l < levels; l++) {
            if (lens.top()[l][position].length == 0) continue;
            var best = lens.top()[l][position][0];
            sheet.fillCircle(xs[l], topYs[l], radius * 0.75, Theme.PAIR);
            if (next == null) {
                String tip = LogitLens.levelLabel(l) + ": top prediction " + Tooltips.quoted(best.text()) + " · p "
                        + Glyphs.probability(Math.exp(best.logprob()));
                sheet.item("level", l, xs[l] - radius - 1, topYs[l] - radius - 1, 2 * radius + 2, 2 * radius + 2, tip);
            }
        }
        if (next != null) {
            double[] rankYs = new double[levels];
            double[] probYs = new double[levels];
            for (int l = 0; l < levels; l++) {
                rankYs[l] = rankAxes.py(-Math.log10(lens.nextRank(l, position)));
                probYs[l] = probAxes.py(clamp(yProb, Math.exp(lens.logprob()[l][position])));
            }
            sheet.polyline(xs, rankYs, Theme.SERIES_A.withAlpha(0.6), 1.5);
            sheet.polyline(xs, probYs, Theme.SERIES_A.withAlpha(0.6), 1.5);
            for (int l = 0; l < levels; l++) {
                double p = Math.exp(lens.logprob()[l][position]);
                var best = lens.top()[l][position].length == 0 ? null : lens.top()[l][position][0];
                String tip = LogitLens.levelLabel(l) + ": " + Tooltips.quoted(next.text()) + " rank "
                        + String.format(Locale.ROOT, "%,d", lens.nextRank(l, position)) + " · p " + Glyphs.probability(p)
                        + (best == null ? "" : "\ntop prediction " + Tooltips.quoted(best.text()) + " · p "
                        + Glyphs.probability(Math.exp(best.logprob())));
                for (double py : new double[] {rankYs[l], probYs[l]}) {
                    sheet.beginItem("level-" + l, tip);
                    sheet.fillCircle(xs[l], py, radius, Theme.SERIES_A);
                    sheet.endItem();
                    sheet.item("level", l, xs[l] - radius - 1, py - radius - 1, 2 * radius + 2, 2 * radius + 2, tip);
                }
            }
        }
        return new LensRankFigure(w, h, title, sheet, metadata(metadata, options, position));
    }

    /** Level ticks: every level when they fit, else every second, fifth… */
    private static double[] levelTicks(int levels, double width) {
        int step = 1;
        int[] steps = {1, 2, 5, 10, 20};
        for (int s : steps) {
            step = s;
            if (width / Math.max(1, levels) * s >= 26) break;
        }
        List<Double> ticks = new ArrayList<>();
        for (int l = 0; l < levels; l += step) ticks.add((double) l);
        if (levels > 0 && (levels - 1) % step != 0) ticks.add((double) (levels - 1));
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Double> probabilities(LogitLens lens, int position, boolean next) {
        List<Double> out = new ArrayList<>();
        if (lens.positions() == 0) return out;
        for (int l = 0; l < lens.levels(); l++) {
            if (next) out.add(Math.exp(lens.logprob()[l][position]));
            if (lens.top()[l][position].length > 0) out.add(Math.exp(lens.top()[l][position][0].logprob()));
        }
        out.add(0.0);
        return out;
    }

    private static double series(Sheet sheet, double x, double y, List<String> names, boolean topOnly) {
        double cx = x;
        double mid = y + 6;
        for (int i = 0; i < names.size(); i++) {
            boolean grey = topOnly || i == 1;
            sheet.fillCircle(cx + 5, mid, 4.5, grey ? Theme.PAIR : Theme.SERIES_A);
            sheet.text(names.get(i), cx + 14, mid + TextMeasure.ascent(Theme.LABEL) * 0.38, Theme.LABEL, Theme.INK,
                    Anchor.START);
            cx += 14 + TextMeasure.width(names.get(i), Theme.LABEL) + 18;
        }
        return 14;
    }

    private static double clamp(Scale s, double v) {
        if (Double.isNaN(v)) return s.min();
        return Math.max(s.min(), Math.min(s.max(), v));
    }

    private static Map<String, String> metadata(ExportMetadata metadata, FigureOptions options, int position) {
        Map<String, String> md = HeatmapFigure.metadata(metadata, "lens-rank", options, null);
        md.put("position", Integer.toString(position));
        return md;
    }
}
