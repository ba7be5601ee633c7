package org.tokenscope.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.net.RetryPolicy;

/** The environment read as huggingface_hub's constants.py reads it. */
class HubSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreUnderTheHomeFolder() {
        HubSettings settings = HubSettings.fromEnvironment(Map.of("HOME", "/home/ada"));

        assertThat(settings.cacheRoot()).isEqualTo(Path.of("/home/ada/.cache/huggingface/hub"));
        assertThat(settings.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(settings.token()).isEmpty();
        assertThat(settings.offline()).isFalse();
    }

    @Test
    void cacheComesFromHfHubCacheThenHfHomeThenXdgCacheHome() {
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "XDG_CACHE_HOME", "/xdg")).cacheRoot())
                .isEqualTo(Path.of("/xdg/huggingface/hub"));
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "XDG_CACHE_HOME", "/xdg", "HF_HOME", "/hf"))
                .cacheRoot()).isEqualTo(Path.of("/hf/hub"));
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HOME", "/hf", "HF_HUB_CACHE", "/cache"))
                .cacheRoot()).isEqualTo(Path.of("/cache"));
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HUGGINGFACE_HUB_CACHE", "/legacy")).cacheRoot())
                .isEqualTo(Path.of("/legacy"));
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HOME", "~/hf")).cacheRoot())
                .isEqualTo(Path.of("/h/hf/hub"));
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "DATA", "/data", "HF_HUB_CACHE", "$DATA/hub"))
                .cacheRoot()).isEqualTo(Path.of("/data/hub"));
    }

    @Test
    void tokenComesFromHfTokenElseTheTokenFileInHfHome() throws IOException {
        Files.writeString(dir.resolve("token"), "hf_from_file\n");

        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HOME", dir.toString())).token())
                .contains("hf_from_file");
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HOME", dir.toString(), "HF_TOKEN", "hf_env"))
                .token()).contains("hf_env");
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HOME", dir.resolve("none").toString()))
                .token()).isEmpty();
    }

    @Test
    void offlineAcceptsPythonsTrueValues() {
        for (String yes : new String[] {"1", "ON", "yes", "True"}) {
            assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HUB_OFFLINE", yes)).offline()).isTrue();
        }
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HUB_OFFLINE", "0")).offline()).isFalse();
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "TRANSFORMERS_OFFLINE", "1")).offline()).isTrue();
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h")).withOffline(true).offline()).isTrue();
    }

    @Test
    void endpointLosesItsTrailingSlash() {
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_ENDPOINT", "https://hf-mirror.com/")).endpoint())
                .isEqualTo(URI.create("https://hf-mirror.com"));
    }

    @Test
    void toStringNeverShowsTheToken() {
        assertThat(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_TOKEN", "hf_secret")).toString())
                .doesNotContain("hf_secret");
    }

    @Test
    void gpt2NamesHaveTwoSpellings() {
        assertThat(RepoIds.spellings("gpt2")).containsExactly("gpt2", "openai-community/gpt2");
        assertThat(RepoIds.spellings("openai-community/gpt2-xl")).containsExactly("openai-community/gpt2-xl", "gpt2-xl");
        assertThat(RepoIds.spellings("distilgpt2")).containsExactly("distilgpt2", "distilbert/distilgpt2");
        assertThat(RepoIds.spellings("someone/gpt2")).containsExactly("someone/gpt2");
        assertThat(RepoIds.folderName("openai-community/gpt2")).isEqualTo("models--openai-community--gpt2");
        assertThat(RepoIds.fromFolderName("models--openai-community--gpt2")).contains("openai-community/gpt2");
        assertThat(RepoIds.isValid("user/fine-tune.v2")).isTrue();
        assertThat(RepoIds.isValid("a/b/c")).isFalse();
        assertThat(RepoIds.isValid("-bad")).isFalse();
        assertThat(RepoIds.isValid("bad--name")).isFalse();
    }

    @Test
    void retryDelaysDoubleUpToTheirMaximum() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void progressMeterGivesRateAndTimeLeft() {
        ProgressMeter meter = new ProgressMeter();
        long second = 1_000_000_000L;
        meter.update(0, 0);
        meter.update(1_000_000, second);
        meter.update(2_000_000, 2 * second);

        assertThat(meter.bytesPerSecond()).isEqualTo(1_000_000.0);
        assertThat(meter.timeLeft(10_000_000)).contains(Duration.ofSeconds(8));
        meter.update(0, 3 * second); // started over
        assertThat(meter.bytesPerSecond()).isZero();
        assertThat(meter.timeLeft(10_000_000)).isEmpty();
    }

    @Test
    void byteSizesReadLikeTheHubs() {
        assertThat(ByteSizes.format(999)).isEqualTo("999 B");
        assertThat(ByteSizes.format(548_105_171)).isEqualTo("548.1 MB");
        assertThat(ByteSizes.format(6_431_829_964L)).isEqualTo("6.4 GB");
    }
}
