package org.tokenscope.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.net.RetryPolicy;

class HubClientTest {

    private static final String REPO = "org/tiny";
    private static final String COMMIT = FakeHub.randomCommit(1);
    private static final byte[] CONFIG = """
            {"model_type": "gpt2", "n_layer": 2, "n_head": 2, "n_embd": 8, "vocab_size": 5, "n_positions": 16}
            """.getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOKENIZER = "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = FakeHub.randomBytes(300_000, 2);

    @TempDir
    Path dir;

    private FakeHub hub;
    private Path cacheRoot;
    private HubClient client;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        hub.addCommit(REPO, "main", COMMIT, files());
        cacheRoot = dir.resolve("hub");
        client = client(Map.of());
    }

    @AfterEach
    void stopHub() {
        client.close();
        hub.close();
    }

    private static Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", CONFIG);
        files.put("tokenizer.json", TOKENIZER);
        files.put("model.safetensors", WEIGHTS);
        return files;
    }

    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("HF_HUB_CACHE", cacheRoot.toString());
        env.put("HF_ENDPOINT", hub.endpoint().toString());
        env.put("HF_TOKEN", FakeHub.TOKEN);
        env.putAll(extra);
        return env;
    }

    private HubClient client(Map<String, String> extraEnv) {
        return HubClient.builder()
                .setSettings(HubSettings.fromEnvironment(env(extraEnv)))
                .optRetryPolicy(new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20)))
                .optReadTimeout(Duration.ofSeconds(10))
                .build();
    }

    private Path repoFolder(String repo) {
        return cacheRoot.resolve("models--" + repo.replace("/", "--"));
    }

    private static void assertLinked(Path snapshot, String file, byte[] content) throws IOException {
        Path pointer = snapshot.resolve(file);
        String etag = FakeHub.etag(file, content);
        assertThat(pointer).isSymbolicLink();
        assertThat(Files.readSymbolicLink(pointer))
                .isEqualTo(Path.of("..", "..", "blobs", etag));
        assertThat(Files.readAllBytes(pointer)).isEqualTo(content);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void firstDownloadWritesPythonsCacheLayout() throws IOException {
        Path snapshot = client.downloadModel(REPO, "main");

        Path repo = repoFolder(REPO);
        assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(COMMIT));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(COMMIT);
        assertLinked(snapshot, "config.json", CONFIG);
        assertLinked(snapshot, "tokenizer.json", TOKENIZER);
        assertLinked(snapshot, "model.safetensors", WEIGHTS);
        assertThat(names(repo.resolve("blobs"))).containsExactlyInAnyOrder(
                FakeHub.gitBlobId(CONFIG), FakeHub.gitBlobId(TOKENIZER), FakeHub.sha256(WEIGHTS));
        assertThat(cacheRoot.resolve(".locks/models--org--tiny/" + FakeHub.sha256(WEIGHTS) + ".lock")).exists();
        assertThat(cacheRoot.resolve("CACHEDIR.TAG")).content().startsWith("Signature: 8a477f597d28d172789f06886806bc55");

        // The token goes to the Hub, never to the storage host the LFS redirect leads to.
        assertThat(hub.requests).filteredOn(r -> r.server().equals("hub"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + FakeHub.TOKEN));
        assertThat(hub.requests(("storage"), "GET")).hasSize(1)
                .allSatisfy(r -> assertThat(r.authorization()).isNull());
        assertThat(hub.requests("hub", "GET")).extracting(FakeHub.Request::path).containsExactlyInAnyOrder(
                "/org/tiny/resolve/" + COMMIT + "/config.json", "/org/tiny/resolve/" + COMMIT + "/tokenizer.json");
    }

    @Test
    void secondRunMakesNoGet() throws IOException {
        Path first = client.downloadModel(REPO, "main");
        hub.requests.clear();

        Path second = client.downloadModel(REPO, "main");

        assertThat(second).isEqualTo(first);
        assertThat(hub.gets()).isZero();
    }

    @Test
    void offlineReadsTheCacheWithoutAnyRequest() throws IOException {
        Path snapshot = client.downloadModel(REPO, "main");
        hub.requests.clear();

        try (HubClient offline = client(Map.of("HF_HUB_OFFLINE", "1"))) {
            assertThat(new ModelResolver(offline).resolve(REPO)).isEqualTo(snapshot);
            assertThat(offline.downloadModel(REPO, "main")).isEqualTo(snapshot);
        }
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void offlineAndNotCachedSaysHowToGetIt() {
        try (HubClient offline = client(Map.of("HF_HUB_OFFLINE", "1"))) {
            assertThatThrownBy(() -> new ModelResolver(offline).resolve(REPO))
                    .isInstanceOf(ModelNotAvailableException.class)
                    .hasMessageContaining("org/tiny is not in the Hugging Face cache")
                    .hasMessageContaining("offline mode is on")
                    .hasMessageContaining("java -jar target/tokenscope.jar pull org/tiny")
                    .hasMessageContaining("--model");
        }
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void unreachableHubAndNotCachedSaysHowToGetIt() throws IOException {
        hub.close(); // nothing listens on the endpoint any more
        assertThatThrownBy(() -> client.downloadModel(REPO, "main"))
                .isInstanceOf(ModelNotAvailableException.class)
                .hasMessageContaining("could not be reached")
                .hasMessageContaining("pull org/tiny");
    }

    @Test
    void unreachableHubFallsBackToTheCache() throws IOException {
        Path snapshot = client.downloadModel(REPO, "main");
        hub.close();

        assertThat(client.downloadModel(REPO, "main")).isEqualTo(snapshot);
    }

    @Test
    void cutConnectionIsResumedWithRange() throws IOException {
        hub.cutAfterBytes = 100_000;
        hub.cutsLeft.set(1);

        Path snapshot = client.downloadModel(REPO, "main");

        assertLinked(snapshot, "model.safetensors", WEIGHTS);
        List<FakeHub.Request> gets = hub.requests("storage", "GET");
        assertThat(gets).hasSize(2);
        assertThat(gets.get(0).range()).isNull();
        assertThat(gets.get(1).range()).isEqualTo("bytes=100000-");
    }

    @Test
    void connectionCutEveryTimeGivesUpWithAClearMessageAndKeepsThePartForLater() throws IOException {
        hub.cutAfterBytes = 0;
        hub.cutsLeft.set(1_000);
        String sha = FakeHub.sha256(WEIGHTS);

        assertThatThrownBy(() -> client.downloadModel(REPO, "main"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("Downloading model.safetensors")
                .hasMessageContaining("failed 4 times in a row")
                .hasMessageContaining("run the command again to resume");
        assertThat(hub.requests("storage", "GET")).hasSize(4);
        assertThat(repoFolder(REPO).resolve("blobs/" + sha)).doesNotExist();
        assertThat(repoFolder(REPO).resolve("snapshots/" + COMMIT + "/model.safetensors")).doesNotExist();

        hub.cutsLeft.set(0);
        assertLinked(client.downloadModel(REPO, "main"), "model.safetensors", WEIGHTS);
    }

    @Test
    void serverThatIgnoresRangeIsDownloadedAgainFromTheStart() throws IOException {
        hub.cutAfterBytes = 100_000;
        hub.cutsLeft.set(1);
        hub.ignoreRange = true;

        Path snapshot = client.downloadModel(REPO, "main");

        assertLinked(snapshot, "model.safetensors", WEIGHTS);
        List<FakeHub.Request> gets = hub.requests("storage", "GET");
        assertThat(gets).hasSize(2);
        assertThat(gets.get(1).range()).isEqualTo("bytes=100000-"); // asked, answered 200 with everything
        assertThat(repoFolder(REPO).resolve("blobs/" + FakeHub.sha256(WEIGHTS))).hasSize(WEIGHTS.length);
    }

    @Test
    void corruptBlobIsRejectedAndNothingIsLeftUnderItsName() throws IOException {
        String sha = FakeHub.sha256(WEIGHTS);
        byte[] corrupt = WEIGHTS.clone();
        corrupt[12_345] ^= 1;
        hub.corrupt.put(sha, corrupt);

        assertThatThrownBy(() -> client.downloadModel(REPO, "main"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("model.safetensors is corrupt");

        Path blobs = repoFolder(REPO).resolve("blobs");
        assertThat(blobs.resolve(sha)).doesNotExist();
        assertThat(blobs.resolve(sha + ".incomplete")).doesNotExist();
        assertThat(repoFolder(REPO).resolve("snapshots/" + COMMIT + "/model.safetensors")).doesNotExist();
        assertThat(client.cache().modelSnapshot(REPO, "main")).isEmpty();
    }

    @Test
    void revisionPinnedToACommit() throws IOException {
        String older = FakeHub.randomCommit(7);
        byte[] olderConfig = "{\"model_type\": \"gpt2\", \"n_layer\": 1}".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> olderFiles = new HashMap<>(files());
        olderFiles.put("config.json", olderConfig);
        hub.addCommit(REPO, null, older, olderFiles);

        Path snapshot = client.downloadModel(REPO, older);

        assertThat(snapshot).isEqualTo(repoFolder(REPO).resolve("snapshots").resolve(older));
        assertLinked(snapshot, "config.json", olderConfig);
        assertThat(repoFolder(REPO).resolve("refs")).doesNotExist(); // a commit is no ref
        assertThat(hub.requests).filteredOn(r -> r.server().equals("hub"))
                .allSatisfy(r -> assertThat(r.path()).contains("/resolve/" + older + "/"));

        hub.requests.clear();
        assertThat(client.downloadModel(REPO, older)).isEqualTo(snapshot);
        assertThat(hub.requests).isEmpty(); // a cached commit needs no question to the Hub
    }

    @Test
    void renamedRepositoryIsFollowedThroughItsRelativeRedirect() throws IOException {
        hub.rename("old-name/tiny", REPO);

        Path snapshot = client.downloadModel("old-name/tiny", "main");

        // Cached under the name asked for, as huggingface_hub does.
        assertThat(snapshot).isEqualTo(repoFolder("old-name/tiny").resolve("snapshots").resolve(COMMIT));
        assertLinked(snapshot, "model.safetensors", WEIGHTS);
        assertThat(hub.requests("hub", "HEAD")).extracting(FakeHub.Request::path)
                .contains("/old-name/tiny/resolve/main/config.json", "/org/tiny/resolve/main/config.json");
        assertThat(hub.requests("hub", "HEAD"))
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + FakeHub.TOKEN));
    }

    @Test
    void repoWithOnlyVocabAndMergesGetsAGpt2TokenizerJson() throws IOException {
        String commit = FakeHub.randomCommit(3);
        byte[] vocab = "{\"a\": 0, \"b\": 1, \"ab\": 2, \"\\u0120a\": 3, \"<|endoftext|>\": 4}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] merges = "#version: 0.2\na b\n\u0120 a\n".getBytes(StandardCharsets.UTF_8);
        hub.addCommit("org/slow", "main", commit, Map.of(
                "config.json", CONFIG, "vocab.json", vocab, "merges.txt", merges, "model.safetensors", WEIGHTS));

        Path snapshot = client.downloadModel("org/slow", "main");

        assertLinked(snapshot, "vocab.json", vocab);
        assertLinked(snapshot, "merges.txt", merges);
        Path tokenizerFile = snapshot.resolve("tokenizer.json");
        assertThat(tokenizerFile).isRegularFile();
        assertThat(Files.isSymbolicLink(tokenizerFile)).isFalse();
        JsonNode tokenizer = new ObjectMapper().readTree(tokenizerFile.toFile());
        assertThat(tokenizer.at("/model/type").asText()).isEqualTo("BPE");
        assertThat(tokenizer.at("/model/vocab/ab").asInt()).isEqualTo(2);
        assertThat(tokenizer.at("/model/vocab").size()).isEqualTo(5);
        assertThat(tokenizer.at("/model/merges")).extracting(JsonNode::asText).containsExactly("a b", "\u0120 a");
        assertThat(tokenizer.at("/pre_tokenizer/type").asText()).isEqualTo("ByteLevel");
        assertThat(tokenizer.at("/pre_tokenizer/add_prefix_space").asBoolean()).isFalse();
        assertThat(tokenizer.at("/pre_tokenizer/use_regex").asBoolean()).isTrue();
        assertThat(tokenizer.at("/decoder/type").asText()).isEqualTo("ByteLevel");
        assertThat(tokenizer.at("/post_processor/type").asText()).isEqualTo("ByteLevel");
        assertThat(tokenizer.at("/added_tokens/0/content").asText()).isEqualTo("<|endoftext|>");
        assertThat(tokenizer.at("/added_tokens/0/id").asInt()).isEqualTo(4);
        assertThat(tokenizer.at("/added_tokens/0/special").asBoolean()).isTrue();
        // Python's marker that the Hub has no tokenizer.json at this commit.
        assertThat(repoFolder("org/slow").resolve(".no_exist/" + commit + "/tokenizer.json")).exists();
    }

    @Test
    void repoWithOnlyPytorchWeightsIsRefusedBeforeAnyDownload() {
        hub.addCommit("org/old", "main", FakeHub.randomCommit(4), Map.of(
                "config.json", CONFIG, "tokenizer.json", TOKENIZER, "pytorch_model.bin", WEIGHTS));

        assertThatThrownBy(() -> client.downloadModel("org/old", "main"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("pytorch_model.bin")
                .hasMessageContaining("safetensors");
        assertThat(hub.gets()).isZero();
    }

    @Test
    void shardedWeightsAreDownloadedThroughTheirIndex() throws IOException {
        byte[] first = FakeHub.randomBytes(70_000, 5);
        byte[] second = FakeHub.randomBytes(50_000, 6);
        byte[] index = """
                {"metadata": {"total_size": 120000}, "weight_map": {
                  "wte.weight": "model-00001-of-00002.safetensors",
                  "wpe.weight": "model-00001-of-00002.safetensors",
                  "ln_f.weight": "model-00002-of-00002.safetensors"}}
                """.getBytes(StandardCharsets.UTF_8);
        hub.addCommit("org/sharded", "main", FakeHub.randomCommit(8), Map.of(
                "config.json", CONFIG, "tokenizer.json", TOKENIZER, "model.safetensors.index.json", index,
                "model-00001-of-00002.safetensors", first, "model-00002-of-00002.safetensors", second));

        Path snapshot = client.downloadModel("org/sharded", "main");

        assertLinked(snapshot, "model.safetensors.index.json", index);
        assertLinked(snapshot, "model-00001-of-00002.safetensors", first);
        assertLinked(snapshot, "model-00002-of-00002.safetensors", second);
        assertThat(ModelFiles.isComplete(snapshot)).isTrue();
    }

    @Test
    void cancellingMidDownloadLeavesTheCacheValidAndTheNextRunResumes() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        DownloadListener cancelHalfway = (file, done, total) -> {
            if (file.equals("model.safetensors") && done > 0 && done < total) {
                cancel.set(true);
            }
        };
        String sha = FakeHub.sha256(WEIGHTS);
        Path blobs = repoFolder(REPO).resolve("blobs");

        assertThatThrownBy(() -> client.downloadModel(REPO, "main", cancelHalfway, cancel::get))
                .isInstanceOf(DownloadCancelledException.class);

        assertThat(blobs.resolve(sha)).doesNotExist();
        long kept = Files.size(blobs.resolve(sha + ".incomplete"));
        assertThat(kept).isBetween(1L, WEIGHTS.length - 1L);
        assertThat(repoFolder(REPO).resolve("snapshots/" + COMMIT + "/model.safetensors")).doesNotExist();
        assertThat(client.cache().modelSnapshot(REPO, "main")).isEmpty();

        hub.requests.clear();
        Path snapshot = client.downloadModel(REPO, "main");

        assertLinked(snapshot, "model.safetensors", WEIGHTS);
        assertThat(hub.requests("storage", "GET")).singleElement()
                .satisfies(r -> assertThat(r.range()).isEqualTo("bytes=" + kept + "-"));
        assertThat(blobs.resolve(sha + ".incomplete")).doesNotExist();
    }

    @Test
    void interruptingTheThreadCancelsToo() throws Exception {
        DownloadListener interruptHalfway = (file, done, total) -> {
            if (file.equals("model.safetensors") && done > 0 && done < total) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            assertThatThrownBy(() -> client.downloadModel(REPO, "main", interruptHalfway, () -> false))
                    .isInstanceOf(DownloadCancelledException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(repoFolder(REPO).resolve("blobs/" + FakeHub.sha256(WEIGHTS))).doesNotExist();
        assertLinked(client.downloadModel(REPO, "main"), "model.safetensors", WEIGHTS);
    }

    @Test
    void twoDownloadsOfTheSameModelAtOnceFetchEachBlobOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (HubClient other = client(Map.of())) {
            Future<Path> a = pool.submit(() -> client.downloadModel(REPO, "main"));
            Future<Path> b = pool.submit(() -> other.downloadModel(REPO, "main"));
            assertThat(a.get()).isEqualTo(b.get());
            assertLinked(a.get(), "model.safetensors", WEIGHTS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(hub.requests("storage", "GET")).hasSize(1);
    }

    @Test
    void unknownRepositorySaysSo() {
        assertThatThrownBy(() -> client.downloadModel("org/nothing", "main"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("org/nothing was not found");
    }

    @Test
    void unknownRevisionSaysSo() {
        assertThatThrownBy(() -> client.downloadModel(REPO, "no-such-branch"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("has no revision no-such-branch");
    }

    @Test
    void etagsAreNormalizedAsHuggingfaceHubDoes() {
        assertThat(HubClient.normalizeEtag("\"abc\"")).isEqualTo("abc");
        assertThat(HubClient.normalizeEtag("W/\"abc\"")).isEqualTo("abc");
        assertThat(HubClient.normalizeEtag("abc")).isEqualTo("abc");
    }

    @Test
    void fullDiskGivesAClearMessageAndLeavesNoPartialFile() throws IOException {
        // Linux's /dev/full fails every write with ENOSPC, the error a full disk gives: put it where
        // the partial blob goes.
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.isWritable(devFull), "needs /dev/full");
        Path partial = repoFolder(REPO).resolve("blobs/" + FakeHub.sha256(WEIGHTS) + ".incomplete");
        Files.createDirectories(partial.getParent());
        Files.createSymbolicLink(partial, devFull);

        assertThatThrownBy(() -> client.downloadModel(REPO, "main"))
                .isInstanceOf(HubException.class)
                .hasMessageStartingWith("The disk is full: model.safetensors (300.0 kB) does not fit in " + cacheRoot)
                .hasMessageContaining("HF_HUB_CACHE");

        assertThat(partial).doesNotExist();
        assertThat(Files.isSymbolicLink(partial)).isFalse();
        assertThat(repoFolder(REPO).resolve("blobs/" + FakeHub.sha256(WEIGHTS))).doesNotExist();
        assertThat(repoFolder(REPO).resolve("snapshots/" + COMMIT + "/model.safetensors")).doesNotExist();
    }

    @Test
    void diskFullIsRecognisedFromTheOperatingSystemsMessage() {
        assertThat(HubClient.isDiskFull(new IOException("No space left on device"))).isTrue();
        assertThat(HubClient.isDiskFull(new IOException("wrapped", new IOException("No space left on device"))))
                .isTrue();
        assertThat(HubClient.isDiskFull(new IOException("Connection reset"))).isFalse();
    }
}
