package org.tokenscope.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes PyTorch's zip checkpoint layout as {@code torch.save(state_dict, f)} does (protocol 2
 * pickle in {@code ARCHIVE/data.pkl}, one stored entry per storage in {@code ARCHIVE/data/KEY},
 * {@code ARCHIVE/byteorder}, {@code ARCHIVE/version}), by a small pickle emitter of our own, so
 * tests can write .bin files without Python — including ones a reader must refuse.
 */
public final class TorchZipWriter {

    /** How tensors are laid out in storages. */
    public enum Layout {
        /** One contiguous storage per tensor. */
        CONTIGUOUS,
        /** 2-D tensors saved as transposed views (strides (1, rows)) of a storage holding their transpose. */
        TRANSPOSED_VIEWS,
        /** Every tensor a slice of one shared storage, at growing offsets (all tensors must share a dtype). */
        ONE_STORAGE
    }

    private static final Map<String, String> STORAGE = Map.of("F32", "FloatStorage", "F16", "HalfStorage",
            "BF16", "BFloat16Storage");

    private TorchZipWriter() {
    }

    /** The state dict as an OrderedDict with transformers' {@code _metadata}, laid out contiguously. */
    public static void write(Path file, LinkedHashMap<String, RawTensor> tensors) throws IOException {
        write(file, tensors, Layout.CONTIGUOUS, true);
    }

    /**
     * @param ordered an OrderedDict root with a {@code _metadata} state (as {@code model.state_dict()}),
     *     else a plain dict (as transformers' {@code save_pretrained} writes shards)
     */
    public static void write(Path file, LinkedHashMap<String, RawTensor> tensors, Layout layout, boolean ordered)
            throws IOException {
        Pickle p = new Pickle().proto(2);
        if (ordered) {
            p.global("collections", "OrderedDict").emptyTuple().reduce();
        } else {
            p.emptyDict();
        }
        p.mark();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        ByteArrayOutputStream shared = new ByteArrayOutputStream();
        long sharedNumel = 0;
        for (RawTensor t : tensors.values()) {
            sharedNumel += t.data().length / (t.dtype().equals("F32") ? 4 : 2);
        }
        String sharedType = null;
        for (Map.Entry<String, RawTensor> e : tensors.entrySet()) {
            RawTensor t = e.getValue();
            int width = t.dtype().equals("F32") ? 4 : 2;
            long numel = t.data().length / width;
            long[] shape = t.shape();
            long[] stride = contiguousStrides(shape);
            byte[] data = t.data();
            String key;
            long offset = 0;
            long storageNumel = numel;
            switch (layout) {
                case TRANSPOSED_VIEWS -> {
                    key = Integer.toString(storages.size());
                    if (shape.length == 2) {
                        data = transpose(data, (int) shape[0], (int) shape[1], width);
                        stride = new long[] {1, shape[0]};
                    }
                    storages.put(key, data);
                }
                case ONE_STORAGE -> {
                    if (sharedType != null && !sharedType.equals(t.dtype())) {
                        throw new IllegalArgumentException("ONE_STORAGE needs one dtype");
                    }
                    sharedType = t.dtype();
                    key = "0";
                    offset = shared.size() / width;
                    shared.write(data);
                    storageNumel = sharedNumel;
                }
                default -> {
                    key = Integer.toString(storages.size());
                    storages.put(key, data);
                }
            }
            p.unicode(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2").mark();
            p.mark().unicode("storage").global("torch", STORAGE.get(t.dtype())).unicode(key).unicode("cpu");
            p.integer(storageNumel).tuple().binpersid();
            p.integer(offset).longs(shape).longs(stride).bool(false);
            p.global("collections", "OrderedDict").emptyTuple().reduce();
            p.tuple().reduce();
        }
        p.setitems();
        if (ordered) {
            p.emptyDict().unicode("_metadata").global("collections", "OrderedDict").emptyTuple().reduce()
                    .unicode("").emptyDict().unicode("version").integer(1).setitem().setitem().setitem().build();
        }
        p.stop();
        byte[] pickle = p.bytes();
        if (layout == Layout.ONE_STORAGE) {
            storages.put("0", shared.toByteArray());
        }
        writeArchive(file, "archive", pickle, storages);
    }

    /** A zip in torch's layout around any pickle and storages (for files a reader must refuse). */
    public static void writeArchive(Path file, String archive, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(raw)) {
            stored(zip, archive + "/data.pkl", pickle);
            stored(zip, archive + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(zip, archive + "/data/" + e.getKey(), e.getValue());
            }
            stored(zip, archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    private static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= shape[d];
        }
        return stride;
    }

    private static byte[] transpose(byte[] data, int rows, int cols, int width) { // [rows, cols] -> [cols, rows]
        byte[] out = new byte[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                System.arraycopy(data, (r * cols + c) * width, out, (c * rows + r) * width, width);
            }
        }
        return out;
    }

    /** A protocol-2 pickle emitter: only the opcodes torch.save uses, plus what tests need to misbehave. */
    public static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Pickle proto(int version) {
            out.write(0x80);
            out.write(version);
            return this;
        }

        public Pickle global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public Pickle stackGlobal(String module, String name) {
            unicode(module).unicode(name);
            out.write(0x93);
            return this;
        }

        public Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        /** BININT for 32-bit values, LONG1 otherwise. */
        public Pickle integer(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            } else {
                out.write(0x8a);
                out.write(8);
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
            return this;
        }

        public Pickle longs(long[] values) {
            mark();
            for (long v : values) {
                integer(v);
            }
            return tuple();
        }

        public Pickle bool(boolean b) {
            out.write(b ? 0x88 : 0x89);
            return this;
        }

        public Pickle mark() {
            out.write('(');
            return this;
        }

        public Pickle tuple() {
            out.write('t');
            return this;
        }

        public Pickle emptyTuple() {
            out.write(')');
            return this;
        }

        public Pickle emptyDict() {
            out.write('}');
            return this;
        }

        public Pickle reduce() {
            out.write('R');
            return this;
        }

        public Pickle build() {
            out.write('b');
            return this;
        }

        public Pickle newobj() {
            out.write(0x81);
            return this;
        }

        public Pickle binpersid() {
            out.write('Q');
            return this;
        }

        public Pickle setitem() {
            out.write('s');
            return this;
        }

        public Pickle setitems() {
            out.write('u');
            return this;
        }

        public Pickle stop() {
            out.write('.');
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
