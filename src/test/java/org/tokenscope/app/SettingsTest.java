package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings file: where it lives on each platform, a round trip, and bad files. */
class SettingsTest {

    @TempDir
    Path dir;

    @Test
    void livesWhereEachPlatformKeepsSettings() {
        assertThat(Settings.folder("Linux", Map.of(), "/home/ada")).isEqualTo(Path.of("/home/ada/.config/tokenscope"));
        assertThat(Settings.folder("Linux", Map.of("XDG_CONFIG_HOME", "/cfg"), "/home/ada")).isEqualTo(Path.of("/cfg/tokenscope"));
        assertThat(Settings.folder("Mac OS X", Map.of(), "/Users/ada"))
                .isEqualTo(Path.of("/Users/ada/Library/Application Support/tokenscope"));
        assertThat(Settings.folder("Windows 11", Map.of("APPDATA", "C:/Users/ada/AppData/Roaming"), "C:/Users/ada"))
                .isEqualTo(Path.of("C:/Users/ada/AppData/Roaming", "tokenscope"));
    }

    @Test
    void valuesSurviveASaveAndALoad() {
        Settings s = Settings.in(dir.resolve("nested"));
        s.put("layout.text", 0.375);
        s.put("window.maximized", true);
        s.put("figure.measure", "RANK");
        s.save();
        Settings again = Settings.in(dir.resolve("nested"));
        assertThat(again.getDouble("layout.text", 0)).isEqualTo(0.375);
        assertThat(again.getBoolean("window.maximized", false)).isTrue();
        assertThat(again.get("figure.measure", "")).isEqualTo("RANK");
        assertThat(again.getDouble("missing", 0.5)).isEqualTo(0.5);
        try (var files = java.util.stream.Stream.of(dir.resolve("nested").toFile().list())) {
            assertThat(files.toList()).containsExactly("settings.properties"); // no temporary left behind
        }
    }

    @Test
    void aValueThatDoesNotParseFallsBackToTheDefault() throws Exception {
        Files.writeString(dir.resolve("settings.properties"), "layout.text=wide\nwindow.width=NaN\n");
        Settings s = Settings.in(dir);
        assertThat(s.getDouble("layout.text", 0.25)).isEqualTo(0.25);
        assertThat(s.getDouble("window.width", 1280)).isEqualTo(1280);
    }
}
