package org.tokenscope.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The Hugging Face cache, in exactly the layout Python's huggingface_hub writes, so that each side
 * reuses what the other downloaded:
 *
 * <pre>
 * {root}/
 *   CACHEDIR.TAG
 *   .locks/models--{org}--{name}/{etag}.lock
 *   models--{org}--{name}/
 *     blobs/{etag}                         file contents, named by etag (SHA-256 for LFS files)
 *     blobs/{etag}.incomplete              a download in progress (resumed by the next one)
 *     refs/{revision}                      the commit hash a branch or tag points at, no newline
 *     snapshots/{commit}/{file}            relative symbolic link to ../../blobs/{etag}
 *     .no_exist/{commit}/{file}            empty: this file is known not to exist at this commit
 * </pre>
 *
 * Reading it never touches the network.
 */
public final class HubCache {

    private static final String TAG_CONTENT = """
            Signature: 8a477f597d28d172789f06886806bc55
            # This file is a cache directory tag created by huggingface_hub.
            # For information about cache directory tags, see:
            #\thttps://bford.info/cachedir/
            """;

    private final Path root;

    public HubCache(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The cache that {@code HF_HUB_CACHE}, {@code HF_HOME} and so on in {@code env} point at. */
    public static HubCache fromEnvironment(Map<String, String> env) {
        return new HubCache(HubSettings.fromEnvironment(env).cacheRoot());
    }

    public Path root() {
        return root;
    }

    /** {@code {root}/models--{org}--{name}} (which need not exist). */
    public Path repoFolder(String repoId) {
        requireValid(repoId);
        return root.resolve(RepoIds.folderName(repoId));
    }

    /**
     * The snapshot folder that {@code revision} (a branch or tag through {@code refs/}, or a full
     * commit hash) names, under either spelling of {@code repoId} (see {@link RepoIds#spellings}),
     * if it is cached. The folder may lack files; see {@link #modelSnapshot}.
     *
     * @throws IllegalArgumentException if {@code repoId} is not a valid Hub id
     */
    public Optional<Path> snapshot(String repoId, String revision) {
        return snapshots(repoId, revision).stream().findFirst();
    }

    /** Every cached snapshot {@code revision} names, one per spelling of {@code repoId} that has it. */
    public List<Path> snapshots(String repoId, String revision) {
        requireValid(repoId);
        List<Path> found = new ArrayList<>();
        for (String spelling : RepoIds.spellings(repoId)) {
            commitOf(spelling, revision)
                    .map(commit -> repoFolder(spelling).resolve("snapshots").resolve(commit))
                    .filter(Files::isDirectory)
                    .ifPresent(found::add);
        }
        return found;
    }

    /**
     * The first snapshot {@code revision} names that holds a whole model (config.json, a tokenizer,
     * safetensors weights), looked up with no request. When all it lacks is tokenizer.json and it has
     * vocab.json and merges.txt, tokenizer.json is built from them into the snapshot first.
     */
    public Optional<Path> modelSnapshot(String repoId, String revision) throws IOException {
        for (Path snapshot : snapshots(repoId, revision)) {
            if (ModelFiles.isComplete(snapshot)) {
                ModelFiles.completeTokenizer(snapshot);
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }

    /**
     * The commit {@code revision} names in this one repository folder: the revision itself if it is
     * a commit hash, else the content of {@code refs/{revision}}.
     */
    public Optional<String> commitOf(String repoId, String revision) {
        if (RepoIds.isCommitHash(revision)) {
            return Optional.of(revision);
        }
        if (!RepoIds.isSafeRelativePath(revision)) {
            return Optional.empty();
        }
        Path ref = repoFolder(repoId).resolve("refs").resolve(revision);
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Every model repository in the cache, sorted by id. Folders that are not model repositories,
     * or that cannot be read, are skipped.
     */
    public List<CachedModel> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<CachedModel> models = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, "models--*")) {
            for (Path folder : folders) {
                Optional<String> repoId = RepoIds.fromFolderName(folder.getFileName().toString());
                if (repoId.isPresent() && Files.isDirectory(folder.resolve("snapshots"))) {
                    try {
                        models.add(scan(repoId.get(), folder));
                    } catch (IOException e) {
                        // A folder another process is deleting, or one we may not read: not ours to list.
                    }
                }
            }
        }
        models.sort(Comparator.comparing(CachedModel::repoId));
        return models;
    }

    private CachedModel scan(String repoId, Path folder) throws IOException {
        Map<String, List<String>> refsByCommit = new HashMap<>();
        Path refs = folder.resolve("refs");
        if (Files.isDirectory(refs)) {
            try (Stream<Path> files = Files.walk(refs)) {
                for (Path ref : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = refs.relativize(ref).toString().replace('\\', '/');
                    String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
                    refsByCommit.computeIfAbsent(commit, c -> new ArrayList<>()).add(name);
                }
            }
        }

        List<CachedRevision> revisions = new ArrayList<>();
        Map<Path, FileTime> modified = new HashMap<>();
        Set<Path> targets = new HashSet<>();
        long size = 0;
        boolean runnable = false;
        try (DirectoryStream<Path> snapshots = Files.newDirectoryStream(folder.resolve("snapshots"))) {
            for (Path snapshot : snapshots) {
                if (!Files.isDirectory(snapshot)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(snapshot)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Path target = file.toRealPath();
                        if (targets.add(target)) {
                            size += Files.size(target);
                        }
                    }
                } catch (IOException e) {
                    // A broken link (its blob deleted): the revision is simply not complete.
                }
                String commit = snapshot.getFileName().toString();
                revisions.add(new CachedRevision(commit, refsByCommit.getOrDefault(commit, List.of()),
                        snapshot, ModelFiles.isComplete(snapshot)));
                modified.put(snapshot, Files.getLastModifiedTime(snapshot));
                runnable |= ModelFiles.isRunnable(snapshot);
            }
        }
        revisions.sort(Comparator.comparing((CachedRevision r) -> modified.get(r.snapshot())).reversed());
        return new CachedModel(repoId, folder, revisions, size, runnable);
    }

