package org.tokenscope.app;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import org.tokenscope.figure.Measure;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.util.Duration;
import javax.imageio.ImageIO;
import org.tokenscope.Launcher;
import org.tokenscope.remote.KeySource;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.service.ModelSources;
import org.tokenscope.service.UserMessages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code screenshot}: opens the real window, waits until the analysis is shown, saves a PNG of it
 * and exits. README's pictures are made with it.
 */
@Command(name = "screenshot", mixinStandardHelpOptions = true,
        description = "Open the real window on a text, wait for the analysis, save a PNG of the window and exit.")
public final class ScreenshotCommand implements Callable<Integer> {

    @Option(names = "--text", paramLabel = "T", description = "The text.")
    String text;

    @Option(names = "--text-file", paramLabel = "F", description = "Read the text from a UTF-8 file instead.")
    Path textFile;

    @Option(names = "--measure", description = "Also measure, once the analysis is shown: the time it took, laying "
            + "out and painting the heatmap, and frame times while scrolling it top to bottom; JSON on stdout.")
    boolean measure;

    @Option(names = {"-m", "--model"}, paramLabel = "M",
            description = "Model A (folder or Hub id). Default: gpt2, or the bundled tokenscope-small when gpt2 is "
                    + "neither cached nor downloadable (as score does).")
    String model;

    @Option(names = "--weights", paramLabel = "W", defaultValue = "f32",
            description = "How the models hold their weights: f32, bf16 or q8 (default ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--compare", paramLabel = "M2", description = "Model B.")
    String compare;

    @Option(names = "--tab", defaultValue = "Heatmap", paramLabel = "TAB",
            description = "The tab: Heatmap, Compare, Top-k, Tokens, Inside, Generate, Pairs, What if, Detect, Corpus "
                    + "or Why (default ${DEFAULT-VALUE}); all: each in turn, into --out with {tab} replaced by the "
                    + "tab's name (heatmap, top-k, what-if, ...).")
    String tab;

    @Option(names = "--dark", description = "With the dark theme on.")
    boolean dark;

    @Option(names = "--colour-by", paramLabel = "M", description = "What the heatmap's colours show: prob, logprob, "
            + "rank, entropy, surprisal, cross-entropy, binoculars or fast-detectgpt (the last three once the models "
            + "allow them; default rank, in GLTR's buckets, as the window starts).")
    String colourBy;

    @Option(names = "--boundaries", description = "Show token boundaries and visible whitespace.")
    boolean boundaries;

    @Option(names = "--select", paramLabel = "I", description = "Select token I (for Top-k and Inside).")
    Integer select;

    @Option(names = "--size", defaultValue = "1280x820", paramLabel = "WxH", description = "Window size (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "S", description = "Seconds to wait (default ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "F.png", description = "Where to write the PNG.")
    Path out;

    /** Model A as score picks it: --model (that model or an error), else gpt2 with the bundled tokenscope-small standing in. */
    ModelRequest modelA() {
        return model != null ? ModelRequest.named(model)
                : new ModelRequest(ModelSources.DEFAULT_A, "main", true, ModelSources.BUNDLED_SMALL, KeySource.NONE, false);
    }

    /**
     * Why no window can open here, if none can: on Linux without an X or Wayland display (unless
     * JavaFX runs headless, on Monocle). JavaFX's own words for it are "Unable to open DISPLAY".
     */
    static Optional<String> noDisplay(Map<String, String> env, String osName, String glassPlatform) {
        boolean linux = osName.toLowerCase(Locale.ROOT).contains("linux");
        boolean display = !env.getOrDefault("DISPLAY", "").isBlank() || !env.getOrDefault("WAYLAND_DISPLAY", "").isBlank();
        if (!linux || display || "Monocle".equalsIgnoreCase(glassPlatform)) {
            return Optional.empty();
        }
        return Optional.of(NO_DISPLAY);
    }

    static final String NO_DISPLAY = "There is no display to open the window on (DISPLAY is not set): run it under "
            + "xvfb-run, e.g. `xvfb-run -a " + Launcher.command() + " screenshot ...`.";

    /** Tabs that run passes of their own when shown: their pictures wait longer. */
    private static final java.util.Set<String> SLOW_TABS = java.util.Set.of("Inside", "Detect");

    /** The tabs to take, in order: the one --tab names, or every tab. */
    private List<Tab> shots(MainView view) {
        if (tab.equalsIgnoreCase("all")) {
            if (!out.toString().contains("{tab}")) {
                throw new IllegalArgumentException("With --tab all, --out needs {tab} in its name (one file per tab).");
            }
            return List.copyOf(view.tabs.getTabs());
        }
        List<Tab> named = view.tabs.getTabs().stream().filter(t -> t.getText().equalsIgnoreCase(tab)).toList();
        if (named.isEmpty()) {
            throw new IllegalArgumentException("There is no tab '" + tab + "': use one of "
                    + view.tabs.getTabs().stream().map(Tab::getText).toList() + " or all.");
        }
        return named;
    }

    /**
     * Brings tab {@code i} to the front, lets layout, the figures and the tab's own work (Inside runs a pass)
     * settle, saves the picture and goes on to the next.
     */
    private void shoot(MainView view, List<Tab> shots, int i, CompletableFuture<Void> done) {
        if (i == shots.size()) {
            done.complete(null);
            return;
        }
        Tab shown = shots.get(i);
        view.tabs.getSelectionModel().select(shown);
        PauseTransition settle = new PauseTransition(Duration.seconds(SLOW_TABS.contains(shown.getText()) ? 6 : 1.5));
        settle.setOnFinished(e -> {
            try {
                WritableImage image = view.getScene().snapshot(null);
                String name = shown.getText().toLowerCase(Locale.ROOT).replace(' ', '-');
                File file = Path.of(out.toString().replace("{tab}", name)).toFile();
                ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file);
                System.err.println("Saved " + file);
                shoot(view, shots, i + 1, done);
            } catch (Exception ex) {
                done.completeExceptionally(ex);
            }
        });
        settle.play();
    }

