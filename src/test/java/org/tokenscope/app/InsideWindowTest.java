package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.tokenscope.figure.AttentionGridFigure;
import org.tokenscope.figure.AttentionTextFigure;
import org.tokenscope.figure.Figure;
import org.tokenscope.figure.LensHeatmapFigure;
import org.tokenscope.figure.LensTableFigure;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;
import org.tokenscope.service.ModelRequest;

/** The Inside tab in the real window, headless (Monocle), on the real inference thread with a tiny checkpoint. */
@ExtendWith(ApplicationExtension.class)
class InsideWindowTest {

    static Path dir;
    static Path tiny;
    static InferenceThread inference;
    MainViewModel vm;
    MainView view;

    @BeforeAll
    static void write() throws Exception {
        dir = Files.createTempDirectory("tokenscope-inside");
        tiny = CheckpointWriter.write(TinyGpt2.random(4, 3, 4, 32, 64, 50257), dir.resolve("tiny"));
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

    private InsideViewModel inside() {
        return view.tab(InsideView.class).viewModel();
    }

    private void openInside(FxRobot robot) throws Exception {
        waitFor(() -> vm.analysisProperty().get() != null && !vm.status().busyProperty().get());
        Tab tab = view.tabs.getTabs().stream().filter(t -> "tab-inside".equals(t.getId())).findFirst().orElseThrow();
        robot.interact(() -> view.tabs.getSelectionModel().select(tab));
        waitFor(() -> inside().lensProperty().get() != null && !inside().busyProperty().get()
                && view.tab(InsideView.class).attentionText.getFigure() != null);
    }

    private void click(FxRobot robot, FigureView figure, Figure.Item item) {
        Point2D at = figure.lookup("Canvas").localToScreen(item.x() + item.width() / 2, item.y() + item.height() / 2);
        robot.clickOn(at);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void selectingATokenMovesTheAttentionShadingAndTheLensTable(FxRobot robot) throws Exception {
        openInside(robot);
        int n = inside().lensProperty().get().positions();
        AttentionTextFigure text = (AttentionTextFigure) view.tab(InsideView.class).attentionText.getFigure();
        assertThat(text.query()).isEqualTo(n - 1); // nothing selected: the last token
        assertThat(((LensTableFigure) view.tab(InsideView.class).lensTable.getFigure()).position()).isEqualTo(n - 1);
        assertThat(view.tab(InsideView.class).status.getText()).contains("tiny");

        // a click on a token of the attention text selects it: the shading and the lens follow
        Figure.Item second = text.items().stream().filter(i -> i.kind().equals("token") && i.index() == 2).findFirst()
                .orElseThrow();
        click(robot, view.tab(InsideView.class).attentionText, second);
        assertThat(vm.selectedProperty().get()).isEqualTo(2);
        AttentionTextFigure shaded = (AttentionTextFigure) view.tab(InsideView.class).attentionText.getFigure();
        assertThat(shaded.query()).isEqualTo(2);
        String quick = vm.analysisProperty().get().a().tokens().get(2).text().replace(' ', '·');
        assertThat(shaded.items().stream().filter(i -> i.index() == 0).findFirst().orElseThrow().tooltip())
                .contains("attention from '" + quick + "' (token 2)");
        assertThat(shaded.items().stream().filter(i -> i.index() == 3).findFirst().orElseThrow().tooltip())
                .contains("cannot attend");
        LensTableFigure table = (LensTableFigure) view.tab(InsideView.class).lensTable.getFigure();
        assertThat(table.position()).isEqualTo(2);
        assertThat(table.title()).contains("token 2");

        // a selection made elsewhere (the heatmap) is followed too, without another pass
        robot.interact(() -> vm.selectedProperty().set(5));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(((AttentionTextFigure) view.tab(InsideView.class).attentionText.getFigure()).query()).isEqualTo(5);
        assertThat(((LensTableFigure) view.tab(InsideView.class).lensTable.getFigure()).position()).isEqualTo(5);
        assertThat(inside().busyProperty().get()).isFalse();

        // a cell of the lens heatmap selects its position
        robot.interact(() -> view.tab(InsideView.class).views.getSelectionModel().select(4));
        WaitForAsyncUtils.waitForFxEvents();
        LensHeatmapFigure heat = (LensHeatmapFigure) view.tab(InsideView.class).lensHeatmap.getFigure();
        Figure.Item cell = heat.items().stream().filter(i -> i.kind().equals("cell") && i.index() == 2 * n + 4)
                .findFirst().orElseThrow();
        click(robot, view.tab(InsideView.class).lensHeatmap, cell);
        assertThat(vm.selectedProperty().get()).isEqualTo(4);
        assertThat(((LensTableFigure) view.tab(InsideView.class).lensTable.getFigure()).position()).isEqualTo(4);
    }

    @Test
    void clickingAHeadInTheGridOpensItsAttention(FxRobot robot) throws Exception {
        openInside(robot);
        robot.interact(() -> view.tab(InsideView.class).views.getSelectionModel().select(view.tab(InsideView.class).gridTab));
        waitFor(() -> inside().gridProperty().get() != null && view.tab(InsideView.class).grid.getFigure() instanceof AttentionGridFigure
                && !inside().busyProperty().get());
        AttentionGridFigure grid = (AttentionGridFigure) view.tab(InsideView.class).grid.getFigure();
        assertThat(grid.items().stream().filter(i -> i.kind().equals("head")).count()).isEqualTo(12);
        Figure.Item head = grid.items().stream().filter(i -> i.kind().equals("head") && i.index() == 4 + 2).findFirst()
                .orElseThrow();
        click(robot, view.tab(InsideView.class).grid, head);
        assertThat(inside().layerProperty().get()).isEqualTo(1);
        assertThat(inside().headProperty().get()).isEqualTo(2);
        assertThat(view.tab(InsideView.class).views.getSelectionModel().getSelectedItem()).isSameAs(view.tab(InsideView.class).attentionTab);
        waitFor(() -> inside().attentionProperty().get().layer() == 1 && !inside().busyProperty().get());
        assertThat(view.tab(InsideView.class).attentionText.getFigure().items()).isNotEmpty();
        assertThat(view.tab(InsideView.class).layer.getValue()).isEqualTo(1);
        assertThat(view.tab(InsideView.class).head.getValue()).isEqualTo(2);
        assertThat(((AttentionTextFigure) view.tab(InsideView.class).attentionText.getFigure()).title()).startsWith("Attention from");
        assertThat(view.tab(InsideView.class).attentionText.getFigure().metadata()).containsEntry("layer", "1").containsEntry("head", "2");

        Path svg = dir.resolve("attention.svg");
        Path csv = dir.resolve("attention.csv");
        robot.interact(() -> {
            try {
                view.tab(InsideView.class).attentionText.export(svg);
                view.tab(InsideView.class).attentionText.export(csv);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(Files.readString(svg)).contains("<svg", "layer 1, head 2");
        assertThat(Files.readAllLines(csv).get(0)).isEqualTo("layer,head,query,query_token,key,key_token,weight");
    }
}
