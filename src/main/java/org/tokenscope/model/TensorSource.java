package org.tokenscope.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SequencedMap;
import java.util.stream.Stream;
import org.tokenscope.model.safetensors.DType;
import org.tokenscope.model.safetensors.SafetensorsBundle;
import org.tokenscope.model.safetensors.SafetensorsIndex;
import org.tokenscope.model.safetensors.TensorInfo;
import org.tokenscope.model.torch.TorchCheckpoint;

/**
 * The weights of a model folder, whatever file format holds them: tensor names mapped to their
 * dtype and shape, and each tensor's elements as contiguous, row-major, little-endian bytes.
 * {@link SafetensorsBundle} (safetensors, one file or shards) and {@link TorchCheckpoint} (PyTorch's
 * zip {@code .bin}, one file or shards) are the two readers; {@link #open} picks one.
 *
 * <p>What {@link TensorInfo#begin()} and {@link TensorInfo#end()} mean is the reader's own (offsets in
 * a safetensors file's data, or in a PyTorch storage); only their difference, the byte size, is
 * common.
 */
public interface TensorSource extends AutoCloseable {

    /**
     * Opens the weights in {@code folder}: safetensors when the folder has them ({@code model.safetensors}
     * or its index), else PyTorch's {@code pytorch_model.bin} (or its index). Safetensors win because
     * they are checked more strictly and memory-mapped; the .bin reader accepts only state-dict content.
     */
    static TensorSource open(Path folder) throws ModelFormatException {
        if (Files.isDirectory(folder)
                && !Files.exists(folder.resolve(SafetensorsBundle.SINGLE_FILE_NAME))
                && !Files.exists(folder.resolve(SafetensorsIndex.FILE_NAME))
                && (Files.exists(folder.resolve(TorchCheckpoint.SINGLE_FILE_NAME))
                        || Files.exists(folder.resolve(TorchCheckpoint.INDEX_FILE_NAME)))) {
            return TorchCheckpoint.openFolder(folder);
        }
        return SafetensorsBundle.open(folder);
    }

    /** Whether {@code folder} holds weights {@link #open} can try: safetensors or PyTorch .bin. */
    static boolean hasWeights(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).anyMatch(name -> name.equals(SafetensorsBundle.SINGLE_FILE_NAME)
                    || name.equals(SafetensorsIndex.FILE_NAME) || name.equals(TorchCheckpoint.SINGLE_FILE_NAME)
                    || name.equals(TorchCheckpoint.INDEX_FILE_NAME));
        } catch (IOException e) {
            return false;
        }
    }

    /** All tensors by name, in the reader's order. */
    SequencedMap<String, TensorInfo> tensors();

    /** The weight files read. */
    List<Path> files();

    /** The file that holds tensor {@code name}. */
    Path file(String name) throws ModelFormatException;

    /**
     * The bytes of tensor {@code name}: exactly {@code elementCount × width} of them, row-major,
     * little-endian, read-only. Buffers stay valid after {@link #close()}.
     */
    ByteBuffer data(String name) throws ModelFormatException;

    /**
     * Bytes {@code offset ..} of tensor {@code name} into {@code dst}, up to its limit: what a weight
     * quantized at load time reads a block of rows at a time (safetensors: positional reads, so the
     * file's pages are not held in this process's memory as a mapping's would be).
     */
    default void read(String name, long offset, ByteBuffer dst) throws java.io.IOException, ModelFormatException {
        dst.put(data(name).slice(Math.toIntExact(offset), dst.remaining()));
    }

    default boolean contains(String name) {
        return tensors().containsKey(name);
    }

    /** The tensor called {@code name}, or an exception that says the weights have none by that name. */
    default TensorInfo tensor(String name) throws ModelFormatException {
        TensorInfo info = tensors().get(name);
        if (info == null) {
            throw new ModelFormatException("The weights " + files() + " have no tensor named '" + name + "'.");
        }
        return info;
    }

    /**
     * The elements of tensor {@code name} as floats, row-major. F32 as is; F16, BF16 and F64 converted
     * (F16 and BF16 exactly). Other dtypes are refused.
     */
    default float[] readFloats(String name) throws ModelFormatException {
        TensorInfo info = tensor(name);
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException("Tensor '" + name + "' in " + file(name) + " has " + count
                    + " elements, more than one Java array can hold.");
        }
        ByteBuffer bytes = data(name).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        DType dtype = info.dtype();
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(values);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(bytes.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat(bytes.getShort(2 * i) << 16);
                }
            }
            case F64 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) bytes.getDouble(8 * i);
                }
            }
            default -> throw new ModelFormatException("Tensor '" + name + "' in " + file(name) + " has dtype " + dtype
                    + ", but only F32, F16, BF16 and F64 tensors can be read as floats.");
        }
        return values;
    }

    /** Closes the files; buffers already handed out stay readable. */
    @Override
    void close();
}
