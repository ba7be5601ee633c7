package org.tokenscope.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Hugging Face Hub's file protocol on 127.0.0.1, for tests: {@code /{repo}/resolve/{rev}/{file}}
 * answers HEAD and GET with X-Repo-Commit and an ETag; LFS files ({@code *.safetensors},
 * {@code *.bin}) answer with a 302 to a second server (another port, like a CDN) with
 * X-Linked-Etag (their SHA-256) and X-Linked-Size. Both servers honour {@code Range}, and the
 * storage server can be told to cut connections, ignore ranges or serve corrupt bytes. Every
 * request is recorded.
 */
final class FakeHub implements AutoCloseable {

    static final String TOKEN = "hf_test_token";

    /** One request as a server saw it. */
    record Request(String server, String method, String path, String authorization, String range) {
    }

    /** A repository: branches → commits → files. */
    static final class Repo {
        final Map<String, String> branches = new HashMap<>();
        final Map<String, Map<String, byte[]>> commits = new HashMap<>();
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Storage cuts the connection after this many body bytes ... */
    volatile int cutAfterBytes = -1;
    /** ... on this many GETs. */
    final AtomicInteger cutsLeft = new AtomicInteger();
    /** Storage answers 200 with the whole file to a Range request. */
    volatile boolean ignoreRange;
    /** Storage serves these bytes instead of the blob with this SHA-256. */
    final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();
    /** The storage host's name in redirects (both servers listen on 127.0.0.1; "localhost" makes them two hosts). */
    volatile String storageHost = "127.0.0.1";

    private final HttpServer hub;
    private final HttpServer storage;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, String> gated = new ConcurrentHashMap<>(); // repo -> the token that may read it
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

    FakeHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(loopback, 0);
        storage = HttpServer.create(loopback, 0);
        hub.createContext("/", this::handleHub);
        storage.createContext("/", this::handleStorage);
        hub.setExecutor(executor);
        storage.setExecutor(executor);
        hub.start();
        storage.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    URI storageUri() {
        return URI.create("http://" + storageHost + ":" + storage.getAddress().getPort());
    }

    /** Adds {@code files} to {@code repo} as commit {@code commit}, and points {@code branch} (if any) at it. */
    void addCommit(String repo, String branch, String commit, Map<String, byte[]> files) {
        Repo r = repos.computeIfAbsent(repo, k -> new Repo());
        synchronized (r) {
            r.commits.put(commit, Map.copyOf(files));
            if (branch != null) {
                r.branches.put(branch, commit);
            }
        }
        files.forEach((name, content) -> {
            if (isLfs(name)) {
                blobs.put(sha256(content), content);
            }
        });
    }

    /**
     * {@code repo} is gated as Llama's and Gemma's are: without a token the Hub answers 401 with
     * X-Error-Code GatedRepo, with a token whose account has not accepted the licence 403.
     */
    void gate(String repo, String acceptedToken) {
        gated.put(repo, acceptedToken);
    }

    /** Requests for {@code oldName} are redirected (relative Location) to {@code newName}. */
    void rename(String oldName, String newName) {
        renamed.put(oldName, newName);
    }

    List<Request> requests(String server, String method) {
        return requests.stream().filter(r -> r.server().equals(server) && r.method().equals(method)).toList();
    }

    long gets() {
        return requests.stream().filter(r -> r.method().equals("GET")).count();
    }

    static boolean isLfs(String file) {
        return file.endsWith(".safetensors") || file.endsWith(".bin");
    }

    /** The etag the Hub gives a file: SHA-256 for LFS files, the git blob id for others. */
    static String etag(String file, byte[] content) {
        return isLfs(file) ? sha256(content) : gitBlobId(content);
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(content));
    }

    static String gitBlobId(byte[] content) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha1.digest(content));
    }

    static String randomCommit(long seed) {
        byte[] bytes = new byte[20];
        new Random(seed).nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        hub.stop(0);
        storage.stop(0);
        executor.shutdownNow();
    }

    private void handleHub(HttpExchange exchange) throws IOException {
        try (exchange) {
            record(exchange, "hub");
            String path = exchange.getRequestURI().getRawPath();
            int resolve = path.indexOf("/resolve/");
            if (resolve < 0) {
                send(exchange, 404, null);
                return;
            }
            String repoName = path.substring(1, resolve);
            String rest = path.substring(resolve + "/resolve/".length());
            if (renamed.containsKey(repoName)) {
                exchange.getResponseHeaders().set("Location", "/" + renamed.get(repoName) + "/resolve/" + rest);
                send(exchange, 307, null);
                return;
            }
            String accepted = gated.get(repoName);
            if (accepted != null && !("Bearer " + accepted).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                boolean anyToken = exchange.getRequestHeaders().getFirst("Authorization") != null;
                exchange.getResponseHeaders().set("X-Error-Code", "GatedRepo");
                send(exchange, anyToken ? 403 : 401, null);
                return;
            }
            Repo repo = repos.get(repoName);
            if (repo == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
                send(exchange, 401, null);
                return;
            }
            int slash = rest.indexOf('/');
            String revision = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
            String file = URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
            Map<String, byte[]> files;
            String commit;
            synchronized (repo) {
                commit = repo.branches.getOrDefault(revision, repo.commits.containsKey(revision) ? revision : null);
                files = commit == null ? null : repo.commits.get(commit);
            }
            if (files == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
                send(exchange, 404, null);
                return;
            }
            exchange.getResponseHeaders().set("X-Repo-Commit", commit);
            byte[] content = files.get(file);
            if (content == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                send(exchange, 404, null);
                return;
            }
            if (isLfs(file)) {
                String sha = sha256(content);
                exchange.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
                exchange.getResponseHeaders().set("X-Linked-Size", Long.toString(content.length));
                exchange.getResponseHeaders().set("ETag", "W/\"not-the-blob-etag\"");
                exchange.getResponseHeaders().set("Location", storageUri() + "/blobs/" + sha + "?X-Amz-Signature=abc");
                send(exchange, 302, null);
                return;
            }
            exchange.getResponseHeaders().set("ETag", "\"" + gitBlobId(content) + "\"");
            serve(exchange, content, false);
        }
    }

    private void handleStorage(HttpExchange exchange) throws IOException {
        try (exchange) {
            record(exchange, "storage");
            String path = exchange.getRequestURI().getPath();
            String sha = path.startsWith("/blobs/") ? path.substring("/blobs/".length()) : "";
            byte[] content = blobs.get(sha);
            if (content == null) {
                send(exchange, 404, null);
                return;
            }
            serve(exchange, corrupt.getOrDefault(sha, content), true);
        }
    }

    private void serve(HttpExchange exchange, byte[] content, boolean mayCut) throws IOException {
        long start = 0;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null && !ignoreRange && range.startsWith("bytes=") && range.endsWith("-")) {
            start = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
        }
        int status = 200;
        if (start > 0) {
            status = 206;
            exchange.getResponseHeaders().set("Content-Range",
                    "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        long length = content.length - start;
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        OutputStream body = exchange.getResponseBody();
        if (mayCut && cutAfterBytes >= 0 && cutsLeft.getAndDecrement() > 0) {
            body.write(content, (int) start, (int) Math.min(cutAfterBytes, length));
            body.flush();
            exchange.close(); // fewer bytes than announced: the server drops the connection
            return;
        }
        body.write(content, (int) start, (int) length);
    }

    private void record(HttpExchange exchange, String server) {
        requests.add(new Request(server, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Range")));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            exchange.getResponseBody().write(body);
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
