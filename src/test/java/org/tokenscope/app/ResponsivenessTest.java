package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
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
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.ModelRequest;

/** While a long text is scored, the JavaFX thread keeps painting; a long analysis can be cancelled. */
@ExtendWith(ApplicationExtension.class)
class ResponsivenessTest {

    static Path model;
    static InferenceThread inference;
    static final String LONG = String.join(" ", java.util.Collections.nCopies(600, "the quick brown fox"));
    MainViewModel vm;

    @BeforeAll
    static void write() throws Exception {
        model = CheckpointWriter.write(TinyGpt2.random(4, 4, 4, 128, 1024, 50257),
                Files.createTempDirectory("tokenscope-long").resolve("m"));
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
        stage.setScene(new Scene(new MainView(vm, List.of()), 900, 600));
        stage.show();
        vm.loadModel(vm.slotA(), ModelRequest.named(model.toString()));
    }

    @Test
    void theWindowKeepsPaintingWhileALongTextIsScored(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.analysisProperty().get() != null && !vm.status().busyProperty().get());
        AtomicLong frames = new AtomicLong();
        AnimationTimer heartbeat = new AnimationTimer() {
            @Override
            public void handle(long now) {
                frames.incrementAndGet();
            }
        };
        robot.interact(heartbeat::start);
        long start = System.nanoTime();
        robot.interact(() -> {
            vm.textProperty().set(LONG);
            vm.analyse();
        });
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS,
                () -> vm.analysisProperty().get().text().equals(LONG) && !vm.status().busyProperty().get());
        double seconds = (System.nanoTime() - start) / 1e9;
        robot.interact(heartbeat::stop);
        assertThat(vm.analysisProperty().get().a().tokens().size()).isGreaterThan(1024); // windows were needed
        // the FX thread ran its pulses throughout: at least 10 a second (60 when idle)
        assertThat(frames.get() / seconds).as("frames per second during %.1f s of scoring", seconds).isGreaterThan(10);
    }

    @Test
    void aLongAnalysisCanBeCancelledAndNeverLandsLater(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.analysisProperty().get() != null && !vm.status().busyProperty().get());
        Analysis before = vm.analysisProperty().get();
        robot.interact(() -> {
            vm.textProperty().set(LONG + " and more");
            vm.analyse();
            vm.cancel();
        });
        assertThat(vm.status().busyProperty().get()).isFalse();
        assertThat(vm.status().statusProperty().get()).contains("Cancelled");
        // the inference thread runs in order: once a marker queued after the cancelled run has run, that run is
        // over, and what it handed to the FX thread has been handed; then the FX thread drains its queue
        CountDownLatch drained = new CountDownLatch(1);
        inference.execute(drained::countDown);
        assertThat(drained.await(120, TimeUnit.SECONDS)).as("the cancelled run ends").isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.analysisProperty().get()).isSameAs(before);
        assertThat(vm.status().busyProperty().get()).isFalse();
    }
}
