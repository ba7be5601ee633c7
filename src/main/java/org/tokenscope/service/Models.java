package org.tokenscope.service;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.tokenscope.backend.Backend;
import org.tokenscope.hub.ByteSizes;
import org.tokenscope.hub.DownloadListener;
import org.tokenscope.hub.ProgressMeter;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.remote.ApiKey;
import org.tokenscope.remote.RemoteBackend;
import org.tokenscope.remote.RemoteSpec;

/**
 * Opens a model, the one way the app and every command do it: a folder, a Hub id (the cache first,
 * then a download when allowed), a bundled model, or a remote server. One fallback rule: a model
 * chosen by default (the command line's gpt2, the app's start-up pair) that can't be had here is
 * replaced by the bundled model of its size ({@link ModelRequest#standIn}), and the note says so; a
 * model the user named is that model or an error.
 */
public final class Models {

    private Models() {
    }

    /**
     * Opens {@code request}'s model, reporting what it does through {@code progress} and a download's
     * bytes through {@code downloads}.
     *
     * @throws IOException with one sentence when it can't be found, fetched, read or reached
     * @throws java.util.concurrent.CancellationException (or the Hub's DownloadCancelledException) when cancelled
     */
    public static OpenedModel open(ModelRequest request, Progress progress, DownloadListener downloads,
                                   BooleanSupplier cancel) throws IOException {
        String spec = request.spec();
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("Name a model: a folder, a Hub id such as gpt2, or a server's address.");
        }
        if (RemoteSpec.isRemote(spec)) {
            progress.update(-1, "Connecting to " + spec + "…");
            RemoteBackend.Builder remote = RemoteBackend.builder().setSpec(RemoteSpec.parse(spec)).optChat(request.chat());
            ApiKey key = request.key().resolve();
            if (key != null) {
                remote.optApiKey(key);
            }
            Backend backend = remote.connect(cancel);
            return new OpenedModel(backend, backend.summary().name(), "server", null);
        }
        return local(request, progress, downloads, cancel);
    }

    /**
     * Opens {@code request}'s model on the local engine, for what times or trains the engine itself.
     *
     * @throws IllegalArgumentException for a remote server's address
     */
    public static Local openLocal(ModelRequest request, Progress progress, DownloadListener downloads,
                                  BooleanSupplier cancel) throws IOException {
        if (RemoteSpec.isRemote(request.spec())) {
            throw new IllegalArgumentException("A remote model (" + RemoteSpec.parse(request.spec()).baseUri()
                    + ") runs on its server: this needs a local model folder or Hub id.");
        }
        OpenedModel opened = local(request, progress, downloads, cancel);
        return new Local((LocalBackend) opened.backend(), opened.note());
    }

    /** A model on the local engine, and the note when a bundled model stands in for it (else null). */
    public record Local(LocalBackend backend, String note) implements AutoCloseable {
        @Override
        public void close() {
            backend.close();
        }
    }

    private static OpenedModel local(ModelRequest request, Progress progress, DownloadListener downloads,
                                     BooleanSupplier cancel) throws IOException {
        String spec = request.spec();
        if (!Files.isDirectory(Path.of(spec)) && (spec.startsWith("/") || spec.startsWith(".") || spec.contains("\\"))) {
            throw new FileNotFoundException("No model folder at " + spec + ".");
        }
        ModelSources.Resolved where = ModelSources.resolve(spec, request.revision(), request.download(),
                request.standIn(), downloads, cancel);
        progress.update(-1, "Loading " + where.name() + "…");
        LanguageModel model = LanguageModel.load(where.folder(), where.name());
        return new OpenedModel(new LocalBackend(model), where.name(), revision(request, where.folder()), where.note());
    }

    /** As {@link #open}, reporting a download's bytes, rate and time left through {@code progress}. */
    public static OpenedModel open(ModelRequest request, Progress progress, BooleanSupplier cancel) throws IOException {
        return open(request, progress, downloads(request.spec(), progress), cancel);
    }

    /** A download's progress as sentences: "Downloading gpt2: model.safetensors 12 MB of 548 MB at 9 MB/s, 60 s left". */
    public static DownloadListener downloads(String spec, Progress progress) {
        ProgressMeter meter = new ProgressMeter();
        return (file, done, total) -> {
            meter.update(done, System.nanoTime());
            String left = meter.timeLeft(total).map(d -> ", " + d.toSeconds() + " s left").orElse("");
            progress.update(total > 0 ? (double) done / total : -1, "Downloading " + spec + ": " + file + " "
                    + ByteSizes.format(done) + (total > 0 ? " of " + ByteSizes.format(total) : "")
                    + " at " + ByteSizes.format((long) meter.bytesPerSecond()) + "/s" + left);
        };
    }

    /** A Hub snapshot's commit (its folder's name under {@code snapshots/}), the asked revision, or "local". */
    private static String revision(ModelRequest request, Path folder) {
        if (Files.isDirectory(Path.of(request.spec()))) {
            return "local";
        }
        Path parent = folder.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")) {
            return folder.getFileName().toString();
        }
        return request.revision();
    }
}
