package org.tokenscope.model.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.TensorSource;
import org.tokenscope.model.safetensors.SafetensorsBundle;
import org.tokenscope.model.safetensors.TensorInfo;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.RawTensor;
import org.tokenscope.testing.TorchZipWriter;
import org.tokenscope.testing.TorchZipWriter.Layout;
import org.tokenscope.testing.TorchZipWriter.Pickle;

class TorchCheckpointTest {

    @TempDir
    Path dir;

    private static LinkedHashMap<String, RawTensor> randomTensors(DType dtype, long seed) {
        Random random = new Random(seed);
        LinkedHashMap<String, RawTensor> tensors = new LinkedHashMap<>();
        long[][] shapes = {{5, 3}, {3}, {4, 7}, {7}, {2, 3, 4}, {1, 6}};
        String[] names = {"a.weight", "a.bias", "b.weight", "b.bias", "c.cube", "d.row"};
        for (int i = 0; i < names.length; i++) {
            int n = 1;
            for (long d : shapes[i]) {
                n *= (int) d;
            }
            float[] values = new float[n];
            for (int k = 0; k < n; k++) {
                values[k] = (float) random.nextGaussian();
            }
            tensors.put(names[i], RawTensor.of(dtype, shapes[i], values));
        }
        return tensors;
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aBinHoldsTheSameTensorsAsTheSafetensorsOfTheSameWeights(Layout layout) throws Exception {
        for (DType dtype : DType.values()) {
            LinkedHashMap<String, RawTensor> tensors = randomTensors(dtype, 7 + dtype.ordinal());
            Path bin = Files.createDirectories(dir.resolve(layout + "-" + dtype + "-bin"));
            Path st = Files.createDirectories(dir.resolve(layout + "-" + dtype + "-st"));
            TorchZipWriter.write(bin.resolve("pytorch_model.bin"), tensors, layout, layout != Layout.ONE_STORAGE);
            CheckpointWriter.writeSafetensors(st.resolve("model.safetensors"), tensors);
            try (TensorSource fromBin = TensorSource.open(bin); TensorSource fromSt = TensorSource.open(st)) {
                assertThat(fromBin).isInstanceOf(TorchCheckpoint.class);
                assertThat(fromSt).isInstanceOf(SafetensorsBundle.class);
                assertThat(fromBin.tensors().keySet()).containsExactlyElementsOf(tensors.keySet());
                for (String name : tensors.keySet()) {
                    TensorInfo a = fromBin.tensor(name);
                    TensorInfo b = fromSt.tensor(name);
                    assertThat(a.dtype()).as(name).isEqualTo(b.dtype());
                    assertThat(a.shape()).as(name).isEqualTo(b.shape());
                    assertThat(a.byteSize()).as(name).isEqualTo(b.byteSize());
                    assertThat(bytes(fromBin.data(name))).as(layout + " " + dtype + " " + name)
                            .isEqualTo(bytes(fromSt.data(name)));
                    assertThat(fromBin.readFloats(name)).isEqualTo(fromSt.readFloats(name));
                }
            }
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void safetensorsWinWhenAFolderHasBoth() throws Exception {
        LinkedHashMap<String, RawTensor> tensors = randomTensors(DType.F32, 1);
        TorchZipWriter.write(dir.resolve("pytorch_model.bin"), tensors);
        CheckpointWriter.writeSafetensors(dir.resolve("model.safetensors"), tensors);
        try (TensorSource source = TensorSource.open(dir)) {
            assertThat(source).isInstanceOf(SafetensorsBundle.class);
        }
    }

    @Test
    void shardsNamedByAnIndexAreOneSetOfTensors() throws Exception {
        LinkedHashMap<String, RawTensor> all = randomTensors(DType.F16, 3);
        LinkedHashMap<String, RawTensor> first = new LinkedHashMap<>();
        LinkedHashMap<String, RawTensor> second = new LinkedHashMap<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, RawTensor> e : all.entrySet()) {
            boolean one = i++ < 3;
            (one ? first : second).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), one ? "pytorch_model-00001-of-00002.bin" : "pytorch_model-00002-of-00002.bin");
        }
        TorchZipWriter.write(dir.resolve("pytorch_model-00001-of-00002.bin"), first);
        TorchZipWriter.write(dir.resolve("pytorch_model-00002-of-00002.bin"), second);
        new ObjectMapper().writeValue(dir.resolve("pytorch_model.bin.index.json").toFile(), Map.of("weight_map", weightMap));
        try (TensorSource source = TensorSource.open(dir)) {
            assertThat(source.tensors().keySet()).containsExactlyInAnyOrderElementsOf(all.keySet());
            assertThat(source.files()).hasSize(2);
            assertThat(source.file("d.row").getFileName().toString()).isEqualTo("pytorch_model-00002-of-00002.bin");
        }
    }

