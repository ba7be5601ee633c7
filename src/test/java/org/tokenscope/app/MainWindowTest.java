package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.scene.control.Label;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Figure;
import org.tokenscope.service.ModelRequest;

/** The real window, headless (Monocle), with the real inference thread and tiny checkpoints. */
class MainWindowTest extends TwoModelWindowTest {

    @Start
    void start(Stage stage) {
        open(stage);
    }

    private void analysed() throws Exception {
        waitFor(() -> vm.analysisProperty().get() != null && vm.analysisProperty().get().b() != null
                && !vm.status().busyProperty().get());
    }

    @Test
    void typingATextShowsOneHeatmapItemPerTokenWithTooltips(FxRobot robot) throws Exception {
        analysed();
        robot.interact(() -> vm.textProperty().set("Hello world 😀"));
        waitFor(() -> vm.analysisProperty().get().text().equals("Hello world 😀") && !vm.status().busyProperty().get());
        Figure heatmap = view.tab(HeatmapView.class).figure.getFigure();
        int tokens = vm.analysisProperty().get().a().tokens().size();
        List<Figure.Item> items = heatmap.items().stream().filter(i -> i.kind().startsWith("token")).toList();
        assertThat(items.get(1).index()).isEqualTo(1);
        assertThat(items.stream().mapToInt(Figure.Item::index).distinct().count()).isEqualTo(tokens);
        assertThat(items.size()).isGreaterThanOrEqualTo(2 * tokens); // stacked: A above B
        String logprob = String.format(java.util.Locale.ROOT, "%.3f", vm.analysisProperty().get().a().tokens().get(1).logprob())
                .replace('-', '\u2212');
        assertThat(items.get(1).tooltip()).contains("world");
        Point2D center = view.tab(HeatmapView.class).figure.lookup("Canvas") == null ? null
                : view.tab(HeatmapView.class).figure.lookup("Canvas").localToScreen(items.get(1).x() + 2, items.get(1).y() + 2);
        robot.moveTo(center);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(view.tab(HeatmapView.class).figure.tooltipText()).contains("world");
        assertThat(items.get(1).tooltip()).contains("log p " + logprob, "rank", "entropy", "top");
    }

