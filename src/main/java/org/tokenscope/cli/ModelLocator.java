package org.tokenscope.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tokenscope.hub.HubClient;
import org.tokenscope.hub.HubSettings;
import org.tokenscope.hub.ModelResolver;

/**
 * Turns {@code --model} into a local folder: an existing folder is itself; a Hub id is looked up in
 * the Hugging Face cache (no request when it is there) and downloaded with a progress bar when not.
 */
final class ModelLocator {

    private ModelLocator() {
    }

    static Path locate(String spec, String revision, boolean offline) throws Exception {
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            return path;
        }
        if (spec.startsWith("/") || spec.startsWith(".") || spec.contains("\\")) {
            throw new java.io.FileNotFoundException("No model folder at " + spec + ".");
        }
        HubSettings system = HubSettings.fromSystem();
        HubSettings settings = system.withOffline(offline || system.offline());
        try (HubClient client = HubClient.create(settings)) {
            PrintWriter err = new PrintWriter(System.err, true);
            return new ModelResolver(client).resolve(spec, revision, new PullCommand.ProgressBar(err, System::nanoTime),
                    () -> false);
        }
    }
}
