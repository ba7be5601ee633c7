package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LegendTest {

    /** The colour bar's tick labels (the texts below the bar) stand apart, whatever the scale's top. */
    @Test
    void rampTickLabelsNeverOverlap() {
        for (double top : new double[] {0.039, 0.0123, 0.35, 0.97, 1, 7.3, 41, 1234, 0.00049}) {
            for (double width : new double[] {300, 500, 900}) {
                Recorder r = new Recorder();
                double height = Legend.ramp(r, 0, 0, width, "attention weight", v -> Theme.INK,
                        new Scale(0, top), "after it (unseen)");
                assertThat(height).isPositive();
                List<Recorder.Text> ticks = r.texts.stream()
                        .filter(t -> t.font() == Theme.TICK && t.fill() == Theme.MUTED).toList(); // not the swatch's name
                assertThat(ticks).as("ticks for 0..%s in %s px", top, width).hasSizeGreaterThanOrEqualTo(2);
                double previousEnd = Double.NEGATIVE_INFINITY;
                for (Recorder.Text t : ticks) {
                    double w = TextMeasure.width(t.text(), t.font());
                    double start = switch (t.anchor()) {
                        case START -> t.x();
                        case END -> t.x() - w;
                        case MIDDLE -> t.x() - w / 2;
                    };
                    assertThat(start).as("'%s' (0..%s in %s px) starts after the label before it ends", t.text(), top, width)
                            .isGreaterThan(previousEnd);
                    previousEnd = start + w;
                }
            }
        }
    }
}
