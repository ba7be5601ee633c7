package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import javafx.scene.control.ChoiceBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.figure.Figure;
import org.tokenscope.figure.Measure;

/**
 * The heatmap's detection measures in the real window, headless: picked in the toolbar's measure
 * picker when A and B share a tokenizer, they colour the heatmap by each token's term, as the Detect
 * tab's heatmaps do.
 */
class DetectHeatmapWindowTest extends TwoModelWindowTest {

    @Start
    void start(Stage stage) {
        open(stage);
    }

    @Test
    void pickingAShareColoursTheHeatmapByEachTokensTerm(FxRobot robot) throws Exception {
        waitFor(() -> vm.analysisProperty().get() != null && vm.analysisProperty().get().b() != null
                && !vm.status().busyProperty().get());
        @SuppressWarnings("unchecked")
        ChoiceBox<Measure> picker = (ChoiceBox<Measure>) robot.lookup("#measure").query();
        waitFor(() -> picker.getItems().contains(Measure.FAST_DETECTGPT));
        assertThat(picker.getItems()).contains(Measure.CROSS_ENTROPY, Measure.BINOCULARS, Measure.FAST_DETECTGPT);

        robot.clickOn(picker);
        robot.clickOn("Fast-DetectGPT share");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.figures().measureProperty().get()).isEqualTo(Measure.FAST_DETECTGPT);

        HeatmapView heatmap = view.tab(HeatmapView.class);
        waitFor(() -> heatmap.figure.getFigure() != null
                && "fast-detectgpt".equals(heatmap.figure.getFigure().metadata().get("measure")));
        TextDetection d = vm.detections().detectionProperty().get();
        assertThat(d).isNotNull();
        Figure f = heatmap.figure.getFigure();
        assertThat(f.title()).contains("observes and scores", "performs and refers");
        double[] shares = d.fastDetectGptContributions();
        List<Figure.Item> tokens = f.items().stream().filter(i -> i.kind().startsWith("token")).toList();
        // every scored token's tooltip carries its share, which sum to the score
        double sum = 0;
        for (int i = 0; i < d.positions().length; i++) {
            int t = d.positions()[i];
            String tip = tokens.stream().filter(it -> it.index() == t).findFirst().orElseThrow().tooltip();
            assertThat(tip).contains("Fast-DetectGPT share: ");
            sum += shares[i];
        }
        assertThat(sum).isCloseTo(d.fastDetectGpt(), within(1e-9));

        // the Detect tab shows the same detection as two heatmaps
        robot.interact(() -> view.tabs.getSelectionModel().select(view.tabs.getTabs().stream()
                .filter(t -> t.getText().equals("Detect")).findFirst().orElseThrow()));
        DetectView detect = view.tab(DetectView.class);
        waitFor(() -> detect.binoculars.getFigure() != null && detect.fastDetectGpt.getFigure() != null);
        assertThat(detect.binoculars.getFigure().metadata().get("measure")).isEqualTo("binoculars");
        assertThat(detect.fastDetectGpt.getFigure().metadata().get("figure")).isEqualTo("heatmap");

        // without B only Fast-DetectGPT is left; a pair measure goes back to probability
        robot.interact(() -> vm.figures().measureProperty().set(Measure.CROSS_ENTROPY));
        robot.interact(() -> vm.compareProperty().set(false));
        waitFor(() -> vm.analysisProperty().get() != null && vm.analysisProperty().get().b() == null
                && !vm.status().busyProperty().get());
        assertThat(picker.getItems()).contains(Measure.FAST_DETECTGPT).doesNotContain(Measure.CROSS_ENTROPY);
        assertThat(vm.figures().measureProperty().get()).isEqualTo(Measure.PROB);
    }
}
