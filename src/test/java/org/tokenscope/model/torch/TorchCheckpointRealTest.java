package org.tokenscope.model.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tokenscope.model.ModelFormatException;

/**
 * Files written by real PyTorch (1.13, {@code make_fixtures.py} beside them): every tensor of a
 * module's state dict — tied, transposed, sharing a storage, half, bfloat16, double, long, scalar,
 * a Parameter — equals the bytes torch itself printed; the legacy format and a pickle that would
 * run {@code os.system} are refused, and the command does not run.
 */
class TorchCheckpointRealTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(TorchCheckpointRealTest.class.getResource(name).toURI());
    }

    @Test
    void everyTensorOfARealStateDictEqualsWhatTorchPrinted() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(fixture("state_dict.json").toFile());
        List<String> names = new ArrayList<>();
        manifest.fieldNames().forEachRemaining(names::add);
        for (String file : List.of("state_dict.bin", "plain_dict.bin")) {
            try (TorchCheckpoint checkpoint = TorchCheckpoint.open(fixture(file))) {
                assertThat(checkpoint.tensors().keySet()).as(file).containsExactlyInAnyOrderElementsOf(names);
                if (file.equals("state_dict.bin")) {
                    assertThat(checkpoint.tensors().keySet()).containsExactlyElementsOf(names); // OrderedDict order kept
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = manifest.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    var info = checkpoint.tensor(e.getKey());
                    assertThat(info.dtype().name()).as(e.getKey()).isEqualTo(e.getValue().get("dtype").asText());
                    long[] shape = new long[e.getValue().get("shape").size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = e.getValue().get("shape").get(i).asLong();
                    }
                    assertThat(info.shape()).as(e.getKey()).isEqualTo(shape);
                    ByteBuffer data = checkpoint.data(e.getKey()).duplicate();
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    assertThat(HexFormat.of().formatHex(bytes)).as(file + " " + e.getKey())
                            .isEqualTo(e.getValue().get("hex").asText());
                }
                assertThat(checkpoint.readFloats("extra.second")).containsExactly(8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
            }
        }
    }

    @Test
    void theLegacyFormatFromRealTorchIsRefusedWithHowToConvert() throws Exception {
        Path legacy = fixture("legacy.bin");
        assertThatThrownBy(() -> TorchCheckpoint.open(legacy)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("legacy (pre-1.6, not zip) format").hasMessageContaining("save_file");
    }

    @Test
    void aRealPickleThatWouldRunOsSystemIsRefusedAndNothingRuns() throws Exception {
        Path evil = fixture("evil.bin");
        Path marker = Path.of("pwned-by-pickle");
        Files.deleteIfExists(marker);
        assertThatThrownBy(() -> TorchCheckpoint.open(evil)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("is refused: it asks for posix.system");
        assertThat(marker).doesNotExist();
        assertThat(evil.resolveSibling("pwned-by-pickle")).doesNotExist();
    }
}
