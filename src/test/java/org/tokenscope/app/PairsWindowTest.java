package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.tokenscope.figure.Figure;
import org.tokenscope.testing.TinyDeberta;

/** The Pairs tab on the real inference thread, headless, with a tiny classifier the test writes. */
@ExtendWith(ApplicationExtension.class)
class PairsWindowTest {

    static Path dir;
    static Path nli;
    static InferenceThread inference;
    MainViewModel main;
    PairsView view;

    @BeforeAll
    static void write() throws Exception {
        dir = Files.createTempDirectory("tokenscope-pairs");
        nli = TinyDeberta.v2(List.of("contradiction", "entailment", "neutral"), 71).write(dir.resolve("nli-tiny"), false);
        inference = new InferenceThread();
    }

    @AfterAll
    static void stop() {
        inference.close();
    }

    @Start
    void start(Stage stage) {
        main = new MainViewModel(inference);
        view = new PairsView(new PairsViewModel(main, inference));
        stage.setScene(new Scene(view, 1100, 700));
        stage.show();
    }

    @Test
    void classifiedPairsFillTheTableAndTheChartSortAndExport(FxRobot robot) throws Exception {
        PairsViewModel vm = view.viewModel();
        robot.interact(() -> {
            vm.paste("""
                    A man walks into a bar and buys a drink\tA bloke swigs alcohol at a pub
                    A person on a horse\tA person is outdoors, on a horse.
                    the dog was a fan of the man\tthe man was a fan of the dog
                    """);
            vm.classifierProperty().set(nli.toString());
        });
        robot.interact(() -> view.classify.fire());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.scoresProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(view.table.getItems()).hasSize(3).allSatisfy(r -> assertThat(r.score()).isNotNull());
        Figure chart = view.chart.getFigure();
        assertThat(chart).isNotNull();
        assertThat(chart.items().stream().filter(i -> i.kind().equals("bar"))).hasSize(3);

        // sort by the score column, highest first: the chart follows the table's order
        robot.interact(() -> {
            @SuppressWarnings("unchecked")
            TableColumn<PairsViewModel.Row, ?> score = (TableColumn<PairsViewModel.Row, ?>) view.table.getColumns().get(3);
            score.setSortType(TableColumn.SortType.DESCENDING);
            view.table.getSortOrder().setAll(List.of(score));
        });
        WaitForAsyncUtils.waitForFxEvents();
        List<Double> shown = view.table.getItems().stream().map(r -> r.score().score("entailment")).toList();
        assertThat(shown).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        List<Integer> bars = view.chart.getFigure().items().stream().filter(i -> i.kind().equals("bar"))
                .map(Figure.Item::index).toList();
        assertThat(bars).containsExactlyElementsOf(view.table.getItems().stream().map(r -> r.index() - 1).toList());

        // a row goes to the main text
        robot.interact(() -> view.table.getSelectionModel().select(0));
        PairsViewModel.Row first = view.table.getItems().getFirst();
        assertThat(main.textProperty().get()).isEqualTo(first.pair().premise() + "\n\n" + first.pair().hypothesis());

        for (String ext : List.of("svg", "png", "csv", "json", "tex")) {
            Path file = dir.resolve("pairs." + ext);
            robot.interact(() -> {
                try {
                    view.chart.export(file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(Files.size(file)).as(ext).isGreaterThan(100);
        }
        assertThat(Files.readString(dir.resolve("pairs.csv")).lines().count()).isEqualTo(4);

        String keep = System.getenv("TOKENSCOPE_SCREENSHOTS");
        if (keep != null) {
            robot.interact(() -> {
                WritableImage image = view.getScene().snapshot(null);
                try {
                    ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", Path.of(keep, "pairs-tab.png").toFile());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }
}