    @Test
    void aPickleThatWouldRunACommandIsRefusedAndRunsNothing() throws Exception {
        Path marker = dir.resolve("pwned");
        String command = "touch " + marker.toAbsolutePath();
        // what `class A: __reduce__ = lambda self: (os.system, (cmd,))` pickles to, in both spellings of a global
        List<byte[]> pickles = new ArrayList<>();
        pickles.add(new Pickle().proto(2).global("posix", "system").mark().unicode(command).tuple().reduce().stop().bytes());
        pickles.add(new Pickle().proto(4).stackGlobal("os", "system").mark().unicode(command).tuple().reduce().stop().bytes());
        pickles.add(new Pickle().proto(2).emptyDict().unicode("w").global("builtins", "eval").mark()
                .unicode("__import__('os').system('" + command + "')").tuple().reduce().setitem().stop().bytes());
        int k = 0;
        for (byte[] pickle : pickles) {
            Path file = dir.resolve("evil" + k++ + ".bin");
            TorchZipWriter.writeArchive(file, "archive", pickle, Map.of());
            assertThatThrownBy(() -> TorchCheckpoint.open(file))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("is refused: it asks for")
                    .hasMessageMatching("(?s)[^\\n]*(system|eval)[^\\n]*could run code\\)\\.");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void objectsBuiltFromAnAllowedClassAreRefusedToo() throws Exception {
        byte[] pickle = new Pickle().proto(2).global("collections", "OrderedDict").emptyTuple().newobj().stop().bytes();
        Path file = dir.resolve("newobj.bin");
        TorchZipWriter.writeArchive(file, "archive", pickle, Map.of());
        assertThatThrownBy(() -> TorchCheckpoint.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("builds an object of a class");
    }

    @Test
    void aTrainingCheckpointThatIsNotABareStateDictIsRefused() throws Exception {
        byte[] pickle = new Pickle().proto(2).emptyDict().unicode("epoch").integer(3).setitem().stop().bytes();
        Path file = dir.resolve("checkpoint.bin");
        TorchZipWriter.writeArchive(file, "archive", pickle, Map.of());
        assertThatThrownBy(() -> TorchCheckpoint.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("holds 'epoch' as a Integer, not a tensor");
    }

    @Test
    void theLegacyFormatIsRefusedWithHowToConvertIt() throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        Files.write(file, new Pickle().proto(2).integer(0x1950a86a).stop().bytes()); // legacy files open with a magic number
        assertThatThrownBy(() -> TensorSource.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("legacy (pre-1.6, not zip) format")
                .hasMessageContaining("weights_only=True")
                .hasMessageContaining("save_file");
    }

    @Test
    void aTruncatedZipIsOneSentence() throws Exception {
        Path whole = dir.resolve("whole.bin");
        TorchZipWriter.write(whole, randomTensors(DType.F32, 5));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> TorchCheckpoint.open(cut)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(cut + " is not a complete zip archive (truncated or damaged");
        Path junk = dir.resolve("junk.bin");
        Files.writeString(junk, "hello");
        assertThatThrownBy(() -> TorchCheckpoint.open(junk)).hasMessageContaining("neither a zip archive nor a pickle");
    }

    @Test
    void aViewReachingPastItsStorageIsRefused() throws Exception {
        Pickle p = new Pickle().proto(2).emptyDict().unicode("w").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu").integer(4).tuple()
                .binpersid().integer(2).longs(new long[] {2, 2}).longs(new long[] {2, 1}).bool(false)
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce().setitem().stop();
        Path file = dir.resolve("short.bin");
        TorchZipWriter.writeArchive(file, "archive", p.bytes(), Map.of("0", new byte[16]));
        assertThatThrownBy(() -> TorchCheckpoint.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'w' reaches element 5 of storage data/0, which has 4");
    }

    @Test
    void missingStorageDataIsNamed() throws IOException {
        LinkedHashMap<String, RawTensor> one = new LinkedHashMap<>();
        one.put("x", RawTensor.of(DType.F32, new long[] {2}, new float[] {1, 2}));
        Path file = dir.resolve("nostorage.bin");
        Path good = dir.resolve("good.bin");
        TorchZipWriter.write(good, one);
        // same pickle, but no storage entry
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(good.toFile())) {
            byte[] pickle = zip.getInputStream(zip.getEntry("archive/data.pkl")).readAllBytes();
            TorchZipWriter.writeArchive(file, "archive", pickle, Map.of());
        }
        assertThatThrownBy(() -> TorchCheckpoint.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("lacks storage data/0 of tensor 'x'");
    }
}
