package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training curve, drawn through the figure package like every other figure. */
class LossCurveFigureTest {

    @Test
    void theRunningMeanAveragesTheWindowBeforeEachStep() {
        assertThat(LossCurveFigure.runningMean(new float[] {1, 2, 3, 4}, 2)).containsExactly(1f, 1.5f, 2.5f, 3.5f);
        assertThat(LossCurveFigure.runningMean(new float[] {4, 2}, 5)).containsExactly(4f, 3f);
    }

    @Test
    void heldOutPointsSitWhereTheirStepAndLossAre() throws Exception {
        float[] train = new float[100];
        for (int i = 0; i < train.length; i++) train[i] = (float) (10 - 6.0 * i / train.length);
        List<LossCurveFigure.HeldOut> heldOut = List.of(new LossCurveFigure.HeldOut(20, 9.0),
                new LossCurveFigure.HeldOut(60, 6.5), new LossCurveFigure.HeldOut(100, 5.0));
        Figure f = LossCurveFigure.of("tiny: 1 layer", train, heldOut, FigureOptions.DEFAULT.withWidth(900),
                ExportMetadata.NONE);
        assertThat(f.width()).isEqualTo(900);
        List<Figure.Item> points = f.items().stream().filter(i -> i.kind().equals("held-out")).toList();
        assertThat(points).hasSize(3);
        for (int i = 1; i < points.size(); i++) {
            assertThat(points.get(i).x()).as("later steps to the right").isGreaterThan(points.get(i - 1).x());
            assertThat(points.get(i).y()).as("lower losses further down").isGreaterThan(points.get(i - 1).y());
        }
        // the step-60 point lies 60 % of the way from the step-0 axis to the step-100 point
        double x0 = points.get(0).x() - (points.get(2).x() - points.get(0).x()) * 20 / 80;
        assertThat(points.get(1).x()).isCloseTo(x0 + (points.get(2).x() - x0) * 0.6, org.assertj.core.api.Assertions.within(0.01));
        String svg = new String(Exporter.toBytes(f, Exporter.Format.SVG, Exporter.ImageOptions.DEFAULT), StandardCharsets.UTF_8);
        assertThat(svg).contains("tiny: 1 layer", "loss (nats per token)", "held out");
    }
}
