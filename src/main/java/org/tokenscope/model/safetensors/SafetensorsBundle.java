package org.tokenscope.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.SequencedSet;
import java.util.stream.Stream;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.TensorSource;

/**
 * The safetensors weights of a model folder seen as one set of tensors: either the single file
 * {@code model.safetensors} or the shards that {@code model.safetensors.index.json} names. For a
 * sharded model, opening checks that each shard holds exactly the tensors the index assigns to it:
 * none missing, none in two shards, none the index does not list.
 *
 * <p>A tensor's {@link TensorInfo#begin()} and {@link TensorInfo#end()} are offsets in the data of
 * its own file, {@link #file(String)}.
 */
public final class SafetensorsBundle implements TensorSource {

    public static final String SINGLE_FILE_NAME = "model.safetensors";

    private final Path directory;
    private final SafetensorsIndex index; // null for a single file
    private final List<SafetensorsFile> files;
    private final SequencedMap<String, TensorInfo> tensors;
    private final Map<String, SafetensorsFile> fileOf;

    private SafetensorsBundle(Path directory, SafetensorsIndex index, List<SafetensorsFile> files,
            SequencedMap<String, SafetensorsFile> fileOf) {
        this.directory = directory;
        this.index = index;
        this.files = List.copyOf(files);
        this.fileOf = Collections.unmodifiableMap(fileOf);
        SequencedMap<String, TensorInfo> all = new LinkedHashMap<>();
        fileOf.forEach((name, file) -> all.put(name, file.tensors().get(name)));
        this.tensors = Collections.unmodifiableSequencedMap(all);
    }

