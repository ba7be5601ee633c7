package org.tokenscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Hints name the command the user typed to start tokenscope. */
class LauncherTest {

    @Test
    void theLauncherSaysHowItWasStarted() {
        String before = System.getProperty(Launcher.PROPERTY);
        try {
            System.setProperty(Launcher.PROPERTY, "./tokenscope");
            assertThat(Launcher.command()).isEqualTo("./tokenscope");
            System.setProperty(Launcher.PROPERTY, "/opt/tokenscope/bin/tokenscope");
            assertThat(Launcher.command()).isEqualTo("/opt/tokenscope/bin/tokenscope");
            System.clearProperty(Launcher.PROPERTY);
            // the tests run from target/classes, not a jar: no `java -jar` to name
            assertThat(Launcher.command()).isEqualTo("tokenscope");
        } finally {
            if (before == null) {
                System.clearProperty(Launcher.PROPERTY);
            } else {
                System.setProperty(Launcher.PROPERTY, before);
            }
        }
    }

    @Test
    void theScriptAndTheInstallerTellTheProgram() throws Exception {
        assertThat(Files.readString(Path.of("tokenscope")))
                .contains("-Dtokenscope.command=$0");
        assertThat(Files.readString(Path.of("installer/build.sh")))
                .contains("-Dtokenscope.command=$BINDIR/tokenscope");
    }
}
