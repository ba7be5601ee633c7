package org.tokenscope.figure;

import java.util.Map;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.analysis.TokenScore;

/**
 * What zeroing a head or an MLP does: the text shaded by each token's change in log-probability
 * (ablated − whole) on RdBu centred on zero, red where the part helped the token, blue where it
 * hurt; unscored tokens grey. Items are the token boxes (kind "token").
 */
public final class AblationFigure extends DrawnFigure {

    private AblationFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    public static AblationFigure of(Ablation a, FigureOptions options, ExportMetadata metadata) {
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        double[] delta = a.delta();
        double largest = 0;
        double sum = 0;
        int scored = 0;
        for (double d : delta) {
            if (Double.isFinite(d)) {
                largest = Math.max(largest, Math.abs(d));
                sum += d;
                scored++;
            }
        }
        double limit = largest > 0 ? largest : 1;
        String title = "Zeroing " + a.label() + " · " + a.model();
        String subtitle = "colour: log p with it zeroed " + Glyphs.MINUS + " log p whole · mean change "
                + Glyphs.number(scored == 0 ? Double.NaN : sum / scored, 4) + " nats over " + scored + " tokens";
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        y += Legend.ramp(sheet, m, y, inner, "Δ log p", t -> Palette.RDBU.color(t), new Scale(-limit, limit), "unscored");
        y += 14;
        TextFlow flow = TextFlow.layout(TokenPieces.of(a.text(), a.tokens()), HeatmapFigure.font(options), inner,
                options.boundaries());
        flow.paint(sheet, m, y, k -> Double.isFinite(delta[k]) ? Palette.RDBU.color(0.5 + 0.5 * Math.max(-1, Math.min(1,
                delta[k] / limit))) : Theme.UNSCORED, k -> tooltip(a, k), "token", "token-");
        y += flow.height() + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "ablation", options, null);
        md.put("ablated", a.label());
        md.put("palette", Palette.RDBU.toString());
        md.put("scale", "[" + Glyphs.plain(-limit) + ", " + Glyphs.plain(limit) + "]");
        return new AblationFigure(options.width(), y, title, sheet, md);
    }

    private static String tooltip(Ablation a, int k) {
        TokenScore t = a.tokens().get(k);
        String line = Tooltips.quoted(t.text()) + " · token " + k + " · id " + t.id();
        if (!Double.isFinite(a.logprob()[k])) {
            return line + "\nunscored";
        }
        return line + "\nlog p " + Glyphs.number(a.logprob()[k], 4) + " → " + Glyphs.number(a.logprobAblated()[k], 4)
                + " with " + a.label() + " zeroed (" + Glyphs.number(a.logprobAblated()[k] - a.logprob()[k], 4) + ")";
    }
}
