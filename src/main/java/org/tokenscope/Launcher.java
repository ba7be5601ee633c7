package org.tokenscope;

import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * How the user started tokenscope, so that a hint names what they would type: the {@code ./tokenscope}
 * script and the installed program say so in the system property {@value #PROPERTY}; a plain
 * {@code java -jar} start is named from the jar's place; anything else (tests, an IDE) is "tokenscope".
 */
public final class Launcher {

    public static final String PROPERTY = "tokenscope.command";

    private Launcher() {
    }

    /** The command that starts tokenscope, e.g. {@code ./tokenscope} or {@code java -jar target/tokenscope.jar}. */
    public static String command() {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isBlank()) {
            return set.strip();
        }
        return jarCommand().orElse("tokenscope");
    }

    /** {@code java -jar JAR}, the jar's path relative to the working folder when it lies below it. */
    static Optional<String> jarCommand() {
        CodeSource source = Launcher.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        Path jar;
        try {
            jar = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return Optional.empty(); // not a file on disk (an unusual class loader)
        }
        if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) {
            return Optional.empty(); // classes from a folder: tests, an IDE
        }
        Path here = Path.of("").toAbsolutePath();
        return Optional.of("java -jar " + (jar.startsWith(here) ? here.relativize(jar) : jar));
    }
}