    @Test
    void clickingATokenSelectsItAndTheTopKFollows(FxRobot robot) throws Exception {
        analysed();
        Figure.Item second = view.tab(HeatmapView.class).figure.getFigure().items().stream().filter(i -> i.kind().startsWith("token"))
                .skip(1).findFirst().orElseThrow();
        Point2D at = view.tab(HeatmapView.class).figure.lookup("Canvas").localToScreen(second.x() + 2, second.y() + 2);
        robot.clickOn(at);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.selectedProperty().get()).isEqualTo(second.index());
        assertThat(view.tab(TopKView.class).figure.getFigure().title()).isNotBlank();
        assertThat(view.tab(TopKView.class).figure.getFigure().items()).isNotEmpty();
    }

    @Test
    void theSelectionIsMarkedInEveryFigureAndClickingAScatterPointSelectsIt(FxRobot robot) throws Exception {
        analysed();
        robot.interact(() -> view.tabs.getSelectionModel().select(1)); // Compare: lay the scatter out
        waitFor(() -> view.tab(CompareView.class).scatter.getFigure() != null);
        Figure.Item point = view.tab(CompareView.class).scatter.getFigure().items().stream().filter(i -> i.kind().equals("point"))
                .skip(2).findFirst().orElseThrow();
        Point2D at = view.tab(CompareView.class).scatter.lookup("Canvas").localToScreen(point.x() + point.width() / 2,
                point.y() + point.height() / 2);
        robot.clickOn(at);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.selectedProperty().get()).isEqualTo(point.index());
        // the point is ringed where it is drawn, and the same token is marked in the other figures
        assertThat(view.tab(CompareView.class).scatter.selectionMarks()).hasSize(1);
        var ring = view.tab(CompareView.class).scatter.selectionMarks().get(0).getBoundsInParent();
        assertThat(ring.getCenterX()).isCloseTo(point.x() + point.width() / 2, org.assertj.core.api.Assertions.within(0.5));
        assertThat(ring.getCenterY()).isCloseTo(point.y() + point.height() / 2, org.assertj.core.api.Assertions.within(0.5));
        assertThat(view.tab(HeatmapView.class).figure.selectionMarks()).hasSize(2); // stacked heatmaps: A's box and B's box
        robot.interact(() -> vm.selectedProperty().set(point.index() + 1));
        var moved = view.tab(CompareView.class).scatter.getFigure().items().stream()
                .filter(i -> i.kind().equals("point") && i.index() == point.index() + 1).findFirst().orElseThrow();
        assertThat(view.tab(CompareView.class).scatter.selectionMarks().get(0).getBoundsInParent().getCenterX())
                .isCloseTo(moved.x() + moved.width() / 2, org.assertj.core.api.Assertions.within(0.5));
        robot.interact(() -> vm.selectedProperty().set(-1));
        assertThat(view.tab(CompareView.class).scatter.selectionMarks()).isEmpty();
    }

    @Test
    void theScatterZoomsWithTheWheelPansByDraggingAndResetsOnDoubleClick(FxRobot robot) throws Exception {
        analysed();
        robot.interact(() -> view.tabs.getSelectionModel().select(1));
        waitFor(() -> view.tab(CompareView.class).scatter.getFigure() != null);
        var before = (org.tokenscope.figure.ScatterFigure) view.tab(CompareView.class).scatter.getFigure();
        double width = before.range().max() - before.range().min();
        javafx.scene.Node canvas = view.tab(CompareView.class).scatter.lookup("Canvas");
        // the wheel, over the middle of the plot area: closer, around the pointer
        double midX = 70 + before.plotSide() / 2;
        Point2D at = canvas.localToScene(midX, 120 + before.plotSide() / 2);
        robot.interact(() -> javafx.event.Event.fireEvent(view.tab(CompareView.class).scatter, new javafx.scene.input.ScrollEvent(
                javafx.scene.input.ScrollEvent.SCROLL, at.getX(), at.getY(), at.getX(), at.getY(), false, false, false,
                false, false, false, 0, 40, 0, 40, javafx.scene.input.ScrollEvent.HorizontalTextScrollUnits.NONE, 0,
                javafx.scene.input.ScrollEvent.VerticalTextScrollUnits.NONE, 0, 0, null)));
        var zoomed = (org.tokenscope.figure.ScatterFigure) view.tab(CompareView.class).scatter.getFigure();
        assertThat(zoomed.range().max() - zoomed.range().min()).isCloseTo(width * 0.85, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(zoomed.range().contains(before.valueAtX(canvas.sceneToLocal(at).getX()))).isTrue();
        // a drag to the right shows what lies to the left
        Point2D screen = canvas.localToScreen(canvas.sceneToLocal(at));
        robot.drag(screen, javafx.scene.input.MouseButton.PRIMARY).moveBy(60, 0).drop();
        WaitForAsyncUtils.waitForFxEvents();
        var panned = (org.tokenscope.figure.ScatterFigure) view.tab(CompareView.class).scatter.getFigure();
        assertThat(panned.range().min()).isLessThan(zoomed.range().min());
        assertThat(panned.range().max() - panned.range().min())
                .isCloseTo(zoomed.range().max() - zoomed.range().min(), org.assertj.core.api.Assertions.within(1e-9));
        robot.doubleClickOn(screen);
        WaitForAsyncUtils.waitForFxEvents();
        var reset = (org.tokenscope.figure.ScatterFigure) view.tab(CompareView.class).scatter.getFigure();
        assertThat(reset.range()).isEqualTo(before.range());
        assertThat(reset.comparison().pearson().value()).isEqualTo(before.comparison().pearson().value());
    }

    /**
     * On screen, in pixels: each token's box (A's heatmap, probability on viridis' fixed scale) is as
     * light as its probability ranks it, and the scatter's r is the Pearson correlation of the two
     * models' log-probabilities computed here from the analysis.
     */
    @Test
    void theColoursOnScreenFollowTheProbabilitiesAndTheScattersRIsPearsons(FxRobot robot) throws Exception {
        analysed();
        robot.interact(() -> {
            vm.compareProperty().set(false);
            // min-max spreads the tiny random models' probabilities over the whole palette
            vm.figures().rangeProperty().set(org.tokenscope.figure.Scale.Mode.MIN_MAX);
        });
        waitFor(() -> vm.analysisProperty().get().b() == null && !vm.status().busyProperty().get());
        var an = vm.analysisProperty().get();
        javafx.scene.image.WritableImage[] shot = new javafx.scene.image.WritableImage[1];
        robot.interact(() -> shot[0] = view.tab(HeatmapView.class).figure.lookup("Canvas").snapshot(null, null));
        java.util.Map<Integer, Double> light = new java.util.HashMap<>();
        for (Figure.Item box : view.tab(HeatmapView.class).figure.getFigure().items()) {
            if (box.kind().equals("token") && an.a().tokens().get(box.index()).isScored()) {
                var c = shot[0].getPixelReader().getColor((int) box.x() + 2, (int) box.y() + 1);
                light.putIfAbsent(box.index(), 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue());
            }
        }
        var byProbability = an.a().tokens().stream().filter(TokenScore::isScored)
                .sorted(java.util.Comparator.comparingDouble(TokenScore::prob)).toList();
        assertThat(light).hasSize(byProbability.size());
        for (int i = 1; i < byProbability.size(); i++) {
            assertThat(light.get(byProbability.get(i).index()))
                    .as("token %d (p %.3g) is no darker than token %d (p %.3g)", byProbability.get(i).index(),
                            byProbability.get(i).prob(), byProbability.get(i - 1).index(), byProbability.get(i - 1).prob())
                    .isGreaterThanOrEqualTo(light.get(byProbability.get(i - 1).index()) - 0.01);
        }
        double spread = light.get(byProbability.get(byProbability.size() - 1).index()) - light.get(byProbability.get(0).index());
        assertThat(spread).as("the most and least probable tokens look different").isGreaterThan(0.5);
        // the scatter, with B again
        robot.interact(() -> vm.compareProperty().set(true));
        waitFor(() -> vm.analysisProperty().get().b() != null && !vm.status().busyProperty().get());
        robot.interact(() -> view.tabs.getSelectionModel().select(1));
        waitFor(() -> view.tab(CompareView.class).scatter.getFigure() != null);
        var both = vm.analysisProperty().get();
        double[] x = both.a().tokens().stream().filter(TokenScore::isScored).mapToDouble(TokenScore::logprob).toArray();
        double[] y = both.b().tokens().stream().filter(TokenScore::isScored).mapToDouble(TokenScore::logprob).toArray();
        double mx = java.util.Arrays.stream(x).average().orElseThrow();
        double my = java.util.Arrays.stream(y).average().orElseThrow();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        double r = sxy / Math.sqrt(sxx * syy);
        var scatter = (org.tokenscope.figure.ScatterFigure) view.tab(CompareView.class).scatter.getFigure();
        assertThat(scatter.comparison().pearson().value()).isCloseTo(r, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(scatter.items().stream().filter(i -> i.kind().equals("point")).count()).isEqualTo(x.length);
    }

    @Test
    void theTemperatureSliderRescalesTheTopKLive(FxRobot robot) throws Exception {
        analysed();
        robot.interact(() -> vm.selectedProperty().set(1));
        double before = topBarProbability();
        robot.interact(() -> view.tab(TopKView.class).temperature.setValue(0.5));
        double sharper = topBarProbability();
        robot.interact(() -> view.tab(TopKView.class).temperature.setValue(2.5));
        double flatter = topBarProbability();
        assertThat(view.tab(TopKView.class).figure.getFigure().title()).contains("temperature 2.50");
        assertThat(sharper).isGreaterThan(flatter);
        // the kept alternatives at T = 0.5, renormalised: the top one's share, computed here from the analysis
        var kept = vm.analysisProperty().get().a().tokens().get(1).top();
        double z = kept.stream().mapToDouble(x -> Math.exp(x.logprob() / 0.5)).sum();
        double expected = Math.exp(kept.get(0).logprob() / 0.5) / z;
        assertThat(sharper).isCloseTo(expected, org.assertj.core.api.Assertions.within(Math.max(6e-5, expected / 100)));
        double raw = Math.exp(kept.get(0).logprob());
        assertThat(before).isCloseTo(raw, org.assertj.core.api.Assertions.within(Math.max(6e-5, raw / 100)));
        robot.interact(() -> view.tab(TopKView.class).temperature.setValue(1));
    }

    /** The probability the top-k pane's first bar shows, read from its tooltip ("p 12.3%" or "p 0.0123"). */
    private double topBarProbability() {
        String tip = view.tab(TopKView.class).figure.getFigure().items().stream().filter(i -> i.kind().equals("bar")).findFirst()
                .orElseThrow().tooltip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\np ([0-9.]+(?:e[\u2212+-]?[0-9]+)?)").matcher(tip);
        assertThat(m.find()).as(tip).isTrue();
        return Double.parseDouble(m.group(1).replace('\u2212', '-'));
    }

    @Test
    void theTokensPaneShowsEachTokensBytesAndTheCounts(FxRobot robot) throws Exception {
        analysed();
        robot.interact(() -> vm.textProperty().set("naïve 😀"));
        waitFor(() -> vm.analysisProperty().get().text().equals("naïve 😀") && !vm.status().busyProperty().get());
        var an = vm.analysisProperty().get();
        int[] bytes = an.bytesA();
        assertThat(bytes).hasSize(an.a().tokens().size());
        // every byte of the text belongs to exactly one token (the <|endoftext|> read before it aside)
        int textBytes = "naïve 😀".getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int bos = an.a().tokens().get(0).id() == 50256 ? bytes[0] : 0;
        assertThat(java.util.Arrays.stream(bytes).sum() - bos).isEqualTo(textBytes);
        assertThat(an.a().tokens().stream().anyMatch(TokenScore::partial)).as("the emoji is split").isTrue();
        Figure tokensFigure = view.tab(TokensView.class).figure.getFigure();
        var chips = tokensFigure.items().stream().filter(i -> i.kind().equals("chip")).toList();
        assertThat(chips).hasSize(bytes.length);
        for (int i = 0; i < chips.size(); i++) {
            assertThat(chips.get(i).tooltip()).contains(bytes[i] + (bytes[i] == 1 ? " byte" : " bytes"));
        }
        assertThat(tokensFigure.title()).startsWith("Tokens");
    }

    @Test
    void theLayoutIsRememberedForTheNextWindow(FxRobot robot) throws Exception {
        Settings settings = Settings.in(dir.resolve("settings"));
        robot.interact(() -> {
            view.split.setDividerPositions(0.4);
            view.tab(CompareView.class).split.setDividerPositions(0.62);
            view.tabs.getSelectionModel().select(3);
            vm.figures().measureProperty().set(org.tokenscope.figure.Measure.values()[2]);
            view.remember(settings);
        });
        settings.save();
        Settings read = Settings.in(dir.resolve("settings"));
        robot.interact(() -> {
            MainView next = new MainView(new MainViewModel(new DirectRunner()), List.of());
            next.restore(read);
            assertThat(next.split.getDividerPositions()[0]).isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(next.tab(CompareView.class).split.getDividerPositions()[0]).isCloseTo(0.62, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(next.tabs.getSelectionModel().getSelectedIndex()).isEqualTo(3);
        });
        assertThat(read.get("figure.measure", "")).isEqualTo(org.tokenscope.figure.Measure.values()[2].name());
    }

    @Test
    void theServerDialogOnlyOffersOkForAConnectionItCanSave(FxRobot robot) throws Exception {
        robot.interact(() -> {
            ConnectionDialog d = new ConnectionDialog(null);
            var ok = d.dialog.getDialogPane().lookupButton(javafx.scene.control.ButtonType.OK);
            assertThat(ok.isDisabled()).isFalse(); // the default address is a server
            d.address.setText("localhost:8000");
            assertThat(ok.isDisabled()).isTrue();
            assertThat(d.problem.getText()).contains("http://");
            d.address.setText("http://gpu-box:8000/v1");
            d.model.setText("meta-llama/Llama-3.1-70B");
            d.keyKind.setValue(ConnectionDialog.ENV);
            assertThat(ok.isDisabled()).as("a variable must be named").isTrue();
            d.keyName.setText("VLLM_API_KEY");
            assertThat(ok.isDisabled()).isFalse();
            assertThat(d.connection()).isEqualTo(new org.tokenscope.remote.Connection(
                    "http://gpu-box:8000/v1#meta-llama/Llama-3.1-70B", org.tokenscope.remote.KeySource.env("VLLM_API_KEY")));
            // saved, it is listed in both pickers above "Open folder…"
            view.toolbar.addConnection(d.connection());
            assertThat(view.toolbar.modelA.getItems()).contains("http://gpu-box:8000/v1#meta-llama/Llama-3.1-70B");
            assertThat(view.toolbar.modelB.getItems().indexOf("http://gpu-box:8000/v1#meta-llama/Llama-3.1-70B"))
                    .isEqualTo(view.toolbar.modelB.getItems().indexOf(MainViewModel.OPEN_FOLDER) - 1);
        });
    }

    @Test
    void switchingBOffLeavesOneHeatmap(FxRobot robot) throws Exception {
        analysed();
        robot.clickOn("#compare");
        waitFor(() -> vm.analysisProperty().get().b() == null && !vm.status().busyProperty().get());
        int tokens = vm.analysisProperty().get().a().tokens().size();
        assertThat(view.tab(HeatmapView.class).figure.getFigure().items().stream().filter(i -> i.kind().startsWith("token"))
                .mapToInt(Figure.Item::index).distinct().count()).isEqualTo(tokens);
        assertThat(view.tab(HeatmapView.class).figure.getFigure().items().stream().filter(i -> i.kind().startsWith("token")).count())
                .isLessThan(2L * tokens);
        assertThat(view.toolbar.modelB.isDisabled()).isTrue();
    }

    @Test
    void aBadFolderShowsAClearMessageAndTheWindowGoesOn(FxRobot robot) throws Exception {
        analysed();
        Path bad = Files.createDirectories(dir.resolve("bad"));
        robot.interact(() -> vm.loadModel(vm.slotA(), ModelRequest.named(bad.toString())));
        waitFor(() -> !vm.status().errorProperty().get().isEmpty());
        assertThat(view.statusBar.status.getText()).contains("config.json");
        robot.interact(() -> vm.textProperty().set("Still here"));
        waitFor(() -> vm.analysisProperty().get().text().equals("Still here") && !vm.status().busyProperty().get());
        assertThat(vm.analysisProperty().get().a().model().name()).isEqualTo("small");
    }

    /** The status bar's two lines stand out from the bar on the light theme and on the dark one. */
    @Test
    void theStatusLinesReadOnEitherTheme(FxRobot robot) throws Exception {
        analysed();
        for (boolean dark : new boolean[] {false, true}) {
            robot.interact(() -> view.toolbar.darkTheme.setSelected(dark));
            WaitForAsyncUtils.waitForFxEvents();
            for (String id : List.of("#status", "#models")) {
                Label label = robot.lookup(id).queryAs(Label.class);
                assertThat(label.getText()).as(id).isNotBlank();
                double text = ((Color) label.getTextFill()).getBrightness();
                double seen = dark ? label.getOpacity() * text + (1 - label.getOpacity()) * 0.12 // over #1e1f22
                        : label.getOpacity() * text + (1 - label.getOpacity()) * 0.96;              // over Modena's grey
                assertThat(dark ? seen : 1 - seen).as("%s on the %s theme: text brightness %.2f at opacity %.2f",
                        id, dark ? "dark" : "light", text, label.getOpacity()).isGreaterThan(0.55);
            }
        }
        robot.interact(() -> view.toolbar.darkTheme.setSelected(false));
    }

    @Test
    void exportFromTheWindowWritesTheFigureOnScreen(FxRobot robot) throws Exception {
        analysed();
        Path svg = dir.resolve("heatmap.svg");
        Path csv = dir.resolve("heatmap.csv");
        robot.interact(() -> {
            try {
                view.tab(HeatmapView.class).figure.export(svg);
                view.tab(HeatmapView.class).figure.export(csv);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(Files.readString(svg)).contains("<svg", "fox");
        assertThat(Files.readAllLines(csv).size()).isGreaterThan(2);
    }
}
