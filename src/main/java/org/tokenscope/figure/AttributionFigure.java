package org.tokenscope.figure;

import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Rgb;

/**
 * "Why this token": the text as it reads, each token before the target shaded by its attribution
 * on a diverging palette centred on zero (RdBu: blue pushed the target up, red pushed it down;
 * rollout's shares, all ≥ 0, from white to blue), the target outlined, the tokens after it in light
 * grey. Items are the token boxes (kind "token").
 */
public final class AttributionFigure extends DrawnFigure {

    private final Scale scale;

    private AttributionFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                              Scale scale) {
        super(width, height, title, sheet, metadata);
        this.scale = scale;
    }

    public static AttributionFigure of(Attribution a, FigureOptions options, ExportMetadata metadata) {
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        Attribution.Target target = a.target();
        String title = "Why " + Tooltips.quoted(target.text()) + " (token " + target.position() + ")"
                + (target.contrast() != null ? " rather than " + Tooltips.quoted(target.contrast().text()) : "")
                + " · " + a.model();
        String f = target.contrast() != null
                ? "log p(" + Glyphs.visible(target.text()) + ") " + Glyphs.MINUS + " log p("
                        + Glyphs.visible(target.contrast().text()) + ") = " + Glyphs.number(target.value(), 3)
                : "log p = " + Glyphs.number(target.logprob(), 3);
        String subtitle = a.method().label() + " · " + f
                + (a.completenessError() != null ? " · completeness error " + Glyphs.number(a.completenessError(), 4) : "");
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 10;
        double largest = a.largest() > 0 ? a.largest() : 1;
        boolean signed = a.method().signed();
        Scale scale = signed ? new Scale(-largest, largest) : new Scale(0, largest);
        y += Legend.ramp(sheet, m, y, inner, signed ? "attribution" : "share of attention flow",
                t -> shade(signed, signed ? 2 * t - 1 : t), scale, "after the target");
        y += 14;
        List<TokenScore> tokens = a.tokens();
        TextFlow flow = TextFlow.layout(TokenPieces.of(a.text(), tokens), HeatmapFigure.font(options), inner,
                options.boundaries());
        int at = target.position();
        flow.paint(sheet, m, y, k -> k >= at ? AttentionTextFigure.UNSEEN : shade(signed, a.scores()[k] / largest),
                k -> tooltip(a, k), "token", "token-");
        for (TextFlow.Box box : flow.boxes()) {
            if (box.token() == at) {
                sheet.strokeRect(m + box.x() - 1, y + box.y() - 1, box.width() + 2, box.height() + 2, Theme.SERIES_B, 2);
            }
        }
        y += flow.height() + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "attribution", options, null);
        md.put("method", a.method().id());
        md.put("position", Integer.toString(at));
        if (target.contrast() != null) {
            md.put("contrast", Integer.toString(target.contrast().id()));
        }
        md.put("palette", signed ? Palette.RDBU.toString() : "white-blue");
        md.put("scale", "[" + Glyphs.plain(scale.min()) + ", " + Glyphs.plain(scale.max()) + "]");
        return new AttributionFigure(options.width(), y, title, sheet, md, scale);
    }

    /** The colour scale: symmetric around 0 for signed methods. */
    public Scale scale() {
        return scale;
    }

    /** A score as a fraction of the largest |score| (in [−1, 1], clamped) to a colour: RdBu, 0 white; or white to blue. */
    static Rgb shade(boolean signed, double fraction) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(-1, Math.min(1, fraction));
        return signed ? Palette.RDBU.color(0.5 + 0.5 * f) : AttentionTextFigure.shade(f);
    }

    private static String tooltip(Attribution a, int k) {
        TokenScore t = a.tokens().get(k);
        String line = Tooltips.quoted(t.text()) + " · token " + k + " · id " + t.id();
        if (k == a.target().position()) {
            return line + "\nthe target: log p " + Glyphs.number(a.target().logprob(), 4);
        }
        if (k > a.target().position()) {
            return line + "\nafter the target: it cannot have mattered";
        }
        return line + "\n" + a.method().label() + ": " + Glyphs.number(a.scores()[k], 4);
    }
}
