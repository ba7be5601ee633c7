package org.tokenscope.model.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SequencedMap;
import org.tokenscope.model.ModelFormatException;

/**
 * One safetensors file, opened read-only. {@link #open} reads and checks the whole header, so
 * every tensor it lists can be read; the tensor bytes themselves are memory-mapped one tensor at a
 * time when asked for, with {@code long} offsets throughout, so files over 2 GB work.
 *
 * <p>Buffers from {@link #data} stay valid after {@link #close()} (a mapping outlives its
 * channel) and are released by the garbage collector. Instances are safe to share between
 * threads.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest Java array, and so the most elements {@link #readFloats} can return. */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private final Path file;
    private final FileChannel channel;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path file, FileChannel channel, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
    }

    /** Opens {@code file} and checks its header; nothing of the tensor data is read yet. */
    public static SafetensorsFile open(Path file) throws ModelFormatException {
        if (Files.isDirectory(file)) {
            throw new ModelFormatException(file + " is a folder, not a safetensors file.");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + " does not exist.", e);
        } catch (IOException e) {
            throw new ModelFormatException("Cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            return new SafetensorsFile(file, channel, SafetensorsHeader.read(file, channel));
        } catch (ModelFormatException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** The tensors in the order the header lists them, by name; {@code __metadata__} is not one. */
    public SequencedMap<String, TensorInfo> tensors() {
        return header.tensors();
    }

    /** The header's {@code __metadata__} (such as {@code format: pt}), empty if it has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /** The tensor called {@code name}, or an exception saying this file has none by that name. */
    public TensorInfo tensor(String name) throws ModelFormatException {
        TensorInfo tensor = header.tensors().get(name);
        if (tensor == null) {
            throw new ModelFormatException(file + " has no tensor named '" + name + "'.");
        }
        return tensor;
    }

    /**
     * Bytes {@code offset ..} of tensor {@code name} read into {@code dst} up to its limit, with
     * positional reads: they pass through the page cache but, unlike a mapping's pages, are never
     * counted in this process's resident memory.
     */
    public void read(String name, long offset, ByteBuffer dst) throws IOException, ModelFormatException {
        TensorInfo tensor = tensor(name);
        if (offset < 0 || offset + dst.remaining() > tensor.byteSize()) {
            throw new IllegalArgumentException("bytes " + offset + ".." + (offset + dst.remaining()) + " of tensor '"
                    + name + "', which has " + tensor.byteSize());
        }
        long position = header.dataStart() + tensor.begin() + offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                throw new ModelFormatException(file + " has been truncated since it was opened: tensor '" + name
                        + "' needs bytes up to " + (position + dst.remaining()) + ".");
            }
            position += n;
        }
    }

    /**
     * The bytes of tensor {@code name}, exactly {@code byteSize()} of them, as a read-only,
     * little-endian, direct buffer mapped from the file: nothing is copied into the Java heap.
     */
    public ByteBuffer data(String name) throws ModelFormatException {
        TensorInfo tensor = tensor(name);
        long length = tensor.byteSize();
        if (length > Integer.MAX_VALUE) {
            throw new ModelFormatException("Tensor '" + name + "' in " + file + " is " + length
                    + " bytes, more than one buffer can hold (" + Integer.MAX_VALUE + ").");
        }
        if (!channel.isOpen()) {
            throw new IllegalStateException(file + " has been closed.");
        }
        if (length == 0) {
            return ByteBuffer.allocateDirect(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        long start = header.dataStart() + tensor.begin();
        try {
            long size = channel.size();
            if (size < start + length) {
                // Touching a mapping past the end of a file kills the JVM, so check first.
                throw new ModelFormatException(file + " has been truncated since it was opened: tensor '" + name
                        + "' needs bytes up to " + (start + length) + " but the file now has " + size + ".");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, start, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException("Cannot map tensor '" + name + "' of " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The elements of tensor {@code name} as floats, in row-major order. F32 is read as is; F16
     * and BF16 are widened exactly (every half and bfloat16 value, NaN and subnormals included,
     * is a float). Other dtypes are refused.
     */
    public float[] readFloats(String name) throws ModelFormatException {
        TensorInfo tensor = tensor(name);
        DType dtype = tensor.dtype();
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new ModelFormatException("Tensor '" + name + "' in " + file + " has dtype " + dtype
                    + ", but only F32, F16 and BF16 tensors can be read as floats.");
        }
        long count = tensor.elementCount();
        if (count > MAX_ARRAY_LENGTH) {
            throw new ModelFormatException("Tensor '" + name + "' in " + file + " has " + count
                    + " elements, more than one Java array can hold.");
        }
        ByteBuffer bytes = data(name);
        float[] values = new float[(int) count];
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(values);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(bytes.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat(bytes.getShort(2 * i) << 16); // bfloat16 = top half of f32
                }
            }
            default -> throw new AssertionError(dtype);
        }
        return values;
    }

    /** Closes the file; buffers already handed out by {@link #data} stay readable. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close " + file, e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + header.tensors().size() + " tensors]";
    }
}
