package org.tokenscope.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tokenscope.service.ModelSources;

/**
 * Turns {@code --model} into a local folder: an existing folder is itself; {@code tokenscope-small}
 * and {@code tokenscope-large} are the models bundled in {@code assets/models}; a Hub id is looked
 * up in the Hugging Face cache (no request when it is there) and downloaded with a progress bar
 * when not. When that fails and there is a stand-in (the command line's default model has one), the
 * bundled model stands in and a note on stderr says so.
 */
final class ModelLocator {

    private ModelLocator() {
    }

    static ModelSources.Resolved locate(String spec, String revision, boolean offline, String standIn) throws Exception {
        if (!Files.isDirectory(Path.of(spec)) && (spec.startsWith("/") || spec.startsWith(".") || spec.contains("\\"))) {
            throw new java.io.FileNotFoundException("No model folder at " + spec + ".");
        }
        PrintWriter err = new PrintWriter(System.err, true);
        ModelSources.Resolved found = ModelSources.resolve(spec, revision, !offline, standIn,
                new PullCommand.ProgressBar(err, System::nanoTime), () -> false);
        if (found.note() != null) {
            err.println("Note: " + found.note() + " Give --model to choose another.");
        }
        return found;
    }
}
