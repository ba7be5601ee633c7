package org.tokenscope.service;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.tokenscope.hub.DownloadListener;
import org.tokenscope.hub.HubClient;
import org.tokenscope.hub.HubException;
import org.tokenscope.hub.HubSettings;
import org.tokenscope.hub.ModelResolver;
import org.tokenscope.hub.DownloadCancelledException;

/**
 * Where a model comes from: a folder, the Hugging Face cache, a download, or — when the default
 * gpt2/gpt2-large can't be had — the small GPT-2 pair that ships in {@code assets/models}.
 */
public final class ModelSources {

    /** The default pair, and the bundled models that stand in for them offline. */
    public static final String DEFAULT_A = "gpt2";
    public static final String DEFAULT_B = "gpt2-large";
    public static final String BUNDLED_SMALL = "tokenscope-small";
    public static final String BUNDLED_LARGE = "tokenscope-large";
    /**
     * What the bundled pair is, for notes that must not let it pass for GPT-2: true of the weights in
     * assets/models (their training.json says the same); change it with them.
     */
    public static final String BUNDLED_TRAINING = "small models tokenscope trained on 3 M tokens of English and Python"
            + " (State of the Union addresses, Moby-Dick, The Devil's Dictionary, WordNet's examples, the Python docs);"
            + " not GPT-2, and far less fluent";

    /**
     * A model folder ready to load.
     *
     * @param name what to call the model
     * @param note a sentence for the status bar when the model is not the one asked for, else null
     */
    public record Resolved(Path folder, String name, String note) {
    }

    private ModelSources() {
    }

    /**
     * Finds {@code spec}. A folder is itself; a Hub id comes from the cache without any request, else
     * is downloaded when {@code allowDownload}. When that fails and {@code standIn} names a bundled
     * model, that model is used and {@link Resolved#note} says why.
     */
    public static Resolved resolve(String spec, boolean allowDownload, String standIn, DownloadListener listener,
                                   BooleanSupplier cancelled) throws IOException {
        return resolve(spec, "main", allowDownload, standIn, listener, cancelled);
    }

    /** As above, at a Hub revision (a branch, tag or commit). */
    public static Resolved resolve(String spec, String revision, boolean allowDownload, String standIn,
                                   DownloadListener listener, BooleanSupplier cancelled) throws IOException {
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            Path name = path.toAbsolutePath().normalize().getFileName();
            return new Resolved(path, name == null ? spec : name.toString(), null);
        }
        Optional<Path> bundled = bundled(spec);
        if (bundled.isPresent()) {
            return new Resolved(bundled.get(), spec, null);
        }
        HubSettings system = HubSettings.fromSystem();
        IOException failure;
        try (HubClient cached = HubClient.create(system.withOffline(true))) {
            return new Resolved(new ModelResolver(cached).resolve(spec, revision, listener, cancelled), spec, null);
        } catch (HubException e) {
            failure = e;
        }
        if (allowDownload && !system.offline()) {
            try (HubClient online = HubClient.create(system)) {
                return new Resolved(new ModelResolver(online).resolve(spec, revision, listener, cancelled), spec, null);
            } catch (HubException e) {
                failure = e;
                if (e instanceof DownloadCancelledException) {
                    throw e;
                }
            }
        }
        if (standIn != null) {
            Optional<Path> fallback = bundled(standIn);
            if (fallback.isPresent()) {
                return new Resolved(fallback.get(), standIn, spec + " is not available here ("
                        + (allowDownload ? "no network and not cached" : "not cached") + "), so the bundled "
                        + standIn + " stands in for it (" + BUNDLED_TRAINING + ").");
            }
        }
        throw failure;
    }

    /** A model shipped in {@code assets/models}, if this installation has it. */
    public static Optional<Path> bundled(String name) {
        if (!name.equals(BUNDLED_SMALL) && !name.equals(BUNDLED_LARGE)) {
            return Optional.empty();
        }
        for (Path root : assetRoots()) {
            Path folder = root.resolve("models").resolve(name);
            if (Files.isRegularFile(folder.resolve("config.json"))) {
                return Optional.of(folder);
            }
        }
        return Optional.empty();
    }

    /** Where {@code assets/} may be: set by -Dtokenscope.assets, beside the jar's folder, or here. */
    static List<Path> assetRoots() {
        List<Path> roots = new ArrayList<>();
        String property = System.getProperty("tokenscope.assets");
        if (property != null) {
            roots.add(Path.of(property));
        }
        try {
            Path code = Path.of(ModelSources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(code) ? code : code.getParent(); // target/classes or target/tokenscope.jar
            for (Path p = dir; p != null; p = p.getParent()) {
                roots.add(p.resolve("assets"));
                if (roots.size() > 6) {
                    break;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (unusual class loader): fall back to the working directory
        }
        roots.add(Path.of("assets"));
        return roots;
    }
}
