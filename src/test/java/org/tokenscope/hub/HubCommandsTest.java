package org.tokenscope.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.cli.ModelsCommand;
import org.tokenscope.cli.PullCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pull} and {@code models} as a root command would run them: subcommands, own out and err. */
class HubCommandsTest {

    @Command(name = "tokenscope")
    static final class Root implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static final String COMMIT = FakeHub.randomCommit(21);
    private static final byte[] WEIGHTS = FakeHub.randomBytes(200_000, 22);

    @TempDir
    Path dir;

    private FakeHub hub;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        hub = new FakeHub();
        hub.addCommit("gpt2", "main", COMMIT, Map.of(
                "config.json", "{\"model_type\": \"gpt2\"}".getBytes(StandardCharsets.UTF_8),
                "tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8),
                "model.safetensors", WEIGHTS));
        env = Map.of("HOME", dir.toString(), "HF_HUB_CACHE", dir.resolve("hub").toString(),
                "HF_ENDPOINT", hub.endpoint().toString());
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private Run run(Map<String, String> environment, String... args) {
        CommandLine cli = new CommandLine(new Root())
                .addSubcommand(new ModelsCommand(environment))
                .addSubcommand(new PullCommand(environment));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void pullDownloadsWithAProgressBarAndPrintsTheSnapshot() {
        Run pull = run(env, "pull", "gpt2");

        assertThat(pull.exitCode()).isZero();
        assertThat(pull.out().strip()).isEqualTo(dir.resolve("hub/models--gpt2/snapshots/" + COMMIT).toString());
        assertThat(pull.err()).contains("model.safetensors").contains("100%").contains("200.0 kB / 200.0 kB");
    }

    @Test
    void modelsListsWhatWasPulled() {
        assertThat(run(env, "models").out()).contains("No runnable models in the Hugging Face cache");
        run(env, "pull", "gpt2");

        Run models = run(env, "models");

        assertThat(models.exitCode()).isZero();
        assertThat(models.out()).containsPattern("gpt2\\s+200\\.\\d kB\\s+main → " + COMMIT.substring(0, 7));
        assertThat(models.out()).contains("Cache: " + dir.resolve("hub"));
    }

    @Test
    void pullFailsWithOneClearSentence() {
        Run pull = run(env, "pull", "someone/missing");

        assertThat(pull.exitCode()).isEqualTo(1);
        assertThat(pull.err().strip()).startsWith("Error: someone/missing was not found on " + hub.endpoint());
        assertThat(pull.err().strip().lines()).hasSize(1);
    }

    @Test
    void pullOfflineSaysItCannotDownload() {
        Map<String, String> offline = new java.util.HashMap<>(env);
        offline.put("HF_HUB_OFFLINE", "1");

        Run pull = run(offline, "pull", "gpt2", "--revision", "main");

        assertThat(pull.exitCode()).isEqualTo(1);
        assertThat(pull.err()).contains("Error: offline mode is on");
        assertThat(hub.requests).isEmpty();
    }
}
