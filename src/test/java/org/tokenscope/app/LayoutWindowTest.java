package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tab;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Paint;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.tokenscope.figure.ScatterFigure;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/**
 * The real window at the sizes people use (1280×820, the default, and 1920×1080), headless: every tab's
 * main figure lies inside its pane's viewport (no scroll bar needed, no axis below the fold), empty panes
 * say what to do, Ctrl+Enter generates in the Generate tab, and a toggle that is on looks on.
 */
@ExtendWith(ApplicationExtension.class)
class LayoutWindowTest {

    /** An ordinary paragraph: four to six lines of heatmap at these widths. */
    static final String PARAGRAPH = "The town council voted on Tuesday night to repair the old bridge on Mill Street "
            + "rather than replace it, ending a debate that has run for almost two years. The repairs will cost about "
            + "$1.2 million, less than half of what a new bridge would have cost, and the work is expected to begin in "
            + "the spring. Several residents spoke at the meeting, most of them in favour of the plan.";

    static Path dir;
    static Path small;
    static Path large;
    static InferenceThread inference;
    Stage stage;
    MainViewModel vm;
    MainView view;

    @BeforeAll
    static void write() throws Exception {
        dir = Files.createTempDirectory("tokenscope-layout");
        small = CheckpointWriter.write(TinyGpt2.random(11, 2, 4, 32, 64, 50257), dir.resolve("small"));
        large = CheckpointWriter.write(TinyGpt2.random(12, 3, 4, 48, 64, 50257), dir.resolve("large"));
        inference = new InferenceThread();
    }

    @AfterAll
    static void stop() {
        inference.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(() -> stage.hide());
    }

    /** A fresh window of {@code size} ("1280x820") on the paragraph, no model loaded yet. */
    private void open(FxRobot robot, String size) {
        String[] wh = size.split("x");
        robot.interact(() -> {
            vm = new MainViewModel(inference);
            vm.textProperty().set(PARAGRAPH);
            vm.compareProperty().set(true);
            view = new MainView(vm, List.of("gpt2"));
            stage.setScene(new Scene(view, Double.parseDouble(wh[0]), Double.parseDouble(wh[1])));
            stage.show();
        });
        assertThat(view.getWidth()).isEqualTo(Double.parseDouble(wh[0]));
        assertThat(view.getHeight()).isEqualTo(Double.parseDouble(wh[1]));
    }

    private void load(FxRobot robot) throws Exception {
        robot.interact(() -> {
            vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
            vm.loadModel(vm.slotB(), ModelRequest.named(large.toString()));
        });
        waitFor(() -> vm.analysisProperty().get() != null && vm.analysisProperty().get().b() != null
                && !vm.status().busyProperty().get());
    }

