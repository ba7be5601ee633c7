package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.AttributionFigure;
import org.tokenscope.figure.Figure;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** Top-k → "why not": a click on an alternative's bar opens the Why tab on that contrast (headless, real inference thread). */
@ExtendWith(ApplicationExtension.class)
class WhyNotWindowTest {

    static Path dir;
    static Path tiny;
    static InferenceThread inference;
    MainViewModel vm;
    MainView view;

    @BeforeAll
    static void write() throws Exception {
        dir = Files.createTempDirectory("tokenscope-whynot");
        tiny = CheckpointWriter.write(TinyGpt2.random(6, 2, 4, 32, 64, 50257), dir.resolve("tiny"));
        inference = new InferenceThread();
    }

    @AfterAll
    static void stop() {
        inference.close();
    }

    @Start
    void start(Stage stage) {
        vm = new MainViewModel(inference);
        vm.compareProperty().set(false);
        vm.textProperty().set("The quick brown fox jumps over the lazy dog.");
        view = new MainView(vm, List.of("gpt2"));
        stage.setScene(new Scene(view, 1100, 760));
        stage.show();
        vm.loadModel(vm.slotA(), ModelRequest.named(tiny.toString()));
    }

    private void waitFor(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private Tab tab(String id) {
        return view.tabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow();
    }

    @Test
    void clickingAnAlternativesBarOpensWhyWithThatContrast(FxRobot robot) throws Exception {
        waitFor(() -> vm.analysisProperty().get() != null && !vm.status().busyProperty().get());
        WhyViewModel why = view.tab(WhyView.class).viewModel();
        robot.interact(() -> {
            why.methodProperty().set(Attribution.Method.OCCLUSION);
            vm.selectedProperty().set(4);
            view.tabs.getSelectionModel().select(tab("tab-topk"));
        });
        FigureView bars = view.tab(TopKView.class).figure;
        waitFor(() -> bars.getFigure() != null && bars.getFigure().title().startsWith("Token 4"));
        TokenScore selected = vm.analysisProperty().get().a().tokens().get(4);
        int rank = selected.top().get(0).id() == selected.id() ? 2 : 1;
        Alternative alternative = selected.top().get(rank);
        Figure.Item bar = bars.getFigure().items().stream().filter(i -> i.kind().equals("bar") && i.index() == rank)
                .findFirst().orElseThrow();
        assertThat(bar.tooltip()).contains("id " + alternative.id());

        Point2D at = bars.lookup("Canvas").localToScreen(bar.x() + bar.width() / 2, bar.y() + bar.height() / 2);
        robot.clickOn(at);
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(view.tabs.getSelectionModel().getSelectedItem()).isSameAs(tab("tab-why"));
        assertThat(why.contrastProperty().get()).isEqualTo(alternative);
        waitFor(() -> !why.busyProperty().get() && why.resultProperty().get() != null);
        Attribution a = why.resultProperty().get();
        assertThat(a.target().position()).isEqualTo(4);
        assertThat(a.target().id()).isEqualTo(selected.id());
        assertThat(a.target().contrast().id()).isEqualTo(alternative.id());
        assertThat(a.target().value()).isCloseTo(selected.logprob() - alternative.logprob(), within(1e-4));
        assertThat(view.tab(WhyView.class).status.getText()).contains("rather than");
        waitFor(() -> view.tab(WhyView.class).figure.getFigure() instanceof AttributionFigure);
        assertThat(view.tab(WhyView.class).figure.getFigure().title()).contains("rather than");
    }
}
