package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.tokenscope.figure.Figure;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** The real window, headless (Monocle), with the real inference thread and tiny checkpoints. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    static Path dir;
    static Path small;
    static Path large;
    static InferenceThread inference;
    MainViewModel vm;
    MainView view;

    @BeforeAll
    static void write() throws Exception {
        dir = Files.createTempDirectory("tokenscope-ui");
        small = CheckpointWriter.write(TinyGpt2.random(1, 2, 4, 32, 64, 50257), dir.resolve("small"));
        large = CheckpointWriter.write(TinyGpt2.random(2, 3, 4, 48, 64, 50257), dir.resolve("large"));
        inference = new InferenceThread();
    }

    @AfterAll
    static void stop() {
        inference.close();
    }

    @Start
    void start(Stage stage) {
        vm = new MainViewModel(inference);
        view = new MainView(vm, List.of("gpt2"));
        stage.setScene(new Scene(view, 1100, 760));
        stage.show();
        vm.loadModel(vm.slotA(), small.toString(), false, null);
        vm.loadModel(vm.slotB(), large.toString(), false, null);
    }

    private void waitFor(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void analysed() throws Exception {
        waitFor(() -> vm.analysisProperty().get() != null && vm.analysisProperty().get().b() != null
                && !vm.busyProperty().get());
    }

    @Test
    void typingATextShowsOneHeatmapItemPerTokenWithTooltips(FxRobot robot) throws Exception {
        analysed();
        robot.interact(() -> vm.textProperty().set("Hello world 😀"));
        waitFor(() -> vm.analysisProperty().get().text().equals("Hello world 😀") && !vm.busyProperty().get());
        Figure heatmap = view.heatmap.getFigure();
        int tokens = vm.analysisProperty().get().a().tokens().size();
        List<Figure.Item> items = heatmap.items().stream().filter(i -> i.kind().startsWith("token")).toList();
        assertThat(items.get(1).index()).isEqualTo(1);
        assertThat(items.stream().mapToInt(Figure.Item::index).distinct().count()).isEqualTo(tokens);
        assertThat(items.size()).isGreaterThanOrEqualTo(2 * tokens); // stacked: A above B
        String logprob = String.format(java.util.Locale.ROOT, "%.3f", vm.analysisProperty().get().a().tokens().get(1).logprob())
                .replace('-', '\u2212');
        assertThat(items.get(1).tooltip()).contains("world");
        Point2D center = view.heatmap.lookup("Canvas") == null ? null
                : view.heatmap.lookup("Canvas").localToScreen(items.get(1).x() + 2, items.get(1).y() + 2);
        robot.moveTo(center);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(view.heatmap.tooltipText()).contains("world");
        assertThat(items.get(1).tooltip()).contains("log p " + logprob, "rank", "entropy", "top");
    }

    @Test
    void clickingATokenSelectsItAndTheTopKFollows(FxRobot robot) throws Exception {
        analysed();
        Figure.Item second = view.heatmap.getFigure().items().stream().filter(i -> i.kind().startsWith("token"))
                .skip(1).findFirst().orElseThrow();
        Point2D at = view.heatmap.lookup("Canvas").localToScreen(second.x() + 2, second.y() + 2);
        robot.clickOn(at);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.selectedProperty().get()).isEqualTo(second.index());
        assertThat(view.topK.getFigure().title()).isNotBlank();
        assertThat(view.topK.getFigure().items()).isNotEmpty();
    }

    @Test
    void switchingBOffLeavesOneHeatmap(FxRobot robot) throws Exception {
        analysed();
        robot.clickOn("#compare");
        waitFor(() -> vm.analysisProperty().get().b() == null && !vm.busyProperty().get());
        int tokens = vm.analysisProperty().get().a().tokens().size();
        assertThat(view.heatmap.getFigure().items().stream().filter(i -> i.kind().startsWith("token"))
                .mapToInt(Figure.Item::index).distinct().count()).isEqualTo(tokens);
        assertThat(view.heatmap.getFigure().items().stream().filter(i -> i.kind().startsWith("token")).count())
                .isLessThan(2L * tokens);
        assertThat(view.modelB.isDisabled()).isTrue();
    }

    @Test
    void aBadFolderShowsAClearMessageAndTheWindowGoesOn(FxRobot robot) throws Exception {
        analysed();
        Path bad = Files.createDirectories(dir.resolve("bad"));
        robot.interact(() -> vm.loadModel(vm.slotA(), bad.toString(), false, null));
        waitFor(() -> !vm.errorProperty().get().isEmpty());
        assertThat(view.status.getText()).contains("config.json");
        robot.interact(() -> vm.textProperty().set("Still here"));
        waitFor(() -> vm.analysisProperty().get().text().equals("Still here") && !vm.busyProperty().get());
        assertThat(vm.analysisProperty().get().a().model().name()).isEqualTo("small");
    }

    @Test
    void exportFromTheWindowWritesTheFigureOnScreen(FxRobot robot) throws Exception {
        analysed();
        Path svg = dir.resolve("heatmap.svg");
        Path csv = dir.resolve("heatmap.csv");
        robot.interact(() -> {
            try {
                view.heatmap.export(svg);
                view.heatmap.export(csv);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(Files.readString(svg)).contains("<svg", "fox");
        assertThat(Files.readAllLines(csv).size()).isGreaterThan(2);
    }
}
