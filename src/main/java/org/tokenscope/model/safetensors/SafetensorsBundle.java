package org.tokenscope.model.safetensors;
// TEMPORARY stub: single file, no validation
import com.fasterxml.jackson.databind.*;
import java.nio.*;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.*;
import org.tokenscope.model.ModelFormatException;
public final class SafetensorsBundle implements AutoCloseable {
    private final Path file; private final Map<String, TensorInfo> tensors = new LinkedHashMap<>(); private final long dataStart; private final FileChannel ch;
    private SafetensorsBundle(Path file) throws Exception {
        this.file = file; ch = FileChannel.open(file);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN); ch.read(len, 0); long n = len.getLong(0);
        ByteBuffer h = ByteBuffer.allocate((int) n); ch.read(h, 8); dataStart = 8 + n;
        JsonNode json = new ObjectMapper().readTree(h.array());
        for (var it = json.fields(); it.hasNext();) { var e = it.next(); if (e.getKey().equals("__metadata__")) continue;
            JsonNode v = e.getValue(); long[] shape = new long[v.get("shape").size()]; for (int i = 0; i < shape.length; i++) shape[i] = v.get("shape").get(i).asLong();
            tensors.put(e.getKey(), new TensorInfo(e.getKey(), DType.valueOf(v.get("dtype").asText()), shape, v.get("data_offsets").get(0).asLong(), v.get("data_offsets").get(1).asLong())); }
    }
    public static SafetensorsBundle open(Path dir) throws ModelFormatException { try { return new SafetensorsBundle(dir.resolve("model.safetensors")); } catch (Exception e) { throw new ModelFormatException(e.toString(), e); } }
    public Map<String, TensorInfo> tensors() { return tensors; }
    public ByteBuffer data(String name) { TensorInfo t = tensors.get(name); try { return ch.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.end() - t.begin()).order(ByteOrder.LITTLE_ENDIAN); } catch (Exception e) { throw new RuntimeException(e); } }
    public Path file(String name) { return file; }
    public List<Path> files() { return List.of(file); }
    public void close() { try { ch.close(); } catch (Exception e) {} }
}
