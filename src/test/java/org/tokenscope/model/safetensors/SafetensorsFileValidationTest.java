package org.tokenscope.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tokenscope.model.safetensors.SafetensorsWriter.f32Bytes;
import static org.tokenscope.model.safetensors.SafetensorsWriter.shape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.safetensors.SafetensorsWriter.Tensor;

/**
 * One crafted bad file per check: each must fail to open with a {@link ModelFormatException}
 * whose message names the file and says what is wrong, never with an unchecked exception.
 */
class SafetensorsFileValidationTest {

    /** A well-formed entry: two F32 values, 8 bytes. */
    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @TempDir
    Path dir;

    private Path file(String header, byte[] data) {
        return SafetensorsWriter.raw(dir.resolve("bad.safetensors"), header, data);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(Path file, String... fragments) {
        var thrown = assertThatThrownBy(() -> SafetensorsFile.open(file).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString());
        for (String fragment : fragments) {
            thrown.hasMessageContaining(fragment);
        }
        return thrown;
    }

    // --- the 8-byte length and the header bytes ---

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void fileShorterThanTheLengthField(int size) {
        Path file = SafetensorsWriter.bytes(dir.resolve("tiny.safetensors"), new byte[size]);
        assertRejected(file, "too short", "it has " + size + (size == 1 ? " byte," : " bytes,"), "8");
    }

    @Test
    void headerLengthZero() {
        Path file = SafetensorsWriter.raw(dir.resolve("zero.safetensors"), 0, new byte[0], f32Bytes(1f));
        assertRejected(file, "header length is 0");
    }

    @Test
    void headerLengthLargerThanTheFile() {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        Path file = SafetensorsWriter.raw(dir.resolve("short.safetensors"), 1000, header, new byte[0]);
        assertRejected(file, "truncated", "1000 bytes", "only 2 bytes");
    }

    @ParameterizedTest
    @CsvSource({"100000001, 100000001", "-1, 18446744073709551615", "9223372036854775807, 9223372036854775807"})
    void headerLengthOverTheLimit(long claimed, String printed) {
        Path file = SafetensorsWriter.raw(dir.resolve("huge.safetensors"), claimed, "{}".getBytes(), new byte[0]);
        assertRejected(file, "header length, " + printed + " bytes, is over the limit of 100000000 bytes");
    }

    @Test
    void headerNotUtf8() {
        byte[] header = {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'};
        Path file = SafetensorsWriter.raw(dir.resolve("latin.safetensors"), header.length, header, new byte[0]);
        assertRejected(file, "header", "not valid UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "{}[]"})
    void somethingAfterTheHeaderObject(String header) {
        assertRejected(file(header, new byte[0]), "header", "goes on after the end of its JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": ", "{'a': 1}", "{}x", "{\"a\":{\"dtype\":\"F32\",}}", "{}\0\0\0\0"})
    void headerNotJson(String header) {
        assertRejected(file(header, new byte[0]), "header", "is not valid JSON");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[1, 2]|a JSON array", "\"x\"|a JSON string", "null|a JSON null",
        "42|a JSON number", "'        '|empty"})
    void headerNotAnObject(String header, String found) {
        assertRejected(file(header, new byte[0]), "should be a JSON object but is " + found);
    }

    @Test
    void duplicateTensorNames() {
        assertRejected(file("{" + A + "," + A + "}", f32Bytes(1, 2)), "header", "lists 'a' twice")
                .hasMessageNotContaining("inside");
    }

    @Test
    void duplicateKeyInsideAnEntry() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(header, f32Bytes(1, 2)), "lists 'dtype' twice inside 'a'");
    }

    // --- __metadata__ ---

    @Test
    void metadataNotAnObject() {
        assertRejected(file("{\"__metadata__\":[1]," + A + "}", f32Bytes(1, 2)), "__metadata__", "JSON array");
    }

    @Test
    void metadataWithANonStringValue() {
        assertRejected(file("{\"__metadata__\":{\"format\":\"pt\",\"step\":3}," + A + "}", f32Bytes(1, 2)),
                "__metadata__", "'step'", "JSON number", "only strings");
    }

    // --- one entry ---

    @Test
    void entryNotAnObject() {
        assertRejected(file("{\"a\":[0,8]}", f32Bytes(1, 2)), "Tensor 'a'", "JSON object but is a JSON array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtype", "shape", "data_offsets"})
    void entryMissingAField(String field) {
        String entry = switch (field) {
            case "dtype" -> "{\"shape\":[2],\"data_offsets\":[0,8]}";
            case "shape" -> "{\"dtype\":\"F32\",\"data_offsets\":[0,8]}";
            default -> "{\"dtype\":\"F32\",\"shape\":[2]}";
        };
        assertRejected(file("{\"a\":" + entry + "}", f32Bytes(1, 2)), "Tensor 'a'", "has no \"" + field + "\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"dtype\":5,\"shape\":[2],\"data_offsets\":[0,8]|\"dtype\" that is a JSON number, not a string",
        "\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]|\"shape\" that is a JSON string, not an array",
        "\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]|whose entry 2.0 is not a whole number",
        "\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]|whose entry \"2\" is not a whole number",
        "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]|\"data_offsets\" [8], which is not a pair",
        "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]|which is not a pair",
        "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{\"begin\":0}|which is not a pair",
        "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,\"8\"]|whose entry \"8\" is not a whole number",
        "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8e0]|whose entry 8.0 is not a whole number",
    })
    void entryFieldOfTheWrongType(String fields, String problem) {
        assertRejected(file("{\"a\":{" + fields + "}}", f32Bytes(1, 2)), "Tensor 'a'", problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q4", "f32", "FLOAT", ""})
    void unknownDtype(String dtype) {
        String header = "{\"a\":{\"dtype\":\"" + dtype + "\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(header, f32Bytes(1, 2)), "Tensor 'a'", "dtype \"" + dtype + "\"",
                "not a safetensors type");
    }

    @Test
    void negativeDimension() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2,-1],\"data_offsets\":[0,8]}}";
        assertRejected(file(header, f32Bytes(1, 2)), "Tensor 'a'", "whose entry -2 is negative");
    }

    @Test
    void dimensionTooLargeForALong() {
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[18446744073709551617],\"data_offsets\":[0,1]}}";
        assertRejected(file(header, new byte[1]), "Tensor 'a'", "overflows a 64-bit integer");
    }

    @Test
    void shapeProductOverflows() {
        // 2^32 × 2^32 = 2^64: each dimension fits a long, the product does not.
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}";
        assertRejected(file(header, new byte[0]), "Tensor 'a'", "[4294967296, 4294967296]",
                "element count overflows a 64-bit integer");
    }

