package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's loss against the step: every step's train loss (faint), its running mean (the first
 * series colour) and the held-out loss (points in the second). Drawn once, like every figure, for PNG, SVG
 * and the screen. Items are the held-out points (kind "held-out"), indexed in order.
 */
public final class LossCurveFigure extends DrawnFigure {

    /** A held-out measurement: the mean loss over held-out windows after {@code step} steps. */
    public record HeldOut(int step, double loss) {
    }

    private LossCurveFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    /**
     * @param title     what was trained, e.g. "tiny: 2 layers × 64, 300 steps, held-out perplexity 512.3"
     * @param trainLoss the loss of each step, in order (non-finite values are left out)
     * @param heldOut   the held-out losses measured along the way
     */
    public static LossCurveFigure of(String title, float[] trainLoss, List<HeldOut> heldOut, FigureOptions options,
                                     ExportMetadata metadata) {
        List<Double> values = new ArrayList<>();
        for (float v : trainLoss) if (Float.isFinite(v)) values.add((double) v);
        for (HeldOut p : heldOut) values.add(p.loss());
        Scale y = Scale.minMax(values, new Scale(0, 1)).nice(6);
        Scale x = new Scale(0, Math.max(1, trainLoss.length));

        double w = options.width();
        double h = Math.max(300, Math.min(560, w * 0.6));
        double m = Theme.MARGIN;
        Sheet sheet = new Sheet();
        String subtitle = trainLoss.length + (trainLoss.length == 1 ? " step" : " steps")
                + (heldOut.isEmpty() ? "" : " · held-out loss " + Glyphs.plain(heldOut.get(heldOut.size() - 1).loss()));
        double top = Header.draw(sheet, m, m, w - 2 * m, title, subtitle) + 10;
        top += Legend.series(sheet, m, top, List.of("train (running mean)", "held out")) + 10;
        Axes axes = new Axes(m + Axes.LEFT_ROOM, top, w - 2 * m - Axes.LEFT_ROOM - 4,
                h - top - m - Axes.BOTTOM_ROOM, x, y);
        double[] yTicks = y.ticks(Math.max(2, Math.min(6, (int) (axes.height() / 40))));
        double yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
        axes.draw(sheet, Axes.integerTicks(x, Math.max(2, Math.min(10, (int) (axes.width() / 70)))),
                v -> Glyphs.number(v, 0), "step", yTicks, v -> Glyphs.tick(v, yStep), "loss (nats per token)");

        line(sheet, axes, y, trainLoss, Theme.series(0).withAlpha(0.3), 1);
        line(sheet, axes, y, runningMean(trainLoss, Math.max(1, trainLoss.length / 50)), Theme.series(0), 2.2);
        for (int i = 0; i < heldOut.size(); i++) {
            HeldOut p = heldOut.get(i);
            double px = axes.px(p.step());
            double py = axes.py(Math.max(y.min(), Math.min(y.max(), p.loss())));
            String tip = "step " + p.step() + ": held-out loss " + Glyphs.plain(p.loss());
            sheet.beginItem("held-out-" + i, tip);
            sheet.fillCircle(px, py, 4, Theme.series(1));
            sheet.endItem();
            sheet.item("held-out", i, px - 5, py - 5, 10, 10, tip);
        }
        Map<String, String> md = new LinkedHashMap<>(metadata.toMap());
        md.put("figure", "loss");
        md.put("steps", Integer.toString(trainLoss.length));
        return new LossCurveFigure(w, h, title, sheet, md);
    }

    /** The mean of each value and the {@code window - 1} before it. */
    public static float[] runningMean(float[] values, int window) {
        float[] out = new float[values.length];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i];
            if (i >= window) {
                sum -= values[i - window];
            }
            out[i] = (float) (sum / Math.min(i + 1, window));
        }
        return out;
    }

    /** A polyline through the finite values, step {@code i + 1} for value {@code i}; a gap at each non-finite one. */
    private static void line(Sheet sheet, Axes axes, Scale y, float[] values, Painter.Rgb colour, double width) {
        List<double[]> run = new ArrayList<>();
        for (int i = 0; i <= values.length; i++) {
            if (i < values.length && Float.isFinite(values[i])) {
                run.add(new double[] {axes.px(i + 1), axes.py(Math.max(y.min(), Math.min(y.max(), values[i])))});
                continue;
            }
            if (run.size() >= 2) {
                sheet.polyline(run.stream().mapToDouble(p -> p[0]).toArray(), run.stream().mapToDouble(p -> p[1]).toArray(),
                        colour, width);
            }
            run.clear();
        }
    }
}
