package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.ScoredText;

/** A pane's height, when given, is filled by the plot and the bars; without one (exports) nothing changes. */
class FigureHeightTest {

    static final FigureOptions O = FigureOptions.DEFAULT.withWidth(800);

    @Test
    void thePlotTakesThePanesHeightButNeverGrowsTallerThanWide() {
        List<ScoredText> runs = List.of(Samples.scored(Samples.PARAGRAPH, "A", 1, true),
                Samples.scored(Samples.PARAGRAPH, "B", 2, true));
        assertThat(TokenPlotFigure.of(runs, O, ExportMetadata.NONE).height()).isEqualTo(360); // 0.45 × 800, as before
        assertThat(TokenPlotFigure.of(runs, O.withHeight(600), ExportMetadata.NONE).height()).isEqualTo(600);
        assertThat(TokenPlotFigure.of(runs, O.withHeight(1000), ExportMetadata.NONE).height()).isEqualTo(800);
        assertThat(TokenPlotFigure.of(runs, O.withHeight(100), ExportMetadata.NONE).height()).isEqualTo(260);
    }

    @Test
    void theBarsGrowToFillAPaneWithinTheirLargestRow() {
        ScoredText a = Samples.scored(Samples.PARAGRAPH, "A", 1, true);
        var panels = List.of(new TopKFigure.Panel("A", a.tokens().get(3).top(), null));
        int k = panels.get(0).alternatives().size();
        double own = TopKFigure.of("Next token", panels, O, ExportMetadata.NONE).height();
        double filled = TopKFigure.of("Next token", panels, O.withHeight(own + 6 * k), ExportMetadata.NONE).height();
        assertThat(filled).isGreaterThan(own + 4 * k).isLessThanOrEqualTo(own + 6 * k); // within a few px of the pane
        double capped = TopKFigure.of("Next token", panels, O.withHeight(5000), ExportMetadata.NONE).height();
        assertThat(capped).isLessThan(own + 19 * k); // rows stop at 40 (from 22)
        assertThat(TopKFigure.of("Next token", panels, O.withHeight(50), ExportMetadata.NONE).height()).isEqualTo(own);
        assertThatThrownBy(() -> O.withHeight(-1)).hasMessageContaining("height");
    }
}
