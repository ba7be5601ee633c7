package org.tokenscope.app;

import org.tokenscope.service.UserMessages;
import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.tokenscope.service.ModelRequest;

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

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M", description = "Model A (folder or Hub id).")
    String model;

    @Option(names = "--compare", paramLabel = "M2", description = "Model B.")
    String compare;

    @Option(names = "--tab", defaultValue = "Heatmap", paramLabel = "TAB",
            description = "Heatmap, Compare, Top-k, Tokens, Inside or Generate (default ${DEFAULT-VALUE}).")
    String tab;

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

    @Override
    public Integer call() throws Exception {
        if ((text == null) == (textFile == null)) {
            throw new IllegalArgumentException("Give the text with --text or --text-file (one of them).");
        }
        if (textFile != null) {
            text = java.nio.file.Files.readString(textFile);
        }
        String[] wh = size.toLowerCase().split("x");
        double width = Double.parseDouble(wh[0]);
        double height = Double.parseDouble(wh[1]);
        CompletableFuture<Void> done = new CompletableFuture<>();
        InferenceThread inference = new InferenceThread();
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
                view.tabs.getTabs().stream().filter(t -> t.getText().equalsIgnoreCase(tab)).findFirst()
                        .ifPresent(t -> view.tabs.getSelectionModel().select(t));
                vm.analysisProperty().addListener((o, a, analysis) -> {
                    boolean complete = analysis != null && (compare == null || analysis.b() != null)
                            && analysis.text().equals(text);
                    if (complete && !done.isDone()) {
                        if (select != null) {
                            vm.selectedProperty().set(select);
                        }
                        // let layout, the figures and (for Inside) its own pass settle, then take the picture
                        javafx.animation.PauseTransition settle = new javafx.animation.PauseTransition(
                                javafx.util.Duration.seconds(tab.equalsIgnoreCase("Inside") ? 6 : 1.5));
                        Runnable shoot = () -> {
                            try {
                                WritableImage image = stage.getScene().snapshot(null);
                                File file = out.toFile();
                                ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file);
                                done.complete(null);
                            } catch (Exception ex) {
                                done.completeExceptionally(ex);
                            }
                        };
                        settle.setOnFinished(e -> {
                            if (measure) {
                                RenderMeasurement.run(view, analysis, json -> {
                                    System.out.println(json);
                                    shoot.run();
                                });
                            } else {
                                shoot.run();
                            }
                        });
                        settle.play();
                    }
                });
                vm.status().errorProperty().addListener((o, a, message) -> {
                    if (message != null && !message.isEmpty() && vm.slotA().backend() == null && !vm.slotA().loadingProperty().get()) {
                        done.completeExceptionally(new IllegalStateException(message));
                    }
                });
                vm.loadModel(vm.slotA(), ModelRequest.named(model));
                if (compare != null) {
                    vm.loadModel(vm.slotB(), ModelRequest.named(compare));
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
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
        System.err.println("Saved " + out);
        return 0;
    }
}
