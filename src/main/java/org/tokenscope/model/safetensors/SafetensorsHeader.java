package org.tokenscope.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.tokenscope.model.ModelFormatException;

/**
 * The parsed and checked header of one safetensors file. The checks are those of the reference
 * crate's {@code SafeTensors::read_metadata} and {@code Metadata::validate}: a header length of at
 * most 100 MB that fits in the file, a UTF-8 JSON object, entries with a known dtype, a shape and
 * a pair of offsets whose span is exactly the shape's size, and tensors that tile the data buffer
 * from its first byte to the last byte of the file with no gap, no overlap and nothing after.
 *
 * @param dataStart offset in the file of the data buffer ({@code 8 + header length})
 * @param tensors the tensors in header order, {@code __metadata__} excluded
 * @param metadata the {@code __metadata__} strings, empty if there are none
 */
record SafetensorsHeader(long dataStart, SequencedMap<String, TensorInfo> tensors, Map<String, String> metadata) {

    /** Largest header accepted, as in the reference crate ({@code MAX_HEADER_SIZE}). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final int LENGTH_BYTES = 8;

    static SafetensorsHeader read(Path file, FileChannel channel) throws ModelFormatException {
        try {
            return read(file, channel, channel.size());
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsHeader read(Path file, FileChannel channel, long fileSize) throws IOException {
        if (fileSize < LENGTH_BYTES) {
            throw new ModelFormatException(file + " is too short to be a safetensors file: it has "
                    + fileSize + (fileSize == 1 ? " byte" : " bytes") + ", fewer than the 8 that hold the header length.");
        }
        long headerLength = readFully(channel, 0, LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength == 0) {
            throw new ModelFormatException(file + " is not a safetensors file: its header length is 0.");
        }
        if (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0) {
            throw new ModelFormatException(file + " is not a safetensors file: its header length, "
                    + Long.toUnsignedString(headerLength) + " bytes, is over the limit of "
                    + MAX_HEADER_BYTES + " bytes.");
        }
        if (headerLength > fileSize - LENGTH_BYTES) {
            throw new ModelFormatException(file + " is truncated or not a safetensors file: its header should be "
                    + headerLength + " bytes long, but only " + (fileSize - LENGTH_BYTES)
                    + " bytes follow the header length.");
        }
        ByteBuffer headerBuffer = readFully(channel, LENGTH_BYTES, (int) headerLength);
        ObjectNode root = StrictJson.parseObject(headerBuffer.array(), "The header of " + file);

        SequencedMap<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = metadata(file, field.getValue());
            } else {
                tensors.put(field.getKey(), tensor(file, field.getKey(), field.getValue()));
            }
        }
        long dataStart = LENGTH_BYTES + headerLength;
        checkLayout(file, tensors.values(), fileSize - dataStart);
        return new SafetensorsHeader(dataStart, Collections.unmodifiableSequencedMap(tensors), metadata);
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("the file ended while reading it");
            }
        }
        return buffer.flip();
    }

    private static Map<String, String> metadata(Path file, JsonNode node) throws ModelFormatException {
        if (!node.isObject()) {
            throw new ModelFormatException("The \"" + METADATA_KEY + "\" of " + file
                    + " should be a JSON object of strings but is a JSON " + StrictJson.kind(node) + ".");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new ModelFormatException("The \"" + METADATA_KEY + "\" of " + file + " gives '"
                        + entry.getKey() + "' a JSON " + StrictJson.kind(entry.getValue())
                        + " where safetensors allows only strings.");
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo tensor(Path file, String name, JsonNode entry) throws ModelFormatException {
        String subject = "Tensor '" + name + "' in " + file;
        if (!entry.isObject()) {
            throw new ModelFormatException(subject + " should be described by a JSON object but is a JSON "
                    + StrictJson.kind(entry) + ".");
        }
        JsonNode dtypeNode = required(subject, entry, "dtype");
        JsonNode shapeNode = required(subject, entry, "shape");
        JsonNode offsetsNode = required(subject, entry, "data_offsets");

        if (!dtypeNode.isTextual()) {
            throw new ModelFormatException(subject + " has a \"dtype\" that is a JSON "
                    + StrictJson.kind(dtypeNode) + ", not a string.");
        }
        DType dtype = DType.named(dtypeNode.textValue()).orElseThrow(() -> new ModelFormatException(
                subject + " has dtype \"" + dtypeNode.textValue() + "\", which is not a safetensors type (one of "
                        + Arrays.toString(DType.values()) + ")."));

        if (!shapeNode.isArray()) {
            throw new ModelFormatException(subject + " has a \"shape\" that is a JSON "
                    + StrictJson.kind(shapeNode) + ", not an array.");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = count(subject, "shape", shapeNode, shapeNode.get(i));
        }

        if (!offsetsNode.isArray() || offsetsNode.size() != 2) {
            throw new ModelFormatException(subject + " has \"data_offsets\" " + offsetsNode
                    + ", which is not a pair [begin, end].");
        }
        long begin = count(subject, "data_offsets", offsetsNode, offsetsNode.get(0));
        long end = count(subject, "data_offsets", offsetsNode, offsetsNode.get(1));

        long bytes = byteSize(subject, dtype, shape);
        if (begin > end) {
            throw new ModelFormatException(subject + " has data_offsets [" + begin + ", " + end
                    + "] whose begin is after its end.");
        }
        if (end - begin != bytes) {
            throw new ModelFormatException(subject + " has dtype " + dtype + " and shape " + Arrays.toString(shape)
                    + ", which take " + bytes + " bytes, but its data_offsets [" + begin + ", " + end
                    + "] span " + (end - begin) + ".");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonNode required(String subject, JsonNode entry, String key) throws ModelFormatException {
        JsonNode value = entry.get(key);
        if (value == null) {
            throw new ModelFormatException(subject + " has no \"" + key + "\".");
        }
        return value;
    }

    /** A non-negative whole number that fits a {@code long}, from the array {@code whole}. */
    private static long count(String subject, String key, JsonNode whole, JsonNode item) throws ModelFormatException {
        String problem;
        if (!item.isIntegralNumber()) {
            problem = "is not a whole number";
        } else if (!item.canConvertToLong()) {
            problem = "overflows a 64-bit integer";
        } else if (item.longValue() < 0) {
            problem = "is negative";
        } else {
            return item.longValue();
        }
        throw new ModelFormatException(
                subject + " has \"" + key + "\" " + whole + ", whose entry " + item + " " + problem + ".");
    }

