package org.tokenscope.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Turns what a user passes as {@code --model} into a model folder:
 *
 * <ol>
 *   <li>an existing folder: that folder;
 *   <li>a Hub id ({@code gpt2}, {@code openai-community/gpt2-large}, {@code user/fine-tune}): its
 *       cached snapshot, with no request at all (under either spelling of GPT-2's moved names);
 *   <li>otherwise, unless offline, the snapshot {@link HubClient#downloadModel} downloads.
 * </ol>
 *
 * A model that is not cached in offline mode is a {@link ModelNotAvailableException} whose message
 * says how to get it.
 */
public final class ModelResolver {

    private final HubClient client;

    public ModelResolver(HubClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** A resolver for the cache, Hub and offline mode that {@code env} describes ({@link HubSettings}). */
    public static ModelResolver fromEnvironment(Map<String, String> env) {
        return new ModelResolver(HubClient.create(HubSettings.fromEnvironment(env)));
    }

    public HubClient client() {
        return client;
    }

    /** The folder for {@code model} at revision {@code main}, downloading it quietly if need be. */
    public Path resolve(String model) throws IOException {
        return resolve(model, null, DownloadListener.NONE, () -> false);
    }

    /**
     * The folder for {@code model}.
     *
     * @param revision a branch, tag or commit for a Hub id; null means {@code main}
     * @param listener hears the progress of a download, if one is needed
     * @param cancelled stops a download (see {@link HubClient#downloadModel})
     */
    public Path resolve(String model, String revision, DownloadListener listener, BooleanSupplier cancelled)
            throws IOException {
        if (model == null || model.isBlank()) {
            throw new HubException("No model given: pass a model folder or a Hugging Face model id such as gpt2.");
        }
        String name = model.strip();
        Optional<Path> folder = asFolder(name);
        if (folder.isPresent()) {
            return folder.get();
        }
        if (looksLikePath(name) || !RepoIds.isValid(name)) {
            throw new ModelNotAvailableException("There is no folder " + name
                    + ", and it is not a Hugging Face model id (like gpt2 or openai-community/gpt2-large).");
        }
        String rev = revision == null || revision.isBlank() ? "main" : revision.strip();
        Optional<Path> cached = client.cache().modelSnapshot(name, rev);
        if (cached.isPresent()) {
            return cached.get();
        }
        return client.downloadModel(name, rev, listener, cancelled);
    }

    private static Optional<Path> asFolder(String name) {
        String expanded = name.equals("~") || name.startsWith("~/")
                ? System.getProperty("user.home") + name.substring(1)
                : name;
        try {
            Path path = Path.of(expanded);
            return Files.isDirectory(path) ? Optional.of(path) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Written as a path, so meant as one: "./gpt2", "/models/gpt2", "~/gpt2", "models/gpt2/snap". */
    private static boolean looksLikePath(String name) {
        return name.startsWith(".") || name.startsWith("/") || name.startsWith("~") || name.contains("\\")
                || name.chars().filter(c -> c == '/').count() > 1 || (name.length() > 1 && name.charAt(1) == ':');
    }
}
