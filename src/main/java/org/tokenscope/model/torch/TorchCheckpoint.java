package org.tokenscope.model.torch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.TensorSource;
import org.tokenscope.model.safetensors.TensorInfo;
import org.tokenscope.model.torch.StateDictUnpickler.StorageRef;
import org.tokenscope.model.torch.StateDictUnpickler.TensorRef;

/**
 * PyTorch {@code .bin} weights as {@code torch.save} writes them since 1.6: a zip archive holding
 * {@code ARCHIVE/data.pkl} (the pickled state dict) and one entry {@code ARCHIVE/data/KEY} per
 * storage. No Python runs and nothing the pickle names is executed: {@link StateDictUnpickler}
 * accepts only a state dict's content and refuses anything else with one sentence. The legacy
 * (pre-1.6, non-zip) format is refused with how to convert it.
 *
 * <p>A tensor's {@link TensorInfo#begin()}/{@link TensorInfo#end()} are byte offsets in its storage;
 * {@link #data} returns its elements contiguous and row-major even when the saved tensor was a
 * strided view. Storages are read into direct buffers once, when a tensor of theirs is first asked for.
 */
public final class TorchCheckpoint implements TensorSource {

    public static final String SINGLE_FILE_NAME = "pytorch_model.bin";
    public static final String INDEX_FILE_NAME = "pytorch_model.bin.index.json";

    /** Largest data.pkl read (a state dict's pickle is small: names, shapes and storage keys). */
    private static final long MAX_PICKLE_BYTES = 256L << 20;

    private record Stored(Archive archive, TensorRef ref) {
    }

    /** One open .bin file: its zip, entry prefix and the storages read so far. */
    private static final class Archive {
        final Path file;
        final ZipFile zip;
        final String prefix;
        final Map<String, ByteBuffer> storages = new HashMap<>();

        Archive(Path file, ZipFile zip, String prefix) {
            this.file = file;
            this.zip = zip;
            this.prefix = prefix;
        }
    }

    private final List<Archive> archives;
    private final SequencedMap<String, TensorInfo> tensors;
    private final Map<String, Stored> stored;

    private TorchCheckpoint(List<Archive> archives, SequencedMap<String, TensorInfo> tensors, Map<String, Stored> stored) {
        this.archives = List.copyOf(archives);
        this.tensors = Collections.unmodifiableSequencedMap(tensors);
        this.stored = stored;
    }

    /** Opens {@code pytorch_model.bin}, or the shards {@code pytorch_model.bin.index.json} names, in {@code folder}. */
    public static TorchCheckpoint openFolder(Path folder) throws ModelFormatException {
        Path single = folder.resolve(SINGLE_FILE_NAME);
        if (Files.exists(single)) {
            return open(List.of(single));
        }
        Path index = folder.resolve(INDEX_FILE_NAME);
        if (!Files.exists(index)) {
            throw new ModelFormatException(folder + " has neither " + SINGLE_FILE_NAME + " nor " + INDEX_FILE_NAME + ".");
        }
        return open(shards(index));
    }

    /** Opens one .bin file. */
    public static TorchCheckpoint open(Path file) throws ModelFormatException {
        return open(List.of(file));
    }

    private static TorchCheckpoint open(List<Path> files) throws ModelFormatException {
        List<Archive> archives = new ArrayList<>();
        SequencedMap<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, Stored> stored = new HashMap<>();
        try {
            for (Path file : files) {
                Archive archive = openArchive(file);
                archives.add(archive);
                for (Map.Entry<String, TensorRef> e : stateDict(archive).entrySet()) {
                    if (stored.containsKey(e.getKey())) {
                        throw new ModelFormatException("Tensor '" + e.getKey() + "' is in both " + stored.get(e.getKey()).archive().file
                                + " and " + file + ".");
                    }
                    TensorRef ref = e.getValue();
                    long width = ref.storage().dtype().bits() / 8;
                    long bytes = Math.multiplyExact(elementCount(ref.shape()), width);
                    tensors.put(e.getKey(), new TensorInfo(e.getKey(), ref.storage().dtype(), ref.shape(),
                            ref.offset() * width, ref.offset() * width + bytes));
                    stored.put(e.getKey(), new Stored(archive, ref));
                }
            }
            return new TorchCheckpoint(archives, tensors, stored);
        } catch (ModelFormatException | RuntimeException e) {
            for (Archive archive : archives) {
                closeQuietly(archive, e);
            }
            throw e;
        }
    }

