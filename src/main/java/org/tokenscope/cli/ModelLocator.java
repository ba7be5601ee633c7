package org.tokenscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Turns {@code --model} into a local folder. */
final class ModelLocator {

    private ModelLocator() {
    }

    static Path locate(String spec, String revision, boolean offline) throws Exception {
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            return path;
        }
        throw new java.io.FileNotFoundException("No model folder at " + spec + ".");
    }
}