    @Override
    public Integer call() throws Exception {
        org.tokenscope.model.WeightFormat format = org.tokenscope.model.WeightFormat.parse(weights); // one sentence if unknown
        if ((text == null) == (textFile == null)) {
            throw new IllegalArgumentException("Give the text with --text or --text-file (one of them).");
        }
        if (textFile != null) {
            text = java.nio.file.Files.readString(textFile);
        }
        Optional<String> noDisplay = noDisplay(System.getenv(), System.getProperty("os.name", ""),
                System.getProperty("glass.platform"));
        if (noDisplay.isPresent()) {
            throw new IllegalStateException(noDisplay.get());
        }
        String[] wh = size.toLowerCase().split("x");
        double width = Double.parseDouble(wh[0]);
        double height = Double.parseDouble(wh[1]);
        CompletableFuture<Void> done = new CompletableFuture<>();
        InferenceThread inference = new InferenceThread();
        try {
            Platform.startup(() -> {
                try {
                    MainViewModel vm = new MainViewModel(inference);
                    vm.textProperty().set(text);
                    vm.compareProperty().set(compare != null);
                    vm.figures().boundariesProperty().set(boundaries);
                    MainView view = new MainView(vm, TokenscopeApp.knownModels());
                    Stage stage = new Stage();
                    stage.setTitle("tokenscope");
                    stage.setScene(new Scene(view, width, height));
                    stage.show();
                    view.toolbar.darkTheme.setSelected(dark);
                    List<Tab> shots = shots(view);
                    vm.analysisProperty().addListener((o, a, analysis) -> {
                        boolean complete = analysis != null && (compare == null || analysis.b() != null)
                                && analysis.text().equals(text);
                        if (complete && !done.isDone()) {
                            if (select != null) {
                                vm.selectedProperty().set(select);
                            }
                            if (colourBy != null) { // now that both models are there to allow it
                                vm.figures().measureProperty().set(Measure.parse(colourBy));
                            }
                            Runnable shoot = () -> shoot(view, shots, 0, done);
                            if (measure) {
                                RenderMeasurement.run(view, analysis, json -> {
                                    System.out.println(json);
                                    shoot.run();
                                });
                            } else {
                                shoot.run();
                            }
                        }
                    });
                    vm.status().errorProperty().addListener((o, a, message) -> {
                        if (message != null && !message.isEmpty() && vm.slotA().backend() == null && !vm.slotA().loadingProperty().get()) {
                            done.completeExceptionally(new IllegalStateException(message));
                        }
                    });
                    vm.weightsProperty().set(format);
                    vm.loadModel(vm.slotA(), modelA());
                    if (compare != null) {
                        vm.loadModel(vm.slotB(), ModelRequest.named(compare));
                    }
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (UnsupportedOperationException e) {
            // JavaFX's "Unable to open DISPLAY": DISPLAY set, but no X server answers there
            inference.close();
            throw new IllegalStateException(NO_DISPLAY.replace("(DISPLAY is not set)", "(" + UserMessages.sentence(e) + ")"), e);
        }
        try {
            done.get(timeout, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The analysis was not shown within " + timeout + " s; no screenshot taken.");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(UserMessages.sentence(e.getCause()), e.getCause());
        } finally {
            Platform.exit();
            inference.close();
        }
        return 0;
    }
}
