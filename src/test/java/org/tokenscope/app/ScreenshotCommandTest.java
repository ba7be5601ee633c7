package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** screenshot picks its model as score does, and without a display says to use xvfb-run (no window opened here). */
class ScreenshotCommandTest {

    @Test
    void withoutModelItFallsBackLikeScore() {
        ScreenshotCommand command = new ScreenshotCommand();
        new CommandLine(command).parseArgs("--text", "Hello", "--out", "x.png"); // -m is no longer required
        assertThat(command.modelA().spec()).isEqualTo("gpt2");
        assertThat(command.modelA().standIn()).isEqualTo("tokenscope-small");

        ScreenshotCommand named = new ScreenshotCommand();
        new CommandLine(named).parseArgs("--text", "Hello", "--out", "x.png", "-m", "gpt2");
        assertThat(named.modelA().spec()).isEqualTo("gpt2");
        assertThat(named.modelA().standIn()).as("a model the user named is that model or an error").isNull();
    }

    @Test
    void withoutADisplayItSaysToRunUnderXvfb() {
        assertThat(ScreenshotCommand.noDisplay(Map.of(), "Linux", null)).get(InstanceOfAssertFactories.STRING)
                .startsWith("There is no display to open the window on (DISPLAY is not set): run it under xvfb-run")
                .contains("xvfb-run -a ").contains(" screenshot ...");
        assertThat(ScreenshotCommand.noDisplay(Map.of("DISPLAY", ":99"), "Linux", null)).isEmpty();
        assertThat(ScreenshotCommand.noDisplay(Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux", null)).isEmpty();
        assertThat(ScreenshotCommand.noDisplay(Map.of(), "Linux", "Monocle")).as("headless JavaFX").isEmpty();
        assertThat(ScreenshotCommand.noDisplay(Map.of(), "Mac OS X", null)).isEmpty();
    }
}