    // ---- writing, for HubClient ----------------------------------------------------------------

    /** {@code blobs/{etag}}. */
    Path blob(String repoId, String etag) {
        requireSafe(etag);
        return repoFolder(repoId).resolve("blobs").resolve(etag);
    }

    /** {@code snapshots/{commit}/{file}}, where {@code file} may have folders ({@code onnx/model.onnx}). */
    Path pointer(String repoId, String commit, String file) {
        requireSafe(commit);
        requireSafe(file);
        return repoFolder(repoId).resolve("snapshots").resolve(commit).resolve(file);
    }

    /** {@code {root}/.locks/models--{org}--{name}/{etag}.lock}, as huggingface_hub names it. */
    Path lockFile(String repoId, String etag) {
        requireSafe(etag);
        return root.resolve(".locks").resolve(RepoIds.folderName(repoId)).resolve(etag + ".lock");
    }

    /**
     * Records that branch or tag {@code revision} points at {@code commit}, atomically (a temporary
     * file renamed over the ref) so that a reader never sees half a hash. Nothing to record when the
     * revision is the commit itself.
     */
    void writeRef(String repoId, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        requireSafe(revision);
        Path ref = repoFolder(repoId).resolve("refs").resolve(revision);
        if (commitOf(repoId, revision).filter(commit::equals).isPresent()) {
            return; // unchanged: leave a read-only cache alone
        }
        Files.createDirectories(ref.getParent());
        Path temporary = ref.resolveSibling(ref.getFileName() + "." + shortId() + ".tmp");
        try {
            Files.writeString(temporary, commit, StandardCharsets.UTF_8);
            Files.move(temporary, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Points {@code pointer} at {@code blob} with a relative symbolic link ({@code ../../blobs/{etag}},
     * one more {@code ..} per folder in the file's name), replacing whatever was there. Where the
     * file system has no symbolic links, the blob is copied, as huggingface_hub does.
     */
    void link(Path blob, Path pointer) throws IOException {
        Files.createDirectories(pointer.getParent());
        Path target = pointer.getParent().toAbsolutePath().relativize(blob.toAbsolutePath());
        Files.deleteIfExists(pointer);
        try {
            Files.createSymbolicLink(pointer, target);
        } catch (FileAlreadyExistsException e) {
            // Linked at the same moment by another process: fine if it points at the same blob.
            if (!Files.isSameFile(pointer, blob)) {
                throw e;
            }
        } catch (UnsupportedOperationException | IOException e) {
            Path temporary = pointer.resolveSibling(pointer.getFileName() + "." + shortId() + ".tmp");
            try {
                Files.copy(blob, temporary, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temporary, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Remembers that {@code file} does not exist at {@code commit} ({@code .no_exist}, as Python does). */
    void markMissing(String repoId, String commit, String file) {
        try {
            Path marker = repoFolder(repoId).resolve(".no_exist").resolve(commit).resolve(file);
            requireSafe(commit);
            requireSafe(file);
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
        } catch (IOException | IllegalArgumentException e) {
            // Only a hint for later look-ups; Python ignores this failure too.
        }
    }

    /** Writes {@code CACHEDIR.TAG} so that backup tools skip the cache, if it is not there yet. */
    void tag() {
        Path tag = root.resolve("CACHEDIR.TAG");
        if (!Files.exists(tag)) {
            try {
                Files.createDirectories(root);
                Files.writeString(tag, TAG_CONTENT, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // Best effort, as in Python.
            }
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void requireValid(String repoId) {
        if (!RepoIds.isValid(repoId)) {
            throw new IllegalArgumentException("Not a Hugging Face model id: " + repoId);
        }
    }

    private static void requireSafe(String relativePath) {
        if (!RepoIds.isSafeRelativePath(relativePath)) {
            throw new IllegalArgumentException("Not a safe relative path: " + relativePath);
        }
    }
}
