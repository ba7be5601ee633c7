package org.tokenscope.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.animation.AnimationTimer;
import org.tokenscope.service.Analysis;

/**
 * Measures the heatmap of the analysis on screen, on the FX thread, without asserting anything:
 * laying out and painting it ({@link FigureView#refresh}, repeated), then scrolling it from top to
 * bottom one step per frame and recording the time between frames (a frame late by more than
 * 1/60 s is a dropped frame). For {@code screenshot --measure}; the figures go to BENCHMARKS.md.
 */
final class RenderMeasurement {

    private static final int LAYOUTS = 10;
    private static final int SCROLL_FRAMES = 120;

    private RenderMeasurement() {
    }

    static void run(MainView view, Analysis analysis, Consumer<String> report) {
        FigureView heatmap = view.tab(HeatmapView.class).figure;
        double[] layout = new double[LAYOUTS];
        for (int i = 0; i < LAYOUTS; i++) {
            long start = System.nanoTime();
            heatmap.refresh();
            layout[i] = (System.nanoTime() - start) / 1e6;
        }
        List<Double> frames = new ArrayList<>();
        new AnimationTimer() {
            private long last = -1;
            private int step;

            @Override
            public void handle(long now) {
                if (last >= 0) {
                    frames.add((now - last) / 1e6);
                }
                last = now;
                if (step > SCROLL_FRAMES) {
                    stop();
                    double[] f = frames.stream().mapToDouble(Double::doubleValue).toArray();
                    int tokens = analysis.a().tokens().size();
                    report.accept(String.format(Locale.ROOT, "{\"tokens\": %d, \"analysis_ms\": %d, "
                                    + "\"figure_height_px\": %.0f, \"layout_paint_ms\": {\"median\": %.2f, \"max\": %.2f}, "
                                    + "\"scroll_frame_ms\": {\"frames\": %d, \"median\": %.2f, \"p95\": %.2f, \"max\": %.2f, "
                                    + "\"over_16_7ms\": %d}}",
                            tokens, analysis.millis(), heatmap.getFigure().height(), percentile(layout, 50),
                            percentile(layout, 100), f.length, percentile(f, 50), percentile(f, 95), percentile(f, 100),
                            Arrays.stream(f).filter(x -> x > 1000.0 / 60 + 1).count()));
                    return;
                }
                heatmap.setVvalue((double) step / SCROLL_FRAMES);
                step++;
            }
        }.start();
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
