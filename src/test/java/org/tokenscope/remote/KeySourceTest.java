package org.tokenscope.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a saved connection's key comes from: the environment or the OS keyring, never a file. */
class KeySourceTest {

    @Test
    void isWrittenAndReadAsShortText() {
        for (KeySource k : List.of(KeySource.NONE, KeySource.env("OPENAI_API_KEY"), KeySource.keyring("work vllm"))) {
            assertThat(KeySource.parse(k.toString())).isEqualTo(k);
        }
        assertThat(KeySource.parse("")).isEqualTo(KeySource.NONE);
        assertThatThrownBy(() -> KeySource.parse("file:/tmp/key")).hasMessageContaining("env:VARIABLE");
        assertThatThrownBy(() -> KeySource.env("MY-KEY")).hasMessageContaining("not an environment variable");
        assertThatThrownBy(() -> KeySource.keyring(" ")).hasMessageContaining("keyring account");
    }

    @Test
    void withoutASavedSourceTheKeyComesFromTheNamedVariableThenTokenscopesThenOpenAis() throws IOException {
        Map<String, String> both = Map.of("TOKENSCOPE_API_KEY", "sk-ts", "OPENAI_API_KEY", "sk-oa", "MINE", "sk-mine");
        assertThat(KeySource.fromEnvironment("MINE", both::get)).isEqualTo(KeySource.env("MINE"));
        assertThat(KeySource.fromEnvironment(null, both::get)).isEqualTo(KeySource.env("TOKENSCOPE_API_KEY"));
        assertThat(KeySource.fromEnvironment(null, Map.of("OPENAI_API_KEY", "sk-oa")::get))
                .isEqualTo(KeySource.env("OPENAI_API_KEY"));
        assertThat(KeySource.fromEnvironment(null, Map.of("TOKENSCOPE_API_KEY", " ", "OPENAI_API_KEY", "sk-oa")::get))
                .as("a blank variable is not set").isEqualTo(KeySource.env("OPENAI_API_KEY"));
        assertThat(KeySource.fromEnvironment(null, Map.<String, String>of()::get)).isEqualTo(KeySource.NONE);
        assertThat(KeySource.fromEnvironment(null, both::get).resolve(both::get, "Linux", c -> null).bearer())
                .isEqualTo("Bearer sk-ts");
    }

    @Test
    void anEnvironmentVariableHoldsTheKey() throws IOException {
        ApiKey key = KeySource.env("MY_KEY").resolve(Map.of("MY_KEY", " sk-123 ")::get, "Linux", c -> null);
        assertThat(key.bearer()).isEqualTo("Bearer sk-123");
        assertThatThrownBy(() -> KeySource.env("MISSING").resolve(Map.<String, String>of()::get, "Linux", c -> null))
                .hasMessageContaining("MISSING").hasMessageContaining("not set");
        assertThat(KeySource.NONE.resolve(Map.<String, String>of()::get, "Linux", c -> null)).isNull();
    }

    @Test
    void theKeyringIsAskedThroughEachPlatformsTool() throws IOException {
        List<List<String>> asked = new ArrayList<>();
        KeySource.Runner runner = command -> {
            asked.add(command);
            return "sk-from-keyring\n";
        };
        KeySource work = KeySource.keyring("work");
        assertThat(work.resolve(n -> null, "Linux", runner).bearer()).isEqualTo("Bearer sk-from-keyring");
        assertThat(work.resolve(n -> null, "Mac OS X", runner).bearer()).isEqualTo("Bearer sk-from-keyring");
        assertThat(asked).containsExactly(
                List.of("secret-tool", "lookup", "service", "tokenscope", "account", "work"),
                List.of("security", "find-generic-password", "-s", "tokenscope", "-a", "work", "-w"));
        assertThatThrownBy(() -> work.resolve(n -> null, "Linux", c -> null))
                .hasMessageContaining("No API key for account work").hasMessageContaining("secret-tool store");
        assertThatThrownBy(() -> work.resolve(n -> null, "Windows 11", runner))
                .hasMessageContaining("environment variable");
    }

    @Test
    void aConnectionIsAServerAddressAndAKeySource() {
        Connection c = new Connection(" http://gpu:8000/v1#meta-llama/Llama-3.1-70B ", KeySource.env("VLLM_KEY"));
        assertThat(c.spec()).isEqualTo("http://gpu:8000/v1#meta-llama/Llama-3.1-70B");
        assertThatThrownBy(() -> new Connection("gpu:8000", KeySource.NONE)).hasMessageContaining("http://");
    }
}