    @Test
    void byteSizeOverflows() {
        // 2^62 elements fit a long; 2^62 × 32 bits do not.
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}";
        assertRejected(file(header, new byte[0]), "Tensor 'a'", "size in bytes overflows a 64-bit integer");
    }

    @Test
    void subByteElementsThatDoNotFillWholeBytes() {
        String header = "{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]}}";
        assertRejected(file(header, new byte[1]), "Tensor 'a'", "3 elements of 4-bit dtype F4",
                "whole number of bytes");
    }

    @Test
    void spanDisagreesWithDtypeAndShape() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}";
        assertRejected(file(header, new byte[12]), "Tensor 'a'", "dtype F32 and shape [2], which take 8 bytes",
                "[0, 12] span 12");
    }

    @Test
    void beginAfterEnd() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}";
        assertRejected(file(header, new byte[8]), "Tensor 'a'", "[8, 0]", "begin is after its end");
    }

    @Test
    void negativeOffset() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}";
        assertRejected(file(header, new byte[8]), "Tensor 'a'", "whose entry -8 is negative");
    }

    @Test
    void offsetOverflowingALong() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}";
        assertRejected(file(header, new byte[8]), "Tensor 'a'", "whose entry 99999999999999999999 overflows");
    }

    // --- how the tensors lie in the data buffer ---

    @Test
    void truncatedFile() throws IOException {
        Path file = SafetensorsWriter.write(dir.resolve("cut.safetensors"),
                Tensor.f32("wte", shape(4), 1, 2, 3, 4), Tensor.f32("wpe", shape(4), 5, 6, 7, 8));
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 10));

        assertRejected(file, "is truncated: 10 bytes are missing", "need 32 bytes of data but it holds 22",
                "tensor 'wpe' runs past the end");
    }

    @Test
    void offsetsFarPastTheEndOfTheFile() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}}";
        assertRejected(file(header, new byte[8]), "truncated: 3992 bytes are missing", "'a'");
    }

    @Test
    void overlappingTensors() {
        String header = "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertRejected(file(header, new byte[12]), "Tensors 'a' and 'b'", "overlap");
    }

    @Test
    void aliasedTensors() {
        String header = "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(header, new byte[8]), "overlap");
    }

    @Test
    void holeBetweenTensors() {
        String header = "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        assertRejected(file(header, new byte[20]), "hole of 4 unused bytes between tensors 'a' and 'b'");
    }

    @Test
    void holeBeforeTheFirstTensor() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertRejected(file(header, new byte[12]), "hole of 4 unused bytes before its first tensor 'a'");
    }

    @Test
    void trailingBytesAfterTheLastTensor() {
        assertRejected(file("{" + A + "}", new byte[10]), "2 trailing bytes after the end of its last tensor");
    }

    @Test
    void trailingBytesWithNoTensorsAtAll() {
        assertRejected(file("{}", new byte[3]), "3 trailing bytes");
    }

    @Test
    void theWellFormedBaselineOpens() throws IOException {
        // The crafted files above differ from this one in one thing each.
        try (SafetensorsFile st = SafetensorsFile.open(file("{" + A + "}", f32Bytes(1, 2)))) {
            assertThat(st.readFloats("a")).containsExactly(1, 2);
        }
    }
}
