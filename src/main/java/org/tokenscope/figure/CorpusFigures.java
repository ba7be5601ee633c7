package org.tokenscope.figure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.Roc;
import org.tokenscope.figure.Painter.Anchor;

/**
 * The corpus view's figures, drawn once for the screen, SVG and PNG: the ROC curves of every
 * detection metric, and one metric's histogram per label.
 */
public final class CorpusFigures {

    private CorpusFigures() {
    }

    private static final class Drawn extends DrawnFigure {
        Drawn(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
            super(width, height, title, sheet, metadata);
        }
    }

    /** ROC curves, one per metric (machine-written as positive), with the diagonal of chance and each AUROC. */
    public static Figure roc(Map<String, Roc> curves, double width, ExportMetadata metadata) {
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        String title = "ROC · machine-written as positive";
        int docs = curves.values().stream().findFirst().map(r -> r.positives() + r.negatives()).orElse(0);
        double top = Header.draw(sheet, m, m, width - 2 * m, title, docs + " labelled documents") + 14;
        double side = Math.max(120, Math.min(width - 2 * m - Axes.LEFT_ROOM - 4, 520));
        Scale unit = new Scale(0, 1);
        Axes axes = new Axes(m + Axes.LEFT_ROOM, top, side, side, unit, unit);
        double[] ticks = unit.ticks(5);
        axes.draw(sheet, ticks, v -> Glyphs.tick(v, 0.2), "false-positive rate", ticks, v -> Glyphs.tick(v, 0.2),
                "true-positive rate");
        sheet.line(axes.px(0), axes.py(0), axes.px(1), axes.py(1), Theme.GRID, 1);
        int i = 0;
        double lh = TextMeasure.lineHeight(Theme.LABEL) + 2;
        for (Map.Entry<String, Roc> e : curves.entrySet()) {
            List<Roc.Point> pts = e.getValue().curve();
            double[] xs = new double[pts.size()];
            double[] ys = new double[pts.size()];
            for (int k = 0; k < xs.length; k++) {
                xs[k] = axes.px(Double.isNaN(pts.get(k).fpr()) ? 0 : pts.get(k).fpr());
                ys[k] = axes.py(Double.isNaN(pts.get(k).tpr()) ? 0 : pts.get(k).tpr());
            }
            Painter.Rgb colour = Theme.series(i);
            sheet.polyline(xs, ys, colour, 2);
            String label = e.getKey() + "  AUROC " + Glyphs.number(e.getValue().auroc(), 3) + " · TPR@1%FPR "
                    + Glyphs.number(e.getValue().tprAt1PctFpr(), 3);
            double ly = axes.bottom() - 10 - (curves.size() - 1 - i) * lh;
            sheet.line(axes.left() + side * 0.35, ly - 4, axes.left() + side * 0.35 + 18, ly - 4, colour, 2);
            sheet.text(label, axes.left() + side * 0.35 + 24, ly, Theme.LABEL, Theme.INK, Anchor.START);
            i++;
        }
        Map<String, String> md = new LinkedHashMap<>(metadata.toMap());
        md.put("figure", "roc");
        curves.forEach((name, roc) -> md.put("auroc." + name, Glyphs.plain(roc.auroc())));
        return new Drawn(width, axes.bottom() + Axes.BOTTOM_ROOM + m, title, sheet, md);
    }

    /**
     * One metric's histogram per label: {@code bins} equal bins over the range of all values, each
     * label's bars side by side as the share of that label's documents. NaN values are left out.
     */
    public static Figure histogram(String metric, Map<String, double[]> byLabel, int bins, double width,
                                   ExportMetadata metadata) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] values : byLabel.values()) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        double[][] shares = new double[byLabel.size()][bins];
        double maxShare = 0;
        int l = 0;
        for (double[] values : byLabel.values()) {
            long n = java.util.Arrays.stream(values).filter(Double::isFinite).count();
            for (double v : values) {
                if (!Double.isFinite(v)) continue;
                int b = Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins));
                shares[l][b] += 1.0 / n;
            }
            for (double s : shares[l]) maxShare = Math.max(maxShare, s);
            l++;
        }
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        String title = metric + " per label";
        double top = Header.draw(sheet, m, m, width - 2 * m, title, bins + " bins · share of each label's documents") + 14;
        double plotW = Math.max(160, width - 2 * m - Axes.LEFT_ROOM - 4);
        Scale x = new Scale(lo, hi);
        Scale y = new Scale(0, Math.max(0.05, maxShare)).nice(4);
        Axes axes = new Axes(m + Axes.LEFT_ROOM, top, plotW, 220, x, y);
        double[] xt = x.ticks(6);
        double[] yt = y.ticks(4);
        double xs = xt.length > 1 ? xt[1] - xt[0] : 1;
        double ys = yt.length > 1 ? yt[1] - yt[0] : 1;
        axes.draw(sheet, xt, v -> Glyphs.tick(v, xs), metric, yt, v -> Glyphs.tick(v, ys), "share of documents");
        double binW = plotW / bins;
        double barW = binW / byLabel.size();
        l = 0;
        double lh = TextMeasure.lineHeight(Theme.LABEL) + 2;
        for (String label : byLabel.keySet()) {
            Painter.Rgb colour = Theme.series(l);
            for (int b = 0; b < bins; b++) {
                if (shares[l][b] <= 0) continue;
                double bx = axes.left() + b * binW + l * barW;
                double by = axes.py(shares[l][b]);
                String tip = label + ": " + Glyphs.percent(shares[l][b]) + " of documents in ["
                        + Glyphs.plain(lo + b * (hi - lo) / bins) + ", " + Glyphs.plain(lo + (b + 1) * (hi - lo) / bins) + ")";
                sheet.beginItem("bar-" + l + "-" + b, tip);
                sheet.fillRect(bx, by, Math.max(1, barW - 1), axes.bottom() - by, colour.withAlpha(0.75));
                sheet.endItem();
                sheet.item("bar", l * bins + b, bx, by, Math.max(1, barW - 1), axes.bottom() - by, tip);
            }
            double ly = axes.top() + 12 + l * lh;
            sheet.fillRect(axes.right() - 110, ly - 9, 10, 10, colour);
            sheet.text(label, axes.right() - 95, ly, Theme.LABEL, Theme.INK, Anchor.START);
            l++;
        }
        Map<String, String> md = new LinkedHashMap<>(metadata.toMap());
        md.put("figure", "histogram");
        md.put("metric", metric);
        return new Drawn(width, axes.bottom() + Axes.BOTTOM_ROOM + m, title, sheet, md);
    }
}
