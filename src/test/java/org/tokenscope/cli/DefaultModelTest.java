package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without {@code --model} the command line asks for gpt2; on a machine that has neither it in the
 * Hugging Face cache nor the network, the bundled tokenscope-small stands in and stderr says so. A
 * separate JVM, so that the Hub settings come from an environment of the test's own (an empty
 * home, offline).
 */
class DefaultModelTest {

    @TempDir
    Path home;

    private Run run(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.tokenscope.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGINGFACE"));
        builder.environment().put("HOME", home.toString());
        builder.environment().put("HF_HUB_OFFLINE", "1");
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void theBundledSmallModelStandsInForGpt2() throws Exception {
        Run run = run("score", "--text", "The function returns a list, and the");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("model tokenscope-small:");
        assertThat(run.err()).contains("gpt2 is not available here (no network and not cached)",
                "the bundled tokenscope-small stands in");
    }

    @Test
    void aModelTheUserNamedHasNoStandIn() throws Exception {
        Run run = run("score", "--model", "gpt2", "--text", "Hello");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("gpt2").doesNotContain("stands in");
    }

    @Test
    void theBundledModelsAreNamedLikeHubIds() throws Exception {
        Run run = run("score", "--model", "tokenscope-large", "--text", "Hello");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("model tokenscope-large:");
    }
}
