package org.tokenscope.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/**
 * The real window, headless (Monocle), with the real inference thread and two tiny GPT-2
 * checkpoints loaded as A and B: what the window tests that compare two models start from.
 */
@ExtendWith(ApplicationExtension.class)
abstract class TwoModelWindowTest {

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

    /**
     * Shows the window and loads A and B. TestFX 4.0.18 finds {@code @Start} only among a test class's
     * own methods, so each subclass calls this from its own one.
     */
    void open(Stage stage) {
        vm = new MainViewModel(inference);
        view = new MainView(vm, List.of("gpt2"));
        stage.setScene(new Scene(view, 1100, 760));
        stage.show();
        vm.loadModel(vm.slotA(), ModelRequest.named(small.toString()));
        vm.loadModel(vm.slotB(), ModelRequest.named(large.toString()));
    }

    /** Until {@code condition} holds (at most 30 s), then until the FX thread is idle. */
    void waitFor(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }
}