    private static List<Path> shards(Path index) throws ModelFormatException {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new ModelFormatException(index + " is not readable JSON: " + e.getMessage(), e);
        }
        if (!map.isObject() || map.isEmpty()) {
            throw new ModelFormatException(index + " has no weight_map naming its shards.");
        }
        List<Path> files = new ArrayList<>();
        for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
            String shard = it.next().asText();
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.equals(".")) {
                throw new ModelFormatException(index + " names a shard outside its folder: " + shard + ".");
            }
            Path file = index.resolveSibling(shard);
            if (!files.contains(file)) {
                files.add(file);
            }
        }
        return files;
    }

    private static Archive openArchive(Path file) throws ModelFormatException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + (Files.exists(file) ? " is not a file." : " does not exist."));
        }
        byte[] magic = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(magic, 0, 4);
        } catch (IOException e) {
            throw new ModelFormatException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (read >= 2 && (magic[0] & 0xFF) == 0x80 && magic[1] >= 2 && magic[1] <= 5) {
            String path = file.toAbsolutePath().toString().replace("'", "\\'");
            throw new ModelFormatException(file + " is in PyTorch's legacy (pre-1.6, not zip) format, which tokenscope does"
                    + " not read; convert it once in Python with: python -c \"import torch; from safetensors.torch import"
                    + " save_file; save_file({k: v.contiguous() for k, v in torch.load('" + path + "', weights_only=True).items()},"
                    + " '" + file.toAbsolutePath().resolveSibling("model.safetensors").toString().replace("'", "\\'") + "')\"");
        }
        if (read < 4 || magic[0] != 'P' || magic[1] != 'K') {
            throw new ModelFormatException(file + " is not a PyTorch checkpoint: it is neither a zip archive nor a pickle.");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new ModelFormatException(file + " is not a complete zip archive (truncated or damaged: " + e.getMessage() + ").", e);
        } catch (IOException e) {
            throw new ModelFormatException("Cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            String prefix = null;
            for (Iterator<? extends ZipEntry> it = zip.entries().asIterator(); it.hasNext(); ) {
                String name = it.next().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    if (prefix != null) {
                        throw new ModelFormatException(file + " holds more than one data.pkl, so it is not one PyTorch checkpoint.");
                    }
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) {
                throw new ModelFormatException(file + " is a zip archive without ARCHIVE/data.pkl, so not a PyTorch checkpoint.");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String byteOrder = new String(zip.getInputStream(order).readNBytes(16), StandardCharsets.US_ASCII).strip();
                if (!byteOrder.equals("little")) {
                    throw new ModelFormatException(file + " was saved on a " + byteOrder + "-endian machine; tokenscope reads"
                            + " only little-endian checkpoints.");
                }
            }
            return new Archive(file, zip, prefix);
        } catch (ModelFormatException | RuntimeException e) {
            closeQuietly(zip, e);
            throw e;
        } catch (IOException e) {
            closeQuietly(zip, e);
            throw new ModelFormatException("Cannot read " + file + " (truncated or damaged zip: " + e.getMessage() + ").", e);
        }
    }

    /** The pickled state dict: names to tensors, every view checked to lie inside its storage. */
    private static Map<String, TensorRef> stateDict(Archive archive) throws ModelFormatException {
        Path file = archive.file;
        ZipEntry entry = archive.zip.getEntry(archive.prefix + "data.pkl");
        if (entry.getSize() > MAX_PICKLE_BYTES) {
            throw new ModelFormatException(file + " has a data.pkl of " + entry.getSize() + " bytes, far more than a state dict needs.");
        }
        byte[] pickle;
        try (InputStream in = archive.zip.getInputStream(entry)) {
            pickle = in.readNBytes((int) Math.min(MAX_PICKLE_BYTES, Math.max(entry.getSize(), 0) + 1));
        } catch (IOException e) {
            throw new ModelFormatException("Cannot read the data.pkl of " + file + " (truncated or damaged zip: " + e.getMessage() + ").", e);
        }
        Object root;
        StateDictUnpickler unpickler = new StateDictUnpickler();
        try {
            root = unpickler.loads(pickle);
        } catch (StateDictUnpickler.Refused e) {
            throw new ModelFormatException(file + " is refused: " + e.getMessage() + ", and a PyTorch state dict holds only "
                    + StateDictUnpickler.ALLOWED + " (loading this file in Python could run code).");
        } catch (PickleException | IOException | ClassCastException | IndexOutOfBoundsException e) {
            throw new ModelFormatException(file + " has a data.pkl that is not a valid pickle: " + e.getMessage() + ".", e);
        } finally {
            unpickler.close();
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ModelFormatException(file + " holds " + StateDictUnpickler.describe(root) + ", not a state dict of tensors.");
        }
        List<Map.Entry<String, TensorRef>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new ModelFormatException(file + " has a state dict key that is not a string: " + e.getKey() + ".");
            }
            if (!(e.getValue() instanceof TensorRef ref)) {
                throw new ModelFormatException(file + " holds '" + name + "' as " + StateDictUnpickler.describe(e.getValue())
                        + ", not a tensor; tokenscope reads bare state dicts (a training checkpoint must be saved as its"
                        + " model's state_dict()).");
            }
            checkView(archive, name, ref);
            entries.add(Map.entry(name, ref));
        }
        if (!(map instanceof LinkedHashMap<?, ?>)) {
            // a plain dict comes back unordered: storages are numbered in the order torch.save met them
            entries.sort(Comparator.<Map.Entry<String, TensorRef>>comparingLong(e -> storageNumber(e.getValue()))
                    .thenComparingLong(e -> e.getValue().offset()).thenComparing(Map.Entry::getKey));
        }
        SequencedMap<String, TensorRef> ordered = new LinkedHashMap<>();
        entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    private static long storageNumber(TensorRef ref) {
        try {
            return Long.parseLong(ref.storage().key());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void checkView(Archive archive, String name, TensorRef ref) throws ModelFormatException {
        StorageRef storage = ref.storage();
        ZipEntry data = archive.zip.getEntry(archive.prefix + "data/" + storage.key());
        long width = storage.dtype().bits() / 8;
        if (data == null) {
            throw new ModelFormatException(archive.file + " lacks storage data/" + storage.key() + " of tensor '" + name + "'.");
        }
        if (data.getSize() >= 0 && data.getSize() < storage.numel() * width) {
            throw new ModelFormatException(archive.file + ": storage data/" + storage.key() + " of tensor '" + name + "' has "
                    + data.getSize() + " bytes but the pickle says " + storage.numel() + " elements of " + width + ".");
        }
        long count = elementCount(ref.shape());
        if (count == 0) {
            return;
        }
        long last = ref.offset();
        for (int i = 0; i < ref.shape().length; i++) {
            last = Math.addExact(last, Math.multiplyExact(ref.shape()[i] - 1, ref.stride()[i]));
        }
        if (last >= storage.numel()) {
            throw new ModelFormatException(archive.file + ": tensor '" + name + "' reaches element " + last + " of storage data/"
                    + storage.key() + ", which has " + storage.numel() + ".");
        }
    }

    private static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public SequencedMap<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public List<Path> files() {
        return archives.stream().map(a -> a.file).toList();
    }

    @Override
    public Path file(String name) throws ModelFormatException {
        return stored(name).archive().file;
    }

    private Stored stored(String name) throws ModelFormatException {
        Stored s = stored.get(name);
        if (s == null) {
            throw new ModelFormatException("The weights " + files() + " have no tensor named '" + name + "'.");
        }
        return s;
    }

    @Override
    public synchronized ByteBuffer data(String name) throws ModelFormatException {
        Stored s = stored(name);
        TensorRef ref = s.ref();
        ByteBuffer storage = storage(s.archive(), ref.storage());
        int width = ref.storage().dtype().bits() / 8;
        long count = elementCount(ref.shape());
        if (count * width > Integer.MAX_VALUE) {
            throw new ModelFormatException("Tensor '" + name + "' in " + s.archive().file + " is larger than one buffer can hold.");
        }
        if (isContiguous(ref.shape(), ref.stride())) {
            int begin = Math.toIntExact(ref.offset() * width);
            return storage.slice(begin, (int) (count * width)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        // a strided view (a transposed or sliced tensor): copy its elements out in row-major order
        ByteBuffer out = ByteBuffer.allocateDirect((int) (count * width)).order(ByteOrder.LITTLE_ENDIAN);
        long[] shape = ref.shape();
        long[] index = new long[shape.length];
        for (long i = 0; i < count; i++) {
            long element = ref.offset();
            for (int d = 0; d < shape.length; d++) {
                element += index[d] * ref.stride()[d];
            }
            int at = (int) (element * width);
            for (int b = 0; b < width; b++) {
                out.put(storage.get(at + b));
            }
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static boolean isContiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    private static ByteBuffer storage(Archive archive, StorageRef ref) throws ModelFormatException {
        ByteBuffer cached = archive.storages.get(ref.key());
        if (cached != null) {
            return cached;
        }
        long bytes = ref.numel() * (ref.dtype().bits() / 8);
        if (bytes > Integer.MAX_VALUE) {
            throw new ModelFormatException(archive.file + ": storage data/" + ref.key() + " is " + bytes
                    + " bytes, more than one buffer can hold.");
        }
        ZipEntry entry = archive.zip.getEntry(archive.prefix + "data/" + ref.key());
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        try (InputStream in = archive.zip.getInputStream(entry)) {
            byte[] chunk = new byte[1 << 16];
            while (buffer.hasRemaining()) {
                int n = in.read(chunk, 0, Math.min(chunk.length, buffer.remaining()));
                if (n < 0) {
                    throw new ModelFormatException(archive.file + " is truncated: storage data/" + ref.key() + " ends after "
                            + buffer.position() + " of its " + bytes + " bytes.");
                }
                buffer.put(chunk, 0, n);
            }
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException("Cannot read storage data/" + ref.key() + " of " + archive.file
                    + " (truncated or damaged zip: " + e.getMessage() + ").", e);
        }
        buffer.flip();
        archive.storages.put(ref.key(), buffer);
        return buffer;
    }

    @Override
    public void close() {
        for (Archive archive : archives) {
            try {
                archive.zip.close();
            } catch (IOException e) {
                // read-only; nothing was written, so nothing is lost
            }
        }
    }

    private static void closeQuietly(Archive archive, Exception cause) {
        closeQuietly(archive.zip, cause);
    }

    private static void closeQuietly(ZipFile zip, Exception cause) {
        try {
            zip.close();
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    @Override
    public String toString() {
        return "TorchCheckpoint[" + files() + ", " + tensors.size() + " tensors]";
    }
}
