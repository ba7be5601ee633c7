package org.tokenscope.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cache written here exactly as Python's huggingface_hub writes one, read back with no request. */
class HubCacheTest {

    private static final String COMMIT = FakeHub.randomCommit(11);
    private static final String OLD_COMMIT = FakeHub.randomCommit(12);
    private static final byte[] CONFIG = "{\"model_type\": \"gpt2\", \"n_layer\": 12}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOKENIZER = "{\"version\": \"1.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = FakeHub.randomBytes(5_000, 13);

    @TempDir
    Path dir;

    private Path root;
    private FakeHub hub;

    @BeforeEach
    void setUp() throws IOException {
        root = dir.resolve("xdg/huggingface/hub");
        hub = new FakeHub(); // serves nothing: only here to count requests that must not happen
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    /** What {@code hf_hub_download} leaves behind: blobs by etag, relative links, refs without newline. */
    private Path writePythonCache(String folderName, String commit, Map<String, byte[]> files, String... refs)
            throws IOException {
        Path repo = root.resolve(folderName);
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        Files.createDirectories(snapshot);
        Files.createDirectories(repo.resolve("blobs"));
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            String etag = FakeHub.etag(file.getKey(), file.getValue());
            Files.write(repo.resolve("blobs").resolve(etag), file.getValue());
            Files.createSymbolicLink(snapshot.resolve(file.getKey()), Path.of("../../blobs").resolve(etag));
        }
        for (String ref : refs) {
            Files.createDirectories(repo.resolve("refs"));
            Files.writeString(repo.resolve("refs").resolve(ref), commit);
        }
        return snapshot;
    }

    private Map<String, String> env(String offline) {
        // No HF_HUB_CACHE: the cache is found through XDG_CACHE_HOME, as Python finds it.
        return Map.of("HOME", dir.resolve("home").toString(), "XDG_CACHE_HOME", dir.resolve("xdg").toString(),
                "HF_ENDPOINT", hub.endpoint().toString(), "HF_HUB_OFFLINE", offline);
    }

    @Test
    void pythonsCacheIsReadWithoutAnyRequest() throws IOException {
        Path snapshot = writePythonCache("models--gpt2", COMMIT,
                Map.of("config.json", CONFIG, "tokenizer.json", TOKENIZER, "model.safetensors", WEIGHTS), "main");

        ModelResolver resolver = ModelResolver.fromEnvironment(env("0")); // online, yet no need to ask
        try {
            assertThat(resolver.resolve("gpt2")).isEqualTo(snapshot);
            assertThat(resolver.resolve("gpt2", COMMIT, DownloadListener.NONE, () -> false)).isEqualTo(snapshot);
            // The Hub's current name finds the folder Python wrote for the old one.
            assertThat(resolver.resolve("openai-community/gpt2")).isEqualTo(snapshot);
        } finally {
            resolver.client().close();
        }
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void snapshotResolvesBranchesThroughRefsAndCommitsDirectly() throws IOException {
        Path current = writePythonCache("models--openai-community--gpt2", COMMIT, Map.of("config.json", CONFIG), "main");
        Path old = writePythonCache("models--openai-community--gpt2", OLD_COMMIT, Map.of("config.json", CONFIG), "v1");
        HubCache cache = new HubCache(root);

        assertThat(cache.snapshot("openai-community/gpt2", "main")).contains(current);
        assertThat(cache.snapshot("openai-community/gpt2", "v1")).contains(old);
        assertThat(cache.snapshot("openai-community/gpt2", OLD_COMMIT)).contains(old);
        assertThat(cache.snapshot("gpt2", "main")).contains(current);
        assertThat(cache.snapshot("openai-community/gpt2", "no-such-branch")).isEmpty();
        assertThat(cache.snapshot("openai-community/gpt2", "../../etc")).isEmpty();
        assertThat(cache.snapshot("someone/else", "main")).isEmpty();
        assertThatThrownBy(() -> cache.snapshot("not a model id", "main")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listShowsModelsWithRevisionsSizesAndWhetherTheyAreGpt2() throws IOException {
        writePythonCache("models--gpt2", COMMIT,
                Map.of("config.json", CONFIG, "tokenizer.json", TOKENIZER, "model.safetensors", WEIGHTS), "main");
        writePythonCache("models--gpt2", OLD_COMMIT, Map.of("config.json", CONFIG), "v1"); // shares config's blob
        writePythonCache("models--google-bert--bert-base-uncased", FakeHub.randomCommit(14),
                Map.of("config.json", "{\"model_type\": \"bert\"}".getBytes(StandardCharsets.UTF_8)), "main");
        Files.createDirectories(root.resolve("datasets--someone--data/snapshots"));
        Files.createDirectories(root.resolve(".locks/models--gpt2"));

        List<CachedModel> models = new HubCache(root).list();

        assertThat(models).extracting(CachedModel::repoId).containsExactly("google-bert/bert-base-uncased", "gpt2");
        CachedModel gpt2 = models.get(1);
        assertThat(gpt2.runnable()).isTrue();
        assertThat(gpt2.complete()).isTrue();
        assertThat(gpt2.sizeOnDisk()).isEqualTo(CONFIG.length + TOKENIZER.length + WEIGHTS.length);
        assertThat(gpt2.revisions()).extracting(CachedRevision::commit).containsExactlyInAnyOrder(COMMIT, OLD_COMMIT);
        assertThat(gpt2.revisions()).filteredOn(r -> r.commit().equals(COMMIT)).singleElement()
                .satisfies(r -> {
                    assertThat(r.refs()).containsExactly("main");
                    assertThat(r.complete()).isTrue();
                });
        assertThat(gpt2.revisions()).filteredOn(r -> r.commit().equals(OLD_COMMIT)).singleElement()
                .satisfies(r -> assertThat(r.complete()).isFalse());
        assertThat(models.get(0).runnable()).isFalse();
    }

    @Test
    void missingCacheListsNothing() throws IOException {
        assertThat(new HubCache(dir.resolve("nowhere")).list()).isEmpty();
    }

    @Test
    void snapshotWithABrokenLinkIsNotAModel() throws IOException {
        Path snapshot = writePythonCache("models--gpt2", COMMIT,
                Map.of("config.json", CONFIG, "tokenizer.json", TOKENIZER, "model.safetensors", WEIGHTS), "main");
        Files.delete(root.resolve("models--gpt2/blobs").resolve(FakeHub.sha256(WEIGHTS)));
        HubCache cache = new HubCache(root);

        assertThat(cache.snapshot("gpt2", "main")).contains(snapshot);
        assertThat(cache.modelSnapshot("gpt2", "main")).isEmpty();
        assertThat(cache.list()).singleElement().satisfies(model -> assertThat(model.complete()).isFalse());
    }

    @Test
    void offlineResolverBuildsTokenizerJsonForAPythonCacheWithOnlyTheSlowTokenizerFiles() throws IOException {
        Path snapshot = writePythonCache("models--distilgpt2", COMMIT, Map.of(
                "config.json", CONFIG,
                "vocab.json", "{\"a\": 0, \"<|endoftext|>\": 1}".getBytes(StandardCharsets.UTF_8),
                "merges.txt", "#version: 0.2\n".getBytes(StandardCharsets.UTF_8),
                "model.safetensors", WEIGHTS), "main");

        ModelResolver resolver = ModelResolver.fromEnvironment(env("1"));
        assertThat(resolver.resolve("distilbert/distilgpt2")).isEqualTo(snapshot);
        assertThat(snapshot.resolve("tokenizer.json")).isRegularFile();
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void offlineResolverNamesTheMissingFileOfAPartlyCachedModel() throws IOException {
        writePythonCache("models--gpt2", COMMIT, Map.of("config.json", CONFIG, "tokenizer.json", TOKENIZER), "main");

        ModelResolver resolver = ModelResolver.fromEnvironment(env("1"));
        assertThatThrownBy(() -> resolver.resolve("gpt2"))
                .isInstanceOf(ModelNotAvailableException.class)
                .hasMessageContaining("gpt2 is cached without model.safetensors")
                .hasMessageContaining("pull gpt2");
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void resolverTakesAFolderAsItIsAndRejectsWhatIsNeitherFolderNorId() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("my-model"));
        ModelResolver resolver = ModelResolver.fromEnvironment(env("1"));

        assertThat(resolver.resolve(folder.toString())).isEqualTo(folder);
        assertThatThrownBy(() -> resolver.resolve(dir.resolve("missing").toString()))
                .isInstanceOf(ModelNotAvailableException.class)
                .hasMessageContaining("There is no folder");
        assertThatThrownBy(() -> resolver.resolve("not--valid"))
                .isInstanceOf(ModelNotAvailableException.class)
                .hasMessageContaining("not a Hugging Face model id");
        assertThat(hub.requests).isEmpty();
    }
}
