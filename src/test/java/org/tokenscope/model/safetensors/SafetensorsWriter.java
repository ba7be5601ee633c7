package org.tokenscope.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes small safetensors files for tests, well-formed or deliberately broken. */
final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor to write: its bytes must already match its dtype and shape. */
    record Tensor(String name, DType dtype, long[] shape, byte[] data) {

        static Tensor f32(String name, long[] shape, float... values) {
            return new Tensor(name, DType.F32, shape, f32Bytes(values));
        }
    }

    private SafetensorsWriter() {}

    /**
     * A valid file: tensors packed in the given order, header padded with spaces to a multiple of
     * 8 bytes, as the reference writer does.
     */
    static Path write(Path file, Map<String, String> metadata, Tensor... tensors) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Tensor tensor : tensors) {
            ObjectNode entry = header.putObject(tensor.name());
            entry.put("dtype", tensor.dtype().name());
            var shape = entry.putArray("shape");
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            entry.putArray("data_offsets").add(data.size()).add(data.size() + tensor.data().length);
            data.writeBytes(tensor.data());
        }
        String json = header.toString();
        json = json + " ".repeat((8 - json.getBytes(StandardCharsets.UTF_8).length % 8) % 8);
        return raw(file, json, data.toByteArray());
    }

    static Path write(Path file, Tensor... tensors) {
        return write(file, Map.of(), tensors);
    }

    /** A file with this exact header text (its true UTF-8 length) and data. */
    static Path raw(Path file, String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        return raw(file, header.length, header, data);
    }

    /** A file that claims {@code headerLength}, whatever bytes actually follow. */
    static Path raw(Path file, long headerLength, byte[] header, byte[] data) {
        ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(headerLength).put(header).put(data);
        return bytes(file, bytes.array());
    }

    static Path bytes(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] f32Bytes(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    /** Raw 16-bit patterns (F16, BF16, I16, ...), little-endian. */
    static byte[] u16Bytes(int... patterns) {
        ByteBuffer bytes = ByteBuffer.allocate(2 * patterns.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int pattern : patterns) {
            bytes.putShort((short) pattern);
        }
        return bytes.array();
    }

    static long[] shape(long... dims) {
        return dims;
    }
}
