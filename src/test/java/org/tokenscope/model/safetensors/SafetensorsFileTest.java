package org.tokenscope.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tokenscope.model.safetensors.SafetensorsWriter.f32Bytes;
import static org.tokenscope.model.safetensors.SafetensorsWriter.shape;
import static org.tokenscope.model.safetensors.SafetensorsWriter.u16Bytes;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.safetensors.SafetensorsWriter.Tensor;

/** Reading well-formed files: layout, metadata, raw bytes and the conversions to float. */
class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void readsTensorsInHeaderOrderWithTheirMetadata() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of("format", "pt"),
                Tensor.f32("wte.weight", shape(2, 3), 1, 2, 3, 4, 5, 6),
                Tensor.f32("ln_f.bias", shape(3), 7, 8, 9));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.file()).isEqualTo(file);
            assertThat(st.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(st.tensors().keySet()).containsExactly("wte.weight", "ln_f.bias");
            TensorInfo wte = st.tensor("wte.weight");
            assertThat(wte).isEqualTo(new TensorInfo("wte.weight", DType.F32, shape(2, 3), 0, 24));
            assertThat(wte.elementCount()).isEqualTo(6);
            assertThat(wte.rank()).isEqualTo(2);
            assertThat(st.tensor("ln_f.bias").begin()).isEqualTo(24);
            assertThat(st.readFloats("wte.weight")).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(st.readFloats("ln_f.bias")).containsExactly(7, 8, 9);
        }
    }

    @Test
    void keepsHeaderOrderEvenWhenOffsetsRunTheOtherWay() throws IOException {
        Path file = SafetensorsWriter.raw(dir.resolve("reversed.safetensors"),
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                f32Bytes(1f, 2f));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensors().keySet()).containsExactly("b", "a");
            assertThat(st.metadata()).isEmpty();
            assertThat(st.readFloats("a")).containsExactly(1f);
            assertThat(st.readFloats("b")).containsExactly(2f);
        }
    }

    @Test
    void dataIsAReadOnlyLittleEndianDirectBufferOfExactlyTheTensor() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"),
                Tensor.f32("first", shape(1), 42f),
                new Tensor("ids", DType.I64, shape(2), longBytes(7L, -1L)));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            ByteBuffer ids = st.data("ids");
            assertThat(ids.isDirect()).isTrue();
            assertThat(ids.isReadOnly()).isTrue();
            assertThat(ids.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(ids.position()).isZero();
            assertThat(ids.remaining()).isEqualTo(16).isEqualTo(ids.capacity());
            assertThat(ids.getLong(0)).isEqualTo(7L);
            assertThat(ids.getLong(8)).isEqualTo(-1L);
            assertThat(st.data("first").getFloat(0)).isEqualTo(42f);
        }
    }

    @Test
    void f32RoundTripsBitForBit() throws IOException {
        float[] values = {0f, -0f, 1.5f, -3.25e-7f, Float.MIN_VALUE, -Float.MIN_NORMAL / 3, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc0_1234)};
        Path file = SafetensorsWriter.write(dir.resolve("f32.safetensors"), Tensor.f32("x", shape(values.length), values));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(rawBits(st.readFloats("x"))).containsExactly(rawBits(values));
        }
    }

    @Test
    void f16WidensToTheRightFloats() throws IOException {
        int[] halves = {0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x3c00, 0xc000, 0x3555, 0x7bff,
            0x7c00, 0xfc00, 0x7e00, 0xfe01};
        float[] expected = {0f, -0f, 0x1p-24f, -0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 1f, -2f, 0x1.554p-2f, 65504f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN};
        Path file = SafetensorsWriter.write(dir.resolve("f16.safetensors"),
                new Tensor("h", DType.F16, shape(halves.length), u16Bytes(halves)));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            float[] actual = st.readFloats("h");
            assertThat(actual).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertSameFloat(actual[i], expected[i], "F16 0x%04x", halves[i]);
            }
        }
    }

    @Test
    void f16AgreesWithAnIndependentDecoderOnEveryPattern() throws IOException {
        int[] all = new int[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Path file = SafetensorsWriter.write(dir.resolve("all-f16.safetensors"),
                new Tensor("h", DType.F16, shape(16, 64, 64), u16Bytes(all)));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            float[] actual = st.readFloats("h");
            for (int bits = 0; bits < all.length; bits++) {
                assertSameFloat(actual[bits], decodeHalf(bits), "F16 0x%04x", bits);
            }
        }
    }

    @Test
    void bf16WidensToTheTopHalfOfAFloat() throws IOException {
        int[] patterns = {0x0000, 0x8000, 0x0001, 0x007f, 0x3f80, 0xc049, 0x7f7f, 0x7f80, 0xff80, 0x7fc0};
        float[] expected = {0f, -0f, 0x1p-133f, 127 * 0x1p-133f, 1f, -3.140625f, 0x1.fep127f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        Path file = SafetensorsWriter.write(dir.resolve("bf16.safetensors"),
                new Tensor("b", DType.BF16, shape(2, 5), u16Bytes(patterns)));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            float[] actual = st.readFloats("b");
            assertThat(actual).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertSameFloat(actual[i], expected[i], "BF16 0x%04x", patterns[i]);
            }
        }
    }

    @Test
    void acceptsEveryDtypeIncludingSubByteOnes() throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        for (DType dtype : DType.values()) {
            long elements = dtype.bits() % 8 == 0 ? 3 : 8; // 8 F4 = 4 bytes, 8 F6 = 6 bytes
            tensors.add(new Tensor(dtype.name().toLowerCase(), dtype, shape(elements),
                    new byte[(int) (elements * dtype.bits() / 8)]));
        }
        Path file = SafetensorsWriter.write(dir.resolve("all.safetensors"), tensors.toArray(Tensor[]::new));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensors()).hasSize(DType.values().length);
            assertThat(st.tensor("f6_e2m3").byteSize()).isEqualTo(6);
            assertThat(st.tensor("c64").dtype()).isEqualTo(DType.C64);
        }
    }

    @Test
    void scalarAndEmptyTensors() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("edge.safetensors"),
                Tensor.f32("scalar", shape(), 3.5f),
                Tensor.f32("empty", shape(4, 0)),
                Tensor.f32("after", shape(1), 9f));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensor("scalar").elementCount()).isEqualTo(1);
            assertThat(st.readFloats("scalar")).containsExactly(3.5f);
            assertThat(st.tensor("empty").elementCount()).isZero();
            assertThat(st.readFloats("empty")).isEmpty();
            assertThat(st.data("empty").capacity()).isZero();
            assertThat(st.data("empty").isReadOnly()).isTrue();
            assertThat(st.readFloats("after")).containsExactly(9f);
        }
    }

    @Test
    void anEmptyHeaderIsAValidFileWithNoTensors() throws IOException {
        Path file = SafetensorsWriter.raw(dir.resolve("none.safetensors"), "{}      ", new byte[0]);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensors()).isEmpty();
        }
    }

    @Test
    void readFloatsRefusesOtherDtypesByName() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("ints.safetensors"),
                new Tensor("positions", DType.I64, shape(1), longBytes(5L)));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> st.readFloats("positions"))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("'positions'")
                    .hasMessageContaining("I64")
                    .hasMessageContaining("F32, F16 and BF16");
        }
    }

    @Test
    void unknownTensorNamesTheFileAndTheTensor() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"), Tensor.f32("a", shape(1), 1f));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.contains("a")).isTrue();
            assertThat(st.contains("lm_head.weight")).isFalse();
            for (var read : List.<ThrowingRead>of(st::data, st::readFloats, st::tensor)) {
                assertThatThrownBy(() -> read.apply("lm_head.weight"))
                        .isInstanceOf(ModelFormatException.class)
                        .hasMessage(file + " has no tensor named 'lm_head.weight'.");
            }
        }
    }

    @Test
    void buffersOutliveTheFileButNewReadsDoNot() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"), Tensor.f32("a", shape(2), 1f, 2f));
        SafetensorsFile st = SafetensorsFile.open(file);
        ByteBuffer data = st.data("a");
        st.close();

        assertThat(data.getFloat(4)).isEqualTo(2f);
        assertThatThrownBy(() -> st.data("a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void noticesAFileTruncatedAfterItWasOpened() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("m.safetensors"), Tensor.f32("a", shape(4), 1, 2, 3, 4));

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(raf.length() - 4);
            }
            assertThatThrownBy(() -> st.readFloats("a"))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("truncated since it was opened")
                    .hasMessageContaining("'a'");
        }
    }

    @Test
    void missingFilesAndFoldersAreReportedAsSuch() {
        Path missing = dir.resolve("nope.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(missing))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(missing + " does not exist.");
        assertThatThrownBy(() -> SafetensorsFile.open(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(dir + " is a folder, not a safetensors file.");
    }

    @FunctionalInterface
    private interface ThrowingRead {
        Object apply(String name) throws ModelFormatException;
    }

    /** IEEE half to float by the book, without {@code Float.float16ToFloat}. */
    private static float decodeHalf(int bits) {
        int sign = (bits >> 15) & 1;
        int exponent = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else if (exponent == 0) {
            magnitude = Math.scalb((float) mantissa, -24); // subnormal: mantissa × 2^-24
        } else {
            magnitude = Math.scalb(1f + mantissa / 1024f, exponent - 15);
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    private static void assertSameFloat(float actual, float expected, String what, int pattern) {
        String description = String.format(what, pattern);
        if (Float.isNaN(expected)) {
            assertThat(Float.isNaN(actual)).as(description).isTrue();
        } else {
            // Compare bits so that -0.0 and 0.0 differ.
            assertThat(Float.floatToRawIntBits(actual)).as(description + " = " + actual)
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    private static int[] rawBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static byte[] longBytes(long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            bytes.putLong(value);
        }
        return bytes.array();
    }
}
