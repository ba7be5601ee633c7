package org.tokenscope.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.tokenscope.net.RetryPolicy;

/**
 * Downloads models from the Hugging Face Hub into the shared cache, speaking the protocol of
 * Python's huggingface_hub ({@code file_download.py}):
 *
 * <ol>
 *   <li>{@code HEAD {endpoint}/{repo}/resolve/{revision}/{file}}, following only relative redirects
 *       (a renamed repository), gives the commit ({@code X-Repo-Commit}), the etag
 *       ({@code X-Linked-Etag} or {@code ETag}) and the size ({@code X-Linked-Size} or
 *       {@code Content-Length}); for an LFS file its answer is a redirect to a storage host;
 *   <li>if {@code snapshots/{commit}/{file}} exists, nothing more; if {@code blobs/{etag}} exists,
 *       only the link; otherwise, holding {@code .locks/.../{etag}.lock}, a GET writes
 *       {@code blobs/{etag}.incomplete} (resumed with {@code Range} if present), which is renamed to
 *       {@code blobs/{etag}} once its size, and for LFS files its SHA-256, match the HEAD's.
 * </ol>
 *
 * The bearer token goes to the endpoint's host only, never to a storage host a redirect leads to.
 * In offline mode no request is made at all. Instances are thread-safe; close one to release its
 * HTTP client's threads.
 */
public final class HubClient implements AutoCloseable {

    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "tokenscope/0.1; java/" + Runtime.version().feature();

    private final HubSettings settings;
    private final HubCache cache;
    private final RetryPolicy retry;
    private final Duration metadataTimeout;
    private final Duration readTimeout;
    private HttpClient http; // created on first use, so offline and cached look-ups start no threads

