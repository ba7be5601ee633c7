package org.tokenscope.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.tokenscope.hub.HubClient;
import org.tokenscope.hub.HubException;
import org.tokenscope.hub.HubSettings;
import org.tokenscope.hub.ModelResolver;
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
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            Path name = path.toAbsolutePath().normalize().getFileName();
            return new ModelSources.Resolved(path, name == null ? spec : name.toString(), null);
        }
        if (spec.startsWith("/") || spec.startsWith(".") || spec.contains("\\")) {
            throw new java.io.FileNotFoundException("No model folder at " + spec + ".");
        }
        Optional<Path> bundled = ModelSources.bundled(spec);
        if (bundled.isPresent()) {
            return new ModelSources.Resolved(bundled.get(), spec, null);
        }
        HubSettings system = HubSettings.fromSystem();
        HubSettings settings = system.withOffline(offline || system.offline());
        PrintWriter err = new PrintWriter(System.err, true);
        try (HubClient client = HubClient.create(settings)) {
            return new ModelSources.Resolved(new ModelResolver(client).resolve(spec, revision,
                    new PullCommand.ProgressBar(err, System::nanoTime), () -> false), spec, null);
        } catch (HubException e) {
            Optional<Path> fallback = standIn == null ? Optional.empty() : ModelSources.bundled(standIn);
            if (fallback.isEmpty()) {
                throw e;
            }
            String note = spec + " is not cached and could not be downloaded" + (settings.offline() ? " (offline)" : "")
                    + ", so the bundled " + standIn + " stands in for it; give --model to choose another.";
            err.println("Note: " + note);
            return new ModelSources.Resolved(fallback.get(), standIn, note);
        }
    }
}