    /**
     * Opens the weights in {@code modelDir}: {@code model.safetensors} if it is there, otherwise
     * the shards of {@code model.safetensors.index.json}.
     */
    public static SafetensorsBundle open(Path modelDir) throws ModelFormatException {
        if (!Files.isDirectory(modelDir)) {
            throw new ModelFormatException(modelDir + (Files.exists(modelDir) ? " is not a folder." : " does not exist."));
        }
        Path single = modelDir.resolve(SINGLE_FILE_NAME);
        if (Files.exists(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            SequencedMap<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            file.tensors().keySet().forEach(name -> fileOf.put(name, file));
            return new SafetensorsBundle(modelDir, null, List.of(file), fileOf);
        }
        Path indexFile = modelDir.resolve(SafetensorsIndex.FILE_NAME);
        if (Files.exists(indexFile)) {
            return open(SafetensorsIndex.read(indexFile));
        }
        throw noSafetensors(modelDir);
    }

    /** Opens the shards of {@code index} and checks that they hold what it says. */
    public static SafetensorsBundle open(SafetensorsIndex index) throws ModelFormatException {
        SequencedMap<Path, SafetensorsFile> shards = new LinkedHashMap<>();
        try {
            for (Path shard : index.shards()) {
                shards.put(shard, SafetensorsFile.open(shard));
            }
            checkShards(index, shards);
            SequencedMap<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            index.weightMap().forEach((name, shard) -> fileOf.put(name, shards.get(shard)));
            return new SafetensorsBundle(index.directory(), index, new ArrayList<>(shards.values()), fileOf);
        } catch (ModelFormatException | RuntimeException | Error e) {
            for (SafetensorsFile file : shards.values()) {
                try {
                    file.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static void checkShards(SafetensorsIndex index, SequencedMap<Path, SafetensorsFile> shards)
            throws ModelFormatException {
        Path indexFile = index.indexFile();
        for (Map.Entry<Path, SafetensorsFile> entry : shards.entrySet()) {
            SafetensorsFile shard = entry.getValue();
            SequencedSet<String> expected = index.tensorsIn(entry.getKey());
            for (String name : expected) {
                if (!shard.contains(name)) {
                    Optional<SafetensorsFile> elsewhere =
                            shards.values().stream().filter(other -> other.contains(name)).findFirst();
                    throw new ModelFormatException(elsewhere
                            .map(other -> "Tensor '" + name + "' is in shard " + other.file() + ", but the index "
                                    + indexFile + " assigns it to shard " + shard.file() + ", which lacks it.")
                            .orElse("Shard " + shard.file() + " lacks tensor '" + name + "', which the index "
                                    + indexFile + " assigns to it."));
                }
            }
            for (String name : shard.tensors().keySet()) {
                if (!expected.contains(name)) {
                    Path owner = index.weightMap().get(name);
                    throw new ModelFormatException(owner == null
                            ? "Shard " + shard.file() + " holds tensor '" + name + "', which the index " + indexFile
                                    + " does not list."
                            : "Tensor '" + name + "' is in both shard " + shard.file() + " and shard " + owner
                                    + ", but the index " + indexFile + " assigns it only to the second.");
                }
            }
        }
    }

    private static ModelFormatException noSafetensors(Path modelDir) {
        List<String> present;
        try (Stream<Path> entries = Files.list(modelDir)) {
            present = entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return new ModelFormatException("Cannot list the folder " + modelDir + ": " + e.getMessage(), e);
        }
        String pytorch = present.contains("pytorch_model.bin") ? "pytorch_model.bin"
                : present.contains("pytorch_model.bin.index.json") ? "pytorch_model.bin.index.json"
                : null;
        if (pytorch != null) {
            String dir = modelDir.toAbsolutePath().toString();
            return new ModelFormatException(modelDir + " has PyTorch weights (" + pytorch
                    + ") but no safetensors weights, which tokenscope needs because, unlike pickled .bin files,"
                    + " they cannot run code when loaded; convert them with: python -c \"from transformers import"
                    + " AutoModelForCausalLM as M; M.from_pretrained('" + dir + "').save_pretrained('" + dir
                    + "', safe_serialization=True)\"");
        }
        List<String> others = present.stream().filter(name -> name.endsWith(".safetensors")).toList();
        return new ModelFormatException(modelDir + " has no safetensors weights: it holds neither "
                + SINGLE_FILE_NAME + " nor " + SafetensorsIndex.FILE_NAME
                + (others.isEmpty() ? "." : " (only " + String.join(", ", others) + ")."));
    }

    /** The model folder (for a sharded model, the index's folder, absolute). */
    public Path directory() {
        return directory;
    }

    /** The index, for a sharded model. */
    public Optional<SafetensorsIndex> index() {
        return Optional.ofNullable(index);
    }

    /** The weight files: one, or the shards in index order. */
    @Override
    public List<Path> files() {
        return files.stream().map(SafetensorsFile::file).toList();
    }

    /** The open weight files, in the order of {@link #files()}, for their metadata. */
    public List<SafetensorsFile> openFiles() {
        return files;
    }

    /** All tensors by name: in header order for one file, in index order for shards. */
    @Override
    public SequencedMap<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public TensorInfo tensor(String name) throws ModelFormatException {
        return fileHolding(name).tensor(name);
    }

    /** The file that holds tensor {@code name}. */
    @Override
    public Path file(String name) throws ModelFormatException {
        return fileHolding(name).file();
    }

    /** See {@link SafetensorsFile#data(String)}. */
    @Override
    public ByteBuffer data(String name) throws ModelFormatException {
        return fileHolding(name).data(name);
    }

    /** See {@link SafetensorsFile#read(String, long, ByteBuffer)}. */
    @Override
    public void read(String name, long offset, ByteBuffer dst) throws java.io.IOException, ModelFormatException {
        fileHolding(name).read(name, offset, dst);
    }

    /** See {@link SafetensorsFile#readFloats(String)}. */
    @Override
    public float[] readFloats(String name) throws ModelFormatException {
        return fileHolding(name).readFloats(name);
    }

    private SafetensorsFile fileHolding(String name) throws ModelFormatException {
        SafetensorsFile file = fileOf.get(name);
        if (file == null) {
            throw new ModelFormatException("The model in " + directory + " has no tensor named '" + name + "'.");
        }
        return file;
    }

    /** Closes every file, even if closing one fails. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (SafetensorsFile file : files) {
            try {
                file.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "SafetensorsBundle[" + directory + ", " + tensors.size() + " tensors in " + files.size() + " files]";
    }
}
