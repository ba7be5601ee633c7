package org.tokenscope.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tokenscope.model.safetensors.SafetensorsWriter.shape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.safetensors.SafetensorsWriter.Tensor;

/** Model folders: one file, a sharded index, and the ways a sharded checkpoint goes wrong. */
class SafetensorsBundleTest {

    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;

    /** Writes a well-formed two-shard checkpoint: wte and h.0 in the first shard, ln_f in the second. */
    private void writeShards() {
        SafetensorsWriter.write(dir.resolve(SHARD_1),
                Tensor.f32("wte.weight", shape(2, 2), 1, 2, 3, 4),
                Tensor.f32("h.0.attn.bias", shape(1), 5));
        SafetensorsWriter.write(dir.resolve(SHARD_2),
                Tensor.f32("ln_f.weight", shape(2), 6, 7));
    }

    private static Map<String, String> standardMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("h.0.attn.bias", SHARD_1);
        map.put("ln_f.weight", SHARD_2);
        map.put("wte.weight", SHARD_1);
        return map;
    }

    private Path writeIndex(Map<String, String> weightMap) {
        String entries = weightMap.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(",\n    "));
        return writeIndex("{\n  \"metadata\": {\"total_size\": 28},\n  \"weight_map\": {\n    " + entries + "\n  }\n}");
    }

    private Path writeIndex(String json) {
        return SafetensorsWriter.bytes(dir.resolve(SafetensorsIndex.FILE_NAME), json.getBytes(StandardCharsets.UTF_8));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String... fragments) {
        var thrown = assertThatThrownBy(() -> SafetensorsBundle.open(dir).close())
                .isInstanceOf(ModelFormatException.class);
        for (String fragment : fragments) {
            thrown.hasMessageContaining(fragment);
        }
        return thrown;
    }

    @Test
    void opensASingleFile() throws IOException {
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of("format", "pt"),
                Tensor.f32("wte.weight", shape(2), 1, 2), Tensor.f32("wpe.weight", shape(1), 3));

        try (SafetensorsBundle bundle = SafetensorsBundle.open(dir)) {
            assertThat(bundle.index()).isEmpty();
            assertThat(bundle.directory()).isEqualTo(dir);
            assertThat(bundle.files()).containsExactly(dir.resolve("model.safetensors"));
            assertThat(bundle.openFiles()).singleElement().satisfies(f -> assertThat(f.metadata()).containsEntry("format", "pt"));
            assertThat(bundle.tensors().keySet()).containsExactly("wte.weight", "wpe.weight");
            assertThat(bundle.file("wpe.weight")).isEqualTo(dir.resolve("model.safetensors"));
            assertThat(bundle.readFloats("wpe.weight")).containsExactly(3f);
            assertThat(bundle.data("wte.weight").getFloat(4)).isEqualTo(2f);
        }
    }

    @Test
    void opensShardsAsOneSetOfTensors() throws IOException {
        writeShards();
        writeIndex(standardMap());

        try (SafetensorsBundle bundle = SafetensorsBundle.open(dir)) {
            assertThat(bundle.tensors().keySet()).containsExactly("h.0.attn.bias", "ln_f.weight", "wte.weight");
            assertThat(bundle.files()).extracting(Path::getFileName)
                    .containsExactly(Path.of(SHARD_1), Path.of(SHARD_2));
            assertThat(bundle.file("ln_f.weight").getFileName()).isEqualTo(Path.of(SHARD_2));
            assertThat(bundle.file("wte.weight").getFileName()).isEqualTo(Path.of(SHARD_1));
            assertThat(bundle.tensor("ln_f.weight").begin()).isZero(); // offsets are within its own shard
            assertThat(bundle.readFloats("wte.weight")).containsExactly(1, 2, 3, 4);
            assertThat(bundle.readFloats("ln_f.weight")).containsExactly(6, 7);
            assertThat(bundle.data("h.0.attn.bias").getFloat(0)).isEqualTo(5f);

            SafetensorsIndex index = bundle.index().orElseThrow();
            assertThat(index.metadata()).containsEntry("total_size", "28");
            assertThat(index.shards()).hasSize(2);
            assertThat(index.tensorsIn(index.shards().get(0))).containsExactly("h.0.attn.bias", "wte.weight");
            assertThat(bundle.contains("lm_head.weight")).isFalse();
            assertThatThrownBy(() -> bundle.readFloats("lm_head.weight"))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("no tensor named 'lm_head.weight'");
        }
    }

    @Test
    void closingTheBundleClosesEveryShard() throws IOException {
        writeShards();
        writeIndex(standardMap());
        SafetensorsBundle bundle = SafetensorsBundle.open(dir);
        bundle.close();
        for (SafetensorsFile file : bundle.openFiles()) {
            String name = file.tensors().firstEntry().getKey();
            assertThatThrownBy(() -> file.data(name)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void prefersTheSingleFileWhenBothAreThere() throws IOException {
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Tensor.f32("only", shape(1), 1));
        writeIndex("not even json");

        try (SafetensorsBundle bundle = SafetensorsBundle.open(dir)) {
            assertThat(bundle.tensors().keySet()).containsExactly("only");
        }
    }

    @Test
    void missingShard() {
        writeShards();
        Map<String, String> map = standardMap();
        map.put("lm_head.weight", "model-00003-of-00003.safetensors");
        writeIndex(map);

        assertRejected(SafetensorsIndex.FILE_NAME, "assigns 1 tensor (such as 'lm_head.weight')",
                "model-00003-of-00003.safetensors", "which is missing from " + dir.toAbsolutePath());
    }

    @Test
    void shardLacksATensor() {
        writeShards();
        Map<String, String> map = standardMap();
        map.put("h.0.mlp.bias", SHARD_2);
        writeIndex(map);

        assertRejected("Shard ", SHARD_2, "lacks tensor 'h.0.mlp.bias'", SafetensorsIndex.FILE_NAME);
    }

    @Test
    void tensorInTwoShards() {
        writeShards();
        SafetensorsWriter.write(dir.resolve(SHARD_2),
                Tensor.f32("ln_f.weight", shape(2), 6, 7), Tensor.f32("wte.weight", shape(2, 2), 1, 2, 3, 4));
        writeIndex(standardMap());

        assertRejected("Tensor 'wte.weight' is in both shard", SHARD_1, SHARD_2, "assigns it only to the second");
    }

    @Test
    void tensorInAnotherShardThanTheIndexSays() {
        writeShards();
        Map<String, String> map = standardMap();
        map.put("ln_f.weight", SHARD_1);
        map.put("wte.weight", SHARD_2);
        writeIndex(map);

        assertRejected("Tensor 'ln_f.weight' is in shard " + dir.resolve(SHARD_2).toAbsolutePath(),
                "assigns it to shard " + dir.resolve(SHARD_1).toAbsolutePath() + ", which lacks it");
    }

    @Test
    void shardHoldsATensorTheIndexDoesNotList() {
        writeShards();
        Map<String, String> map = standardMap();
        map.remove("h.0.attn.bias");
        writeIndex(map);

        assertRejected("Shard", SHARD_1, "holds tensor 'h.0.attn.bias'", "does not list");
    }

    @Test
    void tensorListedTwiceInTheIndex() {
        writeShards();
        writeIndex("{\"weight_map\": {\"wte.weight\": \"" + SHARD_1 + "\", \"h.0.attn.bias\": \"" + SHARD_1
                + "\", \"ln_f.weight\": \"" + SHARD_2 + "\", \"wte.weight\": \"" + SHARD_2 + "\"}}");

        assertRejected("The index", SafetensorsIndex.FILE_NAME, "lists 'wte.weight' twice inside 'weight_map'");
    }

    @Test
    void shardOutsideTheModelFolder() {
        writeShards();
        Map<String, String> map = standardMap();
        map.put("wte.weight", "../" + dir.getFileName() + "/" + SHARD_1); // back in, still fine
        map.put("ln_f.weight", "../elsewhere.safetensors");
        writeIndex(map);

        assertRejected("maps tensor 'ln_f.weight' to \"../elsewhere.safetensors\"", "outside the model folder");
    }

    @Test
    void absoluteShardPathOutsideTheFolder() {
        writeShards();
        Map<String, String> map = standardMap();
        map.put("ln_f.weight", "/etc/passwd");
        writeIndex(map);

        assertRejected("'ln_f.weight'", "outside the model folder");
    }

    @Test
    void malformedIndexes() {
        writeShards();
        writeIndex("{\"metadata\": {}}");
        assertRejected(SafetensorsIndex.FILE_NAME, "has no \"weight_map\"");
        writeIndex("{\"weight_map\": []}");
        assertRejected("\"weight_map\" that is a JSON array");
        writeIndex("{\"weight_map\": {}}");
        assertRejected("lists no tensors");
        writeIndex("{\"weight_map\": {\"wte.weight\": 1}}");
        assertRejected("maps tensor 'wte.weight' to 1, which is not the name of a shard file");
        writeIndex("{\"weight_map\": {\"wte.weight\": \"" + SHARD_1 + "\",}}");
        assertRejected(SafetensorsIndex.FILE_NAME, "is not valid JSON");
        writeIndex("{\"metadata\": 3, \"weight_map\": {\"wte.weight\": \"" + SHARD_1 + "\"}}");
        assertRejected("\"metadata\" that is a JSON number");
    }

    @Test
    void aCorruptShardIsNamed() throws IOException {
        writeShards();
        writeIndex(standardMap());
        Path second = dir.resolve(SHARD_2);
        byte[] bytes = Files.readAllBytes(second);
        Files.write(second, java.util.Arrays.copyOf(bytes, bytes.length - 3));

        assertRejected(second.toAbsolutePath().toString(), "truncated: 3 bytes are missing");
    }

    @Test
    void onlyPytorchWeights() throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("config.json"), "{}");

        assertRejected(dir.toString(), "pytorch_model.bin", "no safetensors weights",
                "save_pretrained('" + dir.toAbsolutePath() + "', safe_serialization=True)");
    }

    @Test
    void noWeightsAtAll() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        assertRejected(dir.toString(), "has no safetensors weights", "model.safetensors",
                SafetensorsIndex.FILE_NAME).hasMessageEndingWith(".");
    }

    @Test
    void otherSafetensorsFilesAreMentioned() {
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), Tensor.f32("x", shape(1), 1));
        assertRejected("has no safetensors weights", "(only adapter_model.safetensors)");
    }

    @Test
    void notAFolder() throws IOException {
        Path missing = dir.resolve("gpt3");
        assertThatThrownBy(() -> SafetensorsBundle.open(missing))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(missing + " does not exist.");
        Path file = Files.writeString(dir.resolve("notes.txt"), "hi");
        assertThatThrownBy(() -> SafetensorsBundle.open(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + " is not a folder.");
    }
}