    private HubClient(Builder builder) {
        this.settings = builder.settings;
        this.cache = new HubCache(settings.cacheRoot());
        this.retry = builder.retry;
        this.metadataTimeout = builder.metadataTimeout;
        this.readTimeout = builder.readTimeout;
        this.http = builder.http;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client with default retries and timeouts. */
    public static HubClient create(HubSettings settings) {
        return builder().setSettings(settings).build();
    }

    public HubSettings settings() {
        return settings;
    }

    public HubCache cache() {
        return cache;
    }

    /** {@link #downloadModel(String, String, DownloadListener, BooleanSupplier)} without progress or cancellation. */
    public Path downloadModel(String repoId, String revision) throws IOException {
        return downloadModel(repoId, revision, DownloadListener.NONE, () -> false);
    }

    /**
     * Makes sure the cache holds everything tokenscope loads from {@code repoId} at {@code revision}
     * and returns its snapshot folder: {@code config.json}; {@code tokenizer.json}, or
     * {@code vocab.json} and {@code merges.txt} from which it is built; and {@code model.safetensors}
     * or {@code model.safetensors.index.json} with all its shards.
     *
     * <p>A commit hash that is cached, offline mode, or a Hub that cannot be reached: the cached
     * snapshot, with no request (offline) or after the failed one.
     *
     * @param revision a branch, tag or commit hash; null means {@code main}
     * @param cancelled polled (from this and a watchdog thread) between chunks; interrupting the
     *     calling thread cancels too
     * @throws ModelNotAvailableException if it is not cached and cannot be downloaded now
     * @throws DownloadCancelledException if cancelled; the cache stays valid and a later call resumes
     * @throws HubException for anything else, with a message for the user
     */
    public Path downloadModel(String repoId, String revision, DownloadListener listener, BooleanSupplier cancelled)
            throws IOException {
        requireValid(repoId);
        String rev = revision == null || revision.isBlank() ? "main" : revision.strip();
        if (settings.offline() || RepoIds.isCommitHash(rev)) {
            Optional<Path> cached = cache.modelSnapshot(repoId, rev);
            if (cached.isPresent()) {
                return cached.get();
            }
            if (settings.offline()) {
                throw notAvailable(repoId, rev, "offline mode is on (HF_HUB_OFFLINE)", null);
            }
        }
        try {
            return fetchModel(repoId, rev, listener, cancelled);
        } catch (UnreachableException e) {
            // As hf_hub_download does: no answer from the Hub, so use what is cached, if anything.
            Optional<Path> cached = cache.modelSnapshot(repoId, rev);
            if (cached.isPresent()) {
                return cached.get();
            }
            throw notAvailable(repoId, rev, e.getMessage(), e);
        }
    }

    /**
     * Downloads one file of {@code repoId} at {@code revision} into the cache, if it is not there
     * yet, and returns its path in the snapshot folder.
     */
    public Path downloadFile(String repoId, String revision, String file, DownloadListener listener,
            BooleanSupplier cancelled) throws IOException {
        String rev = revision == null || revision.isBlank() ? "main" : revision.strip();
        FileMetadata metadata = metadata(repoId, rev, file);
        cache.tag();
        cache.writeRef(repoId, rev, metadata.commit());
        return fetch(repoId, metadata.commit(), file, metadata, listener, cancelled);
    }

    /** What a HEAD on {@code file} at {@code revision} (null: {@code main}) says about it. */
    public FileMetadata metadata(String repoId, String revision, String file) throws IOException {
        requireValid(repoId);
        String rev = revision == null || revision.isBlank() ? "main" : revision.strip();
        return head(repoId, rev, file).orElseThrow(() -> new HubException(
                repoId + " has no file " + file + " at revision " + rev + "."));
    }

    @Override
    public void close() {
        HttpClient client;
        synchronized (this) {
            client = http;
            http = null;
        }
        if (client != null) {
            client.close();
        }
    }

    // ---- which files -----------------------------------------------------------------------------

    private record Planned(String file, FileMetadata metadata) {
    }

    private Path fetchModel(String repoId, String revision, DownloadListener listener, BooleanSupplier cancelled)
            throws IOException {
        FileMetadata config = head(repoId, revision, ModelFiles.CONFIG).orElseThrow(() -> new HubException(
                repoId + " has no config.json at revision " + revision + ", so it is not a model tokenscope can load."));
        String commit = config.commit();
        cache.tag();
        cache.writeRef(repoId, revision, commit);
        if (!revision.equals(commit)) {
            // Asked again at the commit, so that the GET cannot fetch a newer config.json if the
            // branch moves in between.
            config = metadata(repoId, commit, ModelFiles.CONFIG);
        }

        // Every HEAD first (at the commit, so that all files come from the same one), so that a repo
        // we cannot use fails before a single byte is downloaded.
        List<Planned> plan = new ArrayList<>();
        plan.add(new Planned(ModelFiles.CONFIG, config));
        boolean buildTokenizer = false;
        Optional<FileMetadata> tokenizer = head(repoId, commit, ModelFiles.TOKENIZER);
        if (tokenizer.isPresent()) {
            plan.add(new Planned(ModelFiles.TOKENIZER, tokenizer.get()));
        } else {
            Optional<FileMetadata> vocab = head(repoId, commit, ModelFiles.VOCAB);
            Optional<FileMetadata> merges = head(repoId, commit, ModelFiles.MERGES);
            if (vocab.isEmpty() || merges.isEmpty()) {
                throw new HubException(repoId + " has neither tokenizer.json nor vocab.json and merges.txt,"
                        + " so tokenscope has no tokenizer for it.");
            }
            plan.add(new Planned(ModelFiles.VOCAB, vocab.get()));
            plan.add(new Planned(ModelFiles.MERGES, merges.get()));
            buildTokenizer = true;
        }
        // what the tokenizer and generation say beside the weights: the chat template, the special
        // tokens, the end-of-turn ids (optional; GPT-2's repos have neither)
        for (String optional : List.of(ModelFiles.TOKENIZER_CONFIG, ModelFiles.GENERATION_CONFIG)) {
            Optional<FileMetadata> file = head(repoId, commit, optional);
            file.ifPresent(metadata -> plan.add(new Planned(optional, metadata)));
        }
        Optional<FileMetadata> weights = head(repoId, commit, ModelFiles.WEIGHTS);
        if (weights.isPresent()) {
            plan.add(new Planned(ModelFiles.WEIGHTS, weights.get()));
        } else {
            Optional<FileMetadata> index = head(repoId, commit, ModelFiles.WEIGHTS_INDEX);
            if (index.isPresent()) {
                Path indexFile = fetch(repoId, commit, ModelFiles.WEIGHTS_INDEX, index.get(), listener, cancelled);
                for (String shard : ModelFiles.shards(indexFile)) {
                    plan.add(new Planned(shard, metadata(repoId, commit, shard)));
                }
            } else if (head(repoId, commit, ModelFiles.PYTORCH_WEIGHTS).isPresent()) {
                throw new HubException(repoId + " has only PyTorch weights (pytorch_model.bin) and tokenscope reads"
                        + " safetensors weights: pick a revision or a copy of the model that has model.safetensors.");
            } else {
                throw new HubException(repoId + " has no model.safetensors weights at revision " + revision + ".");
            }
        }

        checkDiskSpace(repoId, plan);
        for (Planned planned : plan) {
            fetch(repoId, commit, planned.file(), planned.metadata(), listener, cancelled);
        }
        Path snapshot = cache.pointer(repoId, commit, ModelFiles.CONFIG).getParent();
        if (buildTokenizer) {
            // huggingface_hub would not have this file: it is a regular file, not a link to a blob,
            // written only by us, and Python's tools ignore it (or count it as a file of the snapshot).
            ModelFiles.completeTokenizer(snapshot);
        }
        return snapshot;
    }

    private void checkDiskSpace(String repoId, List<Planned> plan) throws IOException {
        long needed = 0;
        for (Planned planned : plan) {
            Path blob = cache.blob(repoId, planned.metadata().etag());
            if (!Files.exists(blob)) {
                Path partial = incomplete(blob);
                needed += planned.metadata().size() - (Files.exists(partial) ? Files.size(partial) : 0);
            }
        }
        Path blobs = cache.repoFolder(repoId).resolve("blobs");
        Files.createDirectories(blobs);
        long free = Files.getFileStore(blobs).getUsableSpace();
        if (needed > 0 && free > 0 && free < needed) {
            throw new HubException("Not enough disk space to download " + repoId + ": it needs "
                    + ByteSizes.format(needed) + " and " + cache.root() + " has " + ByteSizes.format(free)
                    + " free; free some space or set HF_HUB_CACHE to a folder on another disk.");
        }
    }

    // ---- one file ----------------------------------------------------------------------------------

    private Path fetch(String repoId, String commit, String file, FileMetadata metadata, DownloadListener listener,
            BooleanSupplier cancelled) throws IOException {
        Path pointer = cache.pointer(repoId, commit, file);
        if (Files.isRegularFile(pointer)) {
            listener.onProgress(file, metadata.size(), metadata.size());
            return pointer;
        }
        Path blob = cache.blob(repoId, metadata.etag());
        Files.createDirectories(blob.getParent());
        try (BlobLock lock = BlobLock.acquire(cache.lockFile(repoId, metadata.etag()), cancelled)) {
            if (Files.isRegularFile(blob)) {
                listener.onProgress(file, metadata.size(), metadata.size());
            } else {
                new BlobDownload(file, metadata, blob, listener, cancelled).run();
            }
            cache.link(blob, pointer);
        }
        return pointer;
    }

    private static Path incomplete(Path blob) {
        return blob.resolveSibling(blob.getFileName() + ".incomplete");
    }

    /** The bytes did not match what the Hub announced: the partial file is worthless. */
    private static final class CorruptDownloadException extends HubException {
        CorruptDownloadException(String message) {
            super(message);
        }
    }

    /** No answer from the Hub (connection refused, unknown host, time-out, 5xx): use the cache. */
    static final class UnreachableException extends HubException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One blob's download into {@code blobs/{etag}.incomplete}, with its retries. */
    private final class BlobDownload {
        private final String file;
        private final FileMetadata metadata;
        private final Path blob;
        private final Path partial;
        private final DownloadListener listener;
        private final BooleanSupplier cancelled;
        private final MessageDigest sha256;
        private long done;
        private boolean rangeUsable = true;

        BlobDownload(String file, FileMetadata metadata, Path blob, DownloadListener listener,
                BooleanSupplier cancelled) {
            this.file = file;
            this.metadata = metadata;
            this.blob = blob;
            this.partial = incomplete(blob);
            this.listener = listener;
            this.cancelled = cancelled;
            this.sha256 = metadata.isLfs() ? newSha256() : null;
        }

        void run() throws IOException {
            long expected = metadata.size();
            try (FileChannel out = FileChannel.open(partial,
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                done = out.size();
                if (done > expected) {
                    restart(out);
                }
                if (sha256 != null && done > 0) {
                    hashPrefix(out);
                }
                out.position(done);
                listener.onProgress(file, done, expected);
                int failures = 0;
                while (done < expected) {
                    checkCancelled();
                    long before = done;
                    try {
                        transfer(out);
                        if (done < expected) {
                            throw new IOException("the connection closed after " + done + " of " + expected + " bytes");
                        }
                    } catch (HubException e) {
                        throw e;
                    } catch (ClosedByInterruptException e) {
                        throw cancelledException();
                    } catch (IOException e) {
                        if (isDiskFull(e)) {
                            throw e;
                        }
                        checkCancelled(); // a cancel closes the stream under us: report it as one
                        failures = done > before ? 1 : failures + 1;
                        if (failures >= retry.maxAttempts()) {
                            throw new HubException("Downloading " + file + " from " + metadata.location().getHost()
                                    + " failed " + failures + " times in a row (" + describe(e) + "); run the command"
                                    + " again to resume from the " + ByteSizes.format(done) + " already downloaded.", e);
                        }
                        sleep(retry.delayAfter(failures));
                        out.position(done);
                    }
                }
                out.force(false);
            } catch (CorruptDownloadException e) {
                Files.deleteIfExists(partial);
                throw e;
            } catch (HubException e) {
                throw e; // cancelled or retries spent: the partial file is a valid prefix, kept for resuming
            } catch (ClosedByInterruptException e) {
                throw cancelledException();
            } catch (IOException e) {
                if (isDiskFull(e)) {
                    Files.deleteIfExists(partial);
                    throw new HubException("The disk is full: " + file + " (" + ByteSizes.format(expected)
                            + ") does not fit in " + cache.root() + "; free some space or set HF_HUB_CACHE to a"
                            + " folder on another disk.", e);
                }
                throw e;
            }
            verifyAndMove();
        }

        private void verifyAndMove() throws IOException {
            long size = Files.size(partial);
            if (size != metadata.size()) {
                Files.deleteIfExists(partial);
                throw new HubException("Downloaded " + file + " has " + size + " bytes instead of the "
                        + metadata.size() + " the Hub announced; it was deleted, run the command again.");
            }
            if (sha256 != null) {
                String actual = HexFormat.of().formatHex(sha256.digest());
                if (!actual.equals(metadata.etag())) {
                    Files.deleteIfExists(partial);
                    throw new HubException("Downloaded " + file + " is corrupt (its SHA-256 is " + actual
                            + ", the Hub says " + metadata.etag() + "); it was deleted, run the command again.");
                }
            }
            Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        /** One GET from {@code done} on, until the body ends (or breaks: then an IOException). */
        private void transfer(FileChannel out) throws IOException {
            HttpResponse<InputStream> response = get(rangeUsable && done > 0 ? done : 0);
            int status = response.statusCode();
            try (InputStream body = response.body()) {
                if (status == 206) {
                    OptionalLong start = contentRangeStart(response.headers());
                    if (start.isEmpty() || start.getAsLong() != done) {
                        rangeUsable = false; // a server that mangles ranges: from the start, next time
                        throw new IOException("the server answered a range starting at "
                                + (start.isPresent() ? start.getAsLong() : "?") + " instead of " + done);
                    }
                } else if (status == 200) {
                    if (done > 0) {
                        restart(out); // the server ignored our Range: its body starts at byte 0
                    }
                } else if (status == 416) {
                    restart(out);
                    throw new IOException("the server refused the range of the partial download");
                } else if (status >= 500 || status == 408 || status == 429) {
                    throw new IOException("the server answered HTTP " + status);
                } else {
                    throw new HubException(metadata.location().getHost() + " answered HTTP " + status
                            + " for " + file + ".");
                }
                copy(body, out);
            }
        }

        private HttpResponse<InputStream> get(long from) throws IOException {
            URI url = metadata.location();
            boolean withToken = sameServer(url, settings.endpoint());
            for (int hop = 0; ; hop++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(url).GET().timeout(readTimeout)
                        .header("User-Agent", USER_AGENT);
                if (withToken && settings.token().isPresent()) {
                    request.header("Authorization", "Bearer " + settings.token().get());
                }
                if (from > 0) {
                    request.header("Range", "bytes=" + from + "-");
                }
                HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                if (!isRedirect(response.statusCode())) {
                    return response;
                }
                response.body().close();
                String location = response.headers().firstValue("Location").orElseThrow(() ->
                        new IOException("a redirect without a Location"));
                if (hop >= MAX_REDIRECTS) {
                    throw new HubException("Too many redirects downloading " + file + ".");
                }
                url = url.resolve(location);
                withToken &= sameServer(url, settings.endpoint()); // never hand the token to a storage host
            }
        }

        private void copy(InputStream body, FileChannel out) throws IOException {
            Thread downloader = Thread.currentThread();
            AtomicLong lastRead = new AtomicLong(System.nanoTime());
            AtomicBoolean finished = new AtomicBoolean();
            AtomicBoolean stalled = new AtomicBoolean();
            // Reads on an HTTP body have no time-out of their own, and a cancel must not wait for the
            // next chunk: this watchdog closes the body, which ends a blocked read.
            Thread watchdog = Thread.ofVirtual().name("hub-download-watchdog").start(() -> {
                long tick = Math.max(1, Math.min(readTimeout.toMillis(), 100));
                while (!finished.get()) {
                    boolean stop = cancelled.getAsBoolean() || downloader.isInterrupted();
                    if (System.nanoTime() - lastRead.get() > readTimeout.toNanos()) {
                        stalled.set(true);
                        stop = true;
                    }
                    if (stop) {
                        closeQuietly(body);
                        return;
                    }
                    try {
                        Thread.sleep(tick);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                byte[] buffer = new byte[CHUNK_BYTES];
                int n;
                while ((n = body.read(buffer)) != -1) {
                    lastRead.set(System.nanoTime());
                    if (done + n > metadata.size()) {
                        throw new CorruptDownloadException(metadata.location().getHost() + " sent more than the "
                                + metadata.size() + " bytes the Hub announced for " + file
                                + "; the download was deleted, run the command again.");
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    if (sha256 != null) {
                        sha256.update(buffer, 0, n);
                    }
                    done += n;
                    listener.onProgress(file, done, metadata.size());
                    checkCancelled();
                }
            } catch (IOException e) {
                if (e instanceof HubException) {
                    throw e;
                }
                checkCancelled();
                if (stalled.get()) {
                    throw new IOException("no data for " + readTimeout.toSeconds() + " s", e);
                }
                throw e;
            } finally {
                finished.set(true);
                watchdog.interrupt();
            }
        }

        private void restart(FileChannel out) throws IOException {
            out.truncate(0);
            out.position(0);
            done = 0;
            if (sha256 != null) {
                sha256.reset();
            }
            listener.onProgress(file, 0, metadata.size());
        }

        private void hashPrefix(FileChannel out) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            long position = 0;
            while (position < done) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), done - position));
                int n = out.read(buffer, position);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                sha256.update(buffer);
                position += n;
            }
        }

        private void checkCancelled() throws DownloadCancelledException {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw cancelledException();
            }
        }

        private DownloadCancelledException cancelledException() {
            return new DownloadCancelledException("Download of " + file + " cancelled after "
                    + ByteSizes.format(done) + "; the next download resumes from there.");
        }

        private void sleep(Duration delay) throws DownloadCancelledException {
            long until = System.nanoTime() + delay.toNanos();
            try {
                while (System.nanoTime() < until) {
                    checkCancelled();
                    Thread.sleep(Math.max(1, Math.min(50, (until - System.nanoTime()) / 1_000_000)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw cancelledException();
            }
        }
    }

    // ---- metadata ----------------------------------------------------------------------------------

    /**
     * HEAD on the file's resolve URL, following relative redirects only (as
     * {@code _httpx_follow_relative_redirects_with_backoff} does). Empty if the file does not exist
     * at that revision (then {@code .no_exist} remembers it, as in Python).
     */
    private Optional<FileMetadata> head(String repoId, String revision, String file) throws IOException {
        if (!RepoIds.isSafeRelativePath(file)) {
            throw new HubException("Not a file name a repository can have: " + file + ".");
        }
        URI url = resolveUrl(repoId, revision, file);
        HttpResponse<Void> response;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(url)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(metadataTimeout)
                    .header("User-Agent", USER_AGENT)
                    .header("Accept-Encoding", "identity"); // the size of the file, not of a compressed body
            if (settings.token().isPresent() && sameServer(url, settings.endpoint())) {
                request.header("Authorization", "Bearer " + settings.token().get());
            }
            try {
                response = send(request.build(), HttpResponse.BodyHandlers.discarding());
            } catch (HubException e) {
                throw e; // cancelled, or offline
            } catch (ConnectException | HttpTimeoutException e) {
                throw new UnreachableException(settings.endpoint() + " could not be reached (" + describe(e) + ")", e);
            } catch (IOException e) {
                throw new UnreachableException("the connection to " + settings.endpoint() + " failed ("
                        + describe(e) + ")", e);
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (!isRedirect(response.statusCode()) || location.isEmpty()) {
                break;
            }
            URI target = URI.create(location.get());
            if (target.isAbsolute() || target.getRawAuthority() != null) {
                break; // to a storage host: that is where the GET goes, not the HEAD
            }
            if (hop >= MAX_REDIRECTS) {
                throw new HubException("Too many redirects for " + file + " of " + repoId + ".");
            }
            url = url.resolve(target); // a renamed repository: same host, new path
        }
        return metadataFrom(response, url, repoId, revision, file);
    }

    private Optional<FileMetadata> metadataFrom(HttpResponse<Void> response, URI url, String repoId, String revision,
            String file) throws IOException {
        HttpHeaders headers = response.headers();
        int status = response.statusCode();
        String errorCode = headers.firstValue("X-Error-Code").orElse("");
        Optional<String> commitHeader = headers.firstValue("X-Repo-Commit");
        if (errorCode.equals("EntryNotFound") || (status == 404 && errorCode.isEmpty())) {
            commitHeader.ifPresent(commit -> cache.markMissing(repoId, commit, file));
            return Optional.empty();
        }
        if (status >= 400) {
            throw httpError(status, errorCode, repoId, revision, file);
        }
        String commit = commitHeader.orElseThrow(() -> new HubException(settings.endpoint()
                + " does not answer like the Hugging Face Hub (no X-Repo-Commit for " + file
                + "); check HF_ENDPOINT and any proxy in between."));
        String etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
                .map(HubClient::normalizeEtag).filter(value -> !value.isEmpty())
                .orElseThrow(() -> new HubException(settings.endpoint() + " sent no ETag for " + file
                        + " of " + repoId + ", so its download could not be verified."));
        boolean redirect = isRedirect(status);
        Optional<String> sizeHeader = headers.firstValue("X-Linked-Size")
                .or(() -> redirect ? Optional.empty() : headers.firstValue("Content-Length"));
        long size;
        try {
            size = Long.parseLong(sizeHeader.orElseThrow(() -> new HubException(settings.endpoint()
                    + " sent no size for " + file + " of " + repoId + ".")).strip());
        } catch (NumberFormatException e) {
            throw new HubException(settings.endpoint() + " sent a size for " + file + " that is not a number.");
        }
        if (!RepoIds.isCommitHash(commit) || !RepoIds.isSafeRelativePath(etag) || size < 0) {
            throw new HubException(settings.endpoint() + " sent metadata for " + file + " that cannot be right"
                    + " (commit " + commit + ", etag " + etag + ", size " + size + ").");
        }
        URI location = redirect ? url.resolve(headers.firstValue("Location").orElseThrow()) : url;
        return Optional.of(new FileMetadata(commit, etag, size, location));
    }

    private HubException httpError(int status, String errorCode, String repoId, String revision, String file) {
        if (errorCode.equals("RevisionNotFound")) {
            return new HubException(repoId + " has no revision " + revision + " on " + settings.endpoint() + ".");
        }
        if (errorCode.equals("GatedRepo") || status == 403) {
            return new HubException(repoId + " is gated: accept its licence on its page, " + settings.endpoint() + "/"
                    + repoId + ", and set HF_TOKEN to a token of that account.");
        }
        if (errorCode.equals("RepoNotFound") || status == 401) {
            return new HubException(repoId + " was not found on " + settings.endpoint() + ": check the name, or, if"
                    + " it is private or gated, " + (settings.token().isPresent()
                            ? "check that your token (HF_TOKEN) may read it."
                            : "set HF_TOKEN to a token that may read it."));
        }
        if (status >= 500 || status == 429 || status == 408) {
            return new UnreachableException(settings.endpoint() + " answered HTTP " + status, null);
        }
        return new HubException(settings.endpoint() + " answered HTTP " + status + " for " + file + " of "
                + repoId + ".");
    }

    /** huggingface_hub's {@code _normalize_etag}: drop a weak {@code W/} and the quotes. */
    static String normalizeEtag(String etag) {
        String value = etag.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return value;
    }

    // ---- HTTP --------------------------------------------------------------------------------------

    /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}, the revision escaped whole ({@code refs%2Fpr%2F1}). */
    private URI resolveUrl(String repoId, String revision, String file) {
        return URI.create(settings.endpoint() + "/" + repoId + "/resolve/" + escape(revision, false) + "/"
                + escape(file, true));
    }

    private static String escape(String text, boolean keepSlashes) {
        StringBuilder escaped = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlashes && c == '/');
            if (unreserved) {
                escaped.append(c);
            } else {
                escaped.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return escaped.toString();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http().send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadCancelledException("Download cancelled.");
        }
    }

    private synchronized HttpClient http() throws IOException {
        if (settings.offline()) {
            // The one door to the network, shut in offline mode.
            throw new ModelNotAvailableException("Offline mode is on (HF_HUB_OFFLINE), so nothing can be downloaded.");
        }
        if (http == null) {
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER) // redirects are followed by hand, see above
                    .connectTimeout(metadataTimeout)
                    .build();
        }
        return http;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameServer(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static OptionalLong contentRangeStart(HttpHeaders headers) {
        // "bytes 100-999/1000"
        Optional<String> range = headers.firstValue("Content-Range");
        if (range.isEmpty() || !range.get().startsWith("bytes ")) {
            return OptionalLong.empty();
        }
        String spec = range.get().substring("bytes ".length());
        int dash = spec.indexOf('-');
        try {
            return dash > 0 ? OptionalLong.of(Long.parseLong(spec.substring(0, dash).strip())) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether {@code e}, or what caused it, says the disk is full (or the quota spent). */
    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded")
                    || message.contains("not enough space on the disk"))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // Closing to end a read: the reader sees the failure.
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private ModelNotAvailableException notAvailable(String repoId, String revision, String reason, Throwable cause) {
        String pull = "java -jar target/tokenscope.jar pull " + repoId
                + (revision.equals("main") ? "" : " --revision " + revision);
        String where = cache.snapshots(repoId, revision).stream().findFirst()
                .flatMap(snapshot -> ModelFiles.missing(snapshot).map(file ->
                        " is cached without " + file + " (" + snapshot + ")"))
                .orElse(" is not in the Hugging Face cache (" + cache.root() + ")");
        return new ModelNotAvailableException(repoId + where + " and " + reason + ": connect once and run `"
                + pull + "`, or point --model at a model folder.", cause);
    }

    private static void requireValid(String repoId) throws HubException {
        if (!RepoIds.isValid(repoId)) {
            throw new HubException(repoId + " is not a Hugging Face model id (like gpt2 or openai-community/gpt2-large).");
        }
    }

    /** Settings are required; retries and time-outs have defaults. */
    public static final class Builder {
        private HubSettings settings;
        private RetryPolicy retry = RetryPolicy.defaults();
        private Duration metadataTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private HttpClient http;

        private Builder() {
        }

        /** Cache, endpoint, token and offline mode, usually {@link HubSettings#fromSystem()}. */
        public Builder setSettings(HubSettings value) {
            this.settings = Objects.requireNonNull(value);
            return this;
        }

        public Builder optRetryPolicy(RetryPolicy value) {
            this.retry = Objects.requireNonNull(value);
            return this;
        }

        /** How long a HEAD (or a connection) may take; 10 s by default, as HF_HUB_ETAG_TIMEOUT. */
        public Builder optMetadataTimeout(Duration value) {
            this.metadataTimeout = Objects.requireNonNull(value);
            return this;
        }

        /** How long a download may go without a byte before it counts as cut; 30 s by default. */
        public Builder optReadTimeout(Duration value) {
            this.readTimeout = Objects.requireNonNull(value);
            return this;
        }

        /**
         * An HTTP client of your own (a proxy, say). It must not follow redirects itself, or the token
         * could reach a storage host; the HubClient closes it.
         */
        public Builder optHttpClient(HttpClient value) {
            if (value.followRedirects() != HttpClient.Redirect.NEVER) {
                throw new IllegalArgumentException("the HTTP client must not follow redirects");
            }
            this.http = value;
            return this;
        }

        public HubClient build() {
            if (settings == null) {
                throw new IllegalStateException("setSettings(...) is required");
            }
            return new HubClient(this);
        }
    }
}