    private void waitFor(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void select(FxRobot robot, String title) {
        Tab tab = view.tabs.getTabs().stream().filter(t -> title.equals(t.getText())).findFirst().orElseThrow();
        robot.interact(() -> view.tabs.getSelectionModel().select(tab));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The figure's canvas lies inside the pane's viewport: nothing to scroll to, nothing clipped. */
    private static void fits(String what, FigureView pane) {
        assertThat(pane.getFigure()).as(what + ": a figure").isNotNull();
        Bounds viewport = pane.getViewportBounds();
        Bounds canvas = pane.canvas().getBoundsInParent();
        assertThat(viewport.getWidth()).as(what + ": the pane is on screen").isGreaterThan(100);
        assertThat(canvas.getMinX()).as(what).isGreaterThanOrEqualTo(0);
        assertThat(canvas.getMinY()).as(what).isGreaterThanOrEqualTo(0);
        assertThat(canvas.getMaxX()).as(what + ": right edge within the viewport (%s)", viewport)
                .isLessThanOrEqualTo(viewport.getWidth() + 0.5);
        assertThat(canvas.getMaxY()).as(what + ": bottom edge within the viewport (%s)", viewport)
                .isLessThanOrEqualTo(viewport.getHeight() + 0.5);
        assertThat(pane.getVvalue()).as(what + ": not scrolled").isZero();
        assertThat(pane.placeholder().isVisible()).as(what + ": no hint over a figure").isFalse();
    }

    /** The pane shows its hint, on screen, saying {@code words}. */
    private static void hints(String what, FigureView pane, String words) {
        assertThat(pane.getFigure()).as(what).isNull();
        assertThat(pane.placeholder().isVisible()).as(what + ": hint shown").isTrue();
        assertThat(pane.placeholder().getText()).as(what).contains(words);
        Bounds hint = pane.placeholder().getBoundsInParent();
        Bounds viewport = pane.getViewportBounds();
        assertThat(hint.getWidth()).as(what + ": hint laid out").isGreaterThan(50);
        assertThat(hint.getMaxX()).as(what + ": hint inside the pane").isLessThanOrEqualTo(viewport.getWidth());
        assertThat(hint.getMaxY()).as(what + ": hint inside the pane").isLessThanOrEqualTo(viewport.getHeight());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1280x820", "1920x1080"})
    void everyMainFigureFitsItsPane(String size, FxRobot robot) throws Exception {
        open(robot, size);
        load(robot);
        Map<String, FigureView> panes = new LinkedHashMap<>();
        panes.put("Heatmap", view.tab(HeatmapView.class).figure);
        panes.put("Compare", view.tab(CompareView.class).scatter);
        panes.put("Top-k", view.tab(TopKView.class).figure);
        panes.put("Tokens", view.tab(TokensView.class).figure);
        for (var pane : panes.entrySet()) {
            select(robot, pane.getKey());
            fits(pane.getKey() + " at " + size, pane.getValue());
        }
        select(robot, "Compare");
        fits("the plot beside the scatter at " + size, view.tab(CompareView.class).plot);
        select(robot, "Detect"); // it scores when shown
        DetectView detect = view.tab(DetectView.class);
        waitFor(() -> detect.fastDetectGpt.getFigure() != null && detect.binoculars.getFigure() != null);
        fits("Fast-DetectGPT at " + size, detect.fastDetectGpt);
        fits("Binoculars at " + size, detect.binoculars);
        // the scatter's x axis is in view: its plot area ends above the viewport's bottom, with room for the labels
        ScatterFigure scatter = (ScatterFigure) view.tab(CompareView.class).scatter.getFigure();
        assertThat(scatter.plotSide()).as("a scatter large enough to read").isGreaterThan(250);
        // the plot and the bars fill their pane's height too: no empty half below them
        FigureView plot = view.tab(CompareView.class).plot;
        assertThat(plot.canvas().getHeight()).as("the plot at " + size).isGreaterThan(0.9 * plot.getViewportBounds().getHeight());
        FigureView bars = view.tab(TopKView.class).figure;
        assertThat(bars.canvas().getHeight()).as("top-k at " + size).isGreaterThan(0.6 * bars.getViewportBounds().getHeight());
        // the text figures use the whole width
        FigureView heatmap = view.tab(HeatmapView.class).figure;
        assertThat(heatmap.canvas().getWidth()).isGreaterThan(heatmap.getViewportBounds().getWidth() - 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1280x820", "1920x1080"})
    void emptyPanesSayWhatToDo(String size, FxRobot robot) throws Exception {
        open(robot, size);
        select(robot, "Heatmap");
        hints("heatmap before a model", view.tab(HeatmapView.class).figure, "Ctrl+Enter");
        select(robot, "Top-k");
        hints("top-k before a model", view.tab(TopKView.class).figure, "click a token");
        select(robot, "Tokens");
        hints("tokens before a model", view.tab(TokensView.class).figure, "Analyse");
        select(robot, "Compare");
        hints("scatter before a model", view.tab(CompareView.class).scatter, "compare with B");
        select(robot, "Generate");
        hints("generate before a generation", view.tab(GenerateView.class).steps, "Press Generate, or Ctrl+Enter");
        select(robot, "Why");
        hints("why before a token is asked about", view.tab(WhyView.class).figure, "Why?");
        select(robot, "What if");
        hints("what if before a fork", view.tab(WhatIfView.class).tree, "Fork");
        select(robot, "Pairs");
        hints("pairs before classifying", view.tab(PairsView.class).chart, "Classify");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1280x820"})
    void ctrlEnterGeneratesInTheGenerateTabAndTheStepsFit(String size, FxRobot robot) throws Exception {
        open(robot, size);
        load(robot);
        select(robot, "Generate");
        GenerateView generate = view.tab(GenerateView.class);
        robot.clickOn("#prompt");
        robot.press(KeyCode.CONTROL).press(KeyCode.ENTER).release(KeyCode.ENTER).release(KeyCode.CONTROL);
        waitFor(() -> generate.steps.getFigure() != null && !vm.status().busyProperty().get());
        assertThat(generate.steps.placeholder().isVisible()).isFalse();
        Bounds canvas = generate.steps.canvas().getBoundsInParent();
        assertThat(canvas.getMaxX()).isLessThanOrEqualTo(generate.steps.getViewportBounds().getWidth() + 0.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1280x820", "1920x1080"})
    void togglesLookOnWhenOnAndEveryToolbarItemIsOnScreen(String size, FxRobot robot) {
        open(robot, size);
        ToggleButton boundaries = robot.lookup("#boundaries").queryAs(ToggleButton.class);
        ToggleButton monospace = robot.lookup("#monospace").queryAs(ToggleButton.class);
        assertThat(monospace.getText()).isEqualTo("monospace");
        robot.interact(() -> boundaries.setSelected(true));
        robot.interact(() -> {
            boundaries.applyCss();
            monospace.applyCss();
        });
        Paint on = boundaries.getTextFill();
        Paint off = monospace.getTextFill();
        assertThat(on).as("an on toggle's text differs from an off one's").isNotEqualTo(off);
        assertThat(boundaries.getBackground().getFills()).isNotEqualTo(monospace.getBackground().getFills());
        // both toolbar rows fit the window: no item hidden in an overflow menu
        for (var id : List.of("#model-a", "#compare", "#model-b", "#weights", "#measure", "#min-max", "#boundaries",
                "#monospace", "#difference", "#dark")) {
            var node = robot.lookup(id).query();
            Bounds b = node.localToScene(node.getBoundsInLocal());
            assertThat(node.isVisible()).as(id).isTrue();
            assertThat(b.getMaxX()).as(id + " on screen at " + size).isLessThanOrEqualTo(view.getWidth());
            assertThat(node instanceof Labeled l ? l.getText() : "x").as(id).isNotBlank();
        }
    }
}
