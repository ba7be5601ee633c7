package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;

/**
 * One text under two models: two heatmaps one above the other on one scale (items "token-a" and
 * "token-b"), or one heatmap of the difference {@code log p_B − log p_A} per token on the diverging
 * palette, blue where B finds the token more likely (items "token").
 */
public final class CompareHeatmapFigure extends DrawnFigure {

    /** How the two models are shown. */
    public enum Mode {
        /** Two heatmaps, A above B, coloured on one scale. */
        STACKED,
        /** One heatmap of {@code log p_B − log p_A}. */
        DIFFERENCE
    }

    /** The fixed range of the difference, in nats: ±5 (a factor of about 150 in probability). */
    public static final double FIXED_DIFFERENCE = 5;

    private final Mode mode;
    private final Scale scale;

    private CompareHeatmapFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                                 Mode mode, Scale scale) {
        super(width, height, title, sheet, metadata);
        this.mode = mode;
        this.scale = scale;
    }

    public static CompareHeatmapFigure of(ScoredText a, ScoredText b, Mode mode, FigureOptions options,
                                          ExportMetadata metadata) {
        return mode == Mode.STACKED ? stacked(a, b, options, metadata) : difference(a, b, options, metadata);
    }

    public Mode mode() {
        return mode;
    }

    /** The colour scale: of the measure (stacked) or of the difference in nats (difference). */
    public Scale scale() {
        return scale;
    }

    private static CompareHeatmapFigure stacked(ScoredText a, ScoredText b, FigureOptions options, ExportMetadata meta) {
        Coloring coloring = Coloring.of(options, List.of(a.tokens(), b.tokens()));
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        String title = a.model().name() + " vs " + b.model().name();
        String subtitle = "perplexity " + Glyphs.perplexity(a.perplexity()) + " vs " + Glyphs.perplexity(b.perplexity())
                + " · colour: " + coloring.measure().label() + (coloring.measure().isDiscrete() ? " (GLTR buckets)" : "");
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        y += Legend.draw(sheet, m, y, inner, coloring,
                HeatmapFigure.hasUnscored(a.tokens()) || HeatmapFigure.hasUnscored(b.tokens()));
        y += 14;
        List<TokenScore> pairedB = Pairing.of(a.tokens(), b.tokens());
        List<TokenScore> pairedA = Pairing.of(b.tokens(), a.tokens());
        String[] labels = {"A", "B"};
        ScoredText[] runs = {a, b};
        for (int r = 0; r < 2; r++) {
            ScoredText run = runs[r];
            ScoredText other = runs[1 - r];
            List<TokenScore> partner = r == 0 ? pairedB : pairedA;
            y = Header.section(sheet, m, y, inner, labels[r] + " · " + run.model().name() + " · perplexity "
                    + Glyphs.perplexity(run.perplexity())) + 6;
            TextFlow flow = TextFlow.layout(TokenPieces.of(run.text(), run.tokens()), HeatmapFigure.font(options), inner,
                    options.boundaries());
            List<TokenScore> tokens = run.tokens();
            String kind = r == 0 ? "token-a" : "token-b";
            boolean isB = r == 1;
            flow.paint(sheet, m, y, i -> coloring.color(tokens.get(i)),
                    i -> tooltip(tokens.get(i), run, partner.get(i), other, isB), kind, kind + "-");
            if (tokens.isEmpty()) y = Header.section(sheet, m, y, inner, "(no tokens)");
            y += flow.height() + 16;
        }
        y += m - 16 + 4;
        return new CompareHeatmapFigure(options.width(), y, title, sheet,
                HeatmapFigure.metadata(meta, "compare", options, coloring), Mode.STACKED, coloring.scale());
    }

    private static CompareHeatmapFigure difference(ScoredText a, ScoredText b, FigureOptions options,
                                                   ExportMetadata meta) {
        List<TokenScore> paired = Pairing.of(a.tokens(), b.tokens());
        List<Double> diffs = new ArrayList<>();
        for (int i = 0; i < a.tokens().size(); i++) diffs.add(diff(a.tokens().get(i), paired.get(i)));
        double maxAbs = 0;
        for (Double d : diffs) if (d != null) maxAbs = Math.max(maxAbs, Math.abs(d));
        Scale scale = options.range() == Scale.Mode.FIXED ? Scale.symmetric(FIXED_DIFFERENCE)
                : Scale.symmetric(maxAbs == 0 ? 1 : maxAbs);
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        String title = "log p(B) " + Glyphs.MINUS + " log p(A): " + b.model().name() + " vs " + a.model().name();
        String subtitle = "perplexity A " + Glyphs.perplexity(a.perplexity()) + " · B " + Glyphs.perplexity(b.perplexity())
                + " · blue: B finds the token more likely, red: less likely";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        y += Legend.bar(sheet, m, y, inner, "log p(B) " + Glyphs.MINUS + " log p(A) (nats)", Palette.RDBU, scale,
                diffs.contains(null));
        y += 14;
        TextFlow flow = TextFlow.layout(TokenPieces.of(a.text(), a.tokens()), HeatmapFigure.font(options), inner,
                options.boundaries());
        List<TokenScore> tokens = a.tokens();
        flow.paint(sheet, m, y, i -> {
            Double d = diffs.get(i);
            return d == null ? Theme.UNSCORED : Palette.RDBU.color(scale.normalize(d));
        }, i -> tooltip(tokens.get(i), a, paired.get(i), b, false), "token", "token-");
        if (tokens.isEmpty()) y = Header.section(sheet, m, y, inner, "(no tokens)");
        y += flow.height() + m;
        Map<String, String> md = HeatmapFigure.metadata(meta, "compare-difference", options, null);
        md.put("palette", Palette.RDBU.toString());
        md.put("scale", options.range() + " [" + Glyphs.plain(scale.min()) + ", " + Glyphs.plain(scale.max()) + "] nats");
        return new CompareHeatmapFigure(options.width(), y, title, sheet, md, Mode.DIFFERENCE, scale);
    }

    /** {@code log p_B − log p_A}, or null when either is missing. */
    static Double diff(TokenScore a, TokenScore b) {
        if (a == null || b == null || !a.isScored() || !b.isScored()) return null;
        return b.logprob() - a.logprob();
    }

    private static String tooltip(TokenScore t, ScoredText run, TokenScore other, ScoredText otherRun, boolean isB) {
        StringBuilder sb = new StringBuilder(Tooltips.tokenLine(t));
        TokenScore a = isB ? other : t;
        TokenScore b = isB ? t : other;
        ScoredText runA = isB ? otherRun : run;
        ScoredText runB = isB ? run : otherRun;
        sb.append("\nA ").append(runA.model().name()).append(": ").append(a == null ? "no token with these characters"
                : Tooltips.scores(a));
        sb.append("\nB ").append(runB.model().name()).append(": ").append(b == null ? "no token with these characters"
                : Tooltips.scores(b));
        Double d = diff(a, b);
        if (d != null) sb.append("\nlog p(B) ").append(Glyphs.MINUS).append(" log p(A) = ").append(d >= 0 ? "+" : "")
                .append(Glyphs.number(d, 3));
        String top = Tooltips.top(t);
        if (!top.isEmpty()) sb.append('\n').append(isB ? "B " : "A ").append(top);
        return sb.toString();
    }
}