    private static long byteSize(String subject, DType dtype, long[] shape) throws ModelFormatException {
        long elements = 1;
        long bits;
        try {
            for (long dim : shape) {
                elements = Math.multiplyExact(elements, dim);
            }
        } catch (ArithmeticException overflow) {
            throw new ModelFormatException(subject + " has shape " + Arrays.toString(shape)
                    + ", whose element count overflows a 64-bit integer.");
        }
        try {
            bits = Math.multiplyExact(elements, (long) dtype.bits());
        } catch (ArithmeticException overflow) {
            throw new ModelFormatException(subject + " has shape " + Arrays.toString(shape) + " and dtype " + dtype
                    + ", whose size in bytes overflows a 64-bit integer.");
        }
        if (bits % 8 != 0) {
            throw new ModelFormatException(subject + " has " + elements + " elements of " + dtype.bits() + "-bit dtype "
                    + dtype + ", which do not fill a whole number of bytes.");
        }
        return bits / 8;
    }

    /**
     * Tensors sorted by offset must tile {@code [0, dataLength)} exactly: the first begins at 0,
     * each begins where the one before ends, and the last ends at the end of the file.
     */
    private static void checkLayout(Path file, Iterable<TensorInfo> tensors, long dataLength)
            throws ModelFormatException {
        List<TensorInfo> sorted = new ArrayList<>();
        tensors.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));

        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo tensor : sorted) {
            if (tensor.begin() < covered) {
                throw new ModelFormatException("Tensors '" + previous.name() + "' and '" + tensor.name() + "' in "
                        + file + " overlap: the first ends at byte " + covered + " of the data buffer but the second"
                        + " begins at byte " + tensor.begin() + ".");
            }
            if (tensor.begin() > covered) {
                String where = previous == null
                        ? "before its first tensor '" + tensor.name() + "'"
                        : "between tensors '" + previous.name() + "' and '" + tensor.name() + "'";
                throw new ModelFormatException(file + " has a hole of " + (tensor.begin() - covered)
                        + " unused bytes " + where + "; safetensors data must be packed with no gaps.");
            }
            covered = tensor.end();
            previous = tensor;
        }
        if (covered > dataLength) {
            TensorInfo cut = sorted.stream().filter(t -> t.end() > dataLength).findFirst().orElseThrow();
            throw new ModelFormatException(file + " is truncated: " + (covered - dataLength)
                    + " bytes are missing from its end (its tensors need " + covered + " bytes of data but it holds "
                    + dataLength + ", so tensor '" + cut.name() + "' runs past the end of the file).");
        }
        if (covered < dataLength) {
            throw new ModelFormatException(file + " has " + (dataLength - covered)
                    + " trailing bytes after the end of its last tensor; safetensors data must end where the last"
                    + " tensor ends.");
        }
    }
}
