package org.tokenscope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code --text T | --file F}: the text to look at. */
public final class TextInput {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--text", paramLabel = "T", description = "The text.")
        String text;

        @Option(names = "--file", paramLabel = "F", description = "A UTF-8 text file ('-' for standard input).")
        Path file;
    }

    public String read() throws IOException {
        if (source.text != null) {
            return source.text;
        }
        if (source.file.toString().equals("-")) {
            return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!Files.exists(source.file)) {
            throw new IOException("No such file: " + source.file + ".");
        }
        if (Files.isDirectory(source.file)) {
            throw new IOException(source.file + " is a folder, not a text file.");
        }
        // not only regular files: /dev/null, a named pipe or <(command) read as well
        String text = Files.readString(source.file, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            throw new IllegalArgumentException(source.file + " is empty: there is no text in it to look at.");
        }
        return text;
    }
}
