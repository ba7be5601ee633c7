package org.tokenscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The build a newcomer runs first: quiet, and one version for the program and its packages. */
class BuildTest {

    @Test
    void mavenPrintsNoJdkWarnings() throws Exception {
        Path log = Files.createTempFile("mvnw", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder("./mvnw", "-B", "-q", "-N", "-o", "validate")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().remove("MAVEN_OPTS");
            Process maven = builder.start();
            assertThat(maven.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(maven.exitValue()).as(output).isZero();
            // JDK 24+ warn about Maven 3.9.9's jansi (native access) and guava (sun.misc.Unsafe)
            // unless .mvn/jvm.config allows them
            assertThat(output).doesNotContain("WARNING");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void theProgramsVersionIsTheOneItsPackagesCarry() throws Exception {
        Matcher version = Pattern.compile("<artifactId>tokenscope</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).isTrue();
        // installer/build.sh packages ${version%%-*}: the same string, so `tokenscope --version`
        // and the .deb (VERSION-1, the Debian revision) agree
        assertThat(Files.readString(Path.of("installer/build.sh"))).contains("app_version=\"${TOKENSCOPE_APP_VERSION:-${version%%-*}}\"");
        assertThat(version.group(1)).doesNotContain("-").matches("\\d+\\.\\d+\\.\\d+");
    }
}
