package org.tokenscope.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.tokenscope.net.RetryPolicy;

/**
 * JSON over HTTP to an OpenAI-compatible server: requests with the bearer key, retries of what the
 * server turns away for now, and every failure turned into one {@link RemoteException} sentence.
 * Every wait checks {@code cancel} at least every {@link #POLL} and ends with a
 * {@link CancellationException} when it says so.
 */
final class OpenAiHttp implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(20);
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // -Infinity from Python's json.dumps
            .build();
    private static final int MAX_MESSAGE = 300;

    /** Timeouts: to connect; for a whole answer (a stream: until its headers); of silence within a stream. */
    record Timeouts(Duration connect, Duration request, Duration streamIdle) {
        static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(300), Duration.ofSeconds(120));
        }
    }

    private final RemoteSpec spec;
    private final ApiKey key;
    private final Timeouts timeouts;
    private final RetryPolicy retry;
    private final HttpClient http;
    private String model;        // for messages, once known
    private Integer maxModelLen; // for messages, once known

    OpenAiHttp(RemoteSpec spec, ApiKey key, Timeouts timeouts, RetryPolicy retry) {
        this.spec = spec;
        this.key = key;
        this.timeouts = timeouts;
        this.retry = retry;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeouts.connect()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.model = spec.model();
    }

    void describe(String model, Integer maxModelLen) {
        this.model = model;
        this.maxModelLen = maxModelLen;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    String server() {
        return spec.server();
    }

    JsonNode get(String path, BooleanSupplier cancel) throws IOException {
        return json(path, send(path, request(path).GET(), cancel));
    }

    JsonNode post(String path, ObjectNode body, BooleanSupplier cancel) throws IOException {
        return json(path, send(path, request(path).POST(body(body)), cancel));
    }

    /** Opens a server-sent-event stream; its events are read with {@link EventStream#next()}. */
    EventStream stream(String path, ObjectNode body, BooleanSupplier cancel) throws IOException {
        HttpRequest.Builder builder = request(path).header("Accept", "text/event-stream").POST(body(body));
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> response = await(http.sendAsync(builder.build(),
                    HttpResponse.BodyHandlers.ofInputStream()), path, cancel);
            if (response.statusCode() / 100 == 2) {
                return new EventStream(response.body(), timeouts.streamIdle(), cancel, this);
            }
            String text;
            try (InputStream in = response.body()) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            if (!retryable(response.statusCode()) || attempt >= retry.maxAttempts()) {
                throw error(path, response.statusCode(), text, attempt);
            }
            sleep(retry.delayAfter(attempt, retryAfter(response)), cancel);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(spec.resolve(path)).timeout(timeouts.request())
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("User-Agent", "tokenscope/0.1");
        if (key != null) b.header("Authorization", key.bearer());
        return b;
    }

    private static HttpRequest.BodyPublisher body(ObjectNode body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String send(String path, HttpRequest.Builder builder, BooleanSupplier cancel) throws IOException {
        HttpRequest request = builder.build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = await(http.sendAsync(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)), path, cancel);
            if (response.statusCode() / 100 == 2) return response.body();
            if (!retryable(response.statusCode()) || attempt >= retry.maxAttempts()) {
                throw error(path, response.statusCode(), response.body(), attempt);
            }
            sleep(retry.delayAfter(attempt, retryAfter(response)), cancel);
        }
    }

    /** Waits for the exchange, checking {@code cancel} and the overall deadline (headers and body). */
    private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> future, String path, BooleanSupplier cancel)
            throws IOException {
        long deadline = System.nanoTime() + timeouts.request().toNanos();
        while (true) {
            if (cancel.getAsBoolean()) {
                future.cancel(true); // aborts the exchange
                throw new CancellationException("Cancelled.");
            }
            try {
                return future.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    future.cancel(true);
                    throw timeout(path);
                }
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted.");
            } catch (ExecutionException e) {
                throw failure(path, e.getCause());
            }
        }
    }

    private RemoteException failure(String path, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new RemoteException(RemoteException.Kind.TIMEOUT, "Could not connect to the server at " + server()
                    + " within " + seconds(timeouts.connect()) + ".", cause);
        }
        if (cause instanceof HttpTimeoutException) return timeout(path);
        if (cause instanceof ConnectException) {
            return new RemoteException(RemoteException.Kind.UNREACHABLE, "Cannot reach the server at " + server()
                    + " (connection refused): is it running, and is the address right?", cause);
        }
        String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : redact(cause.getMessage());
        return new RemoteException(RemoteException.Kind.UNREACHABLE, "The connection to the server at " + server()
                + " failed (" + what + ").", cause);
    }

    private RemoteException timeout(String path) {
        return new RemoteException(RemoteException.Kind.TIMEOUT, "The server at " + server() + " did not answer /"
                + path + " within " + seconds(timeouts.request()) + ".", null);
    }

    private JsonNode json(String path, String body) throws RemoteException {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new RemoteException(RemoteException.Kind.PROTOCOL, 0, "The server at " + server() + " answered /"
                    + path + " with something that is not JSON.");
        }
    }

    private static boolean retryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.strip()) * 1000));
            } catch (NumberFormatException e) {
                return null; // an HTTP date: use the backoff
            }
        }).orElse(null);
    }

    static void sleep(Duration delay, BooleanSupplier cancel) {
        long end = System.nanoTime() + delay.toNanos();
        while (System.nanoTime() < end) {
            if (cancel.getAsBoolean()) throw new CancellationException("Cancelled.");
            try {
                Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted.");
            }
        }
    }

    /** One sentence for an HTTP error answer. */
    RemoteException error(String path, int status, String body, int attempts) {
        String message = serverMessage(body);
        String detail = message.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + message;
        String lower = message.toLowerCase(Locale.ROOT);
        String named = model == null ? "the model" : "model " + model;
        return switch (status) {
            case 401, 403 -> new RemoteException(RemoteException.Kind.UNAUTHORIZED, status, key == null
                    ? "The server at " + server() + " needs an API key (" + detail
                      + "): put it in an environment variable and name that variable (--api-key-env)."
                    : "The server at " + server() + " refused the API key (" + detail + ").");
            case 404 -> path.equals("models")
                    ? new RemoteException(RemoteException.Kind.NOT_FOUND, status, "The server at " + server()
                      + " has no " + spec.baseUri().getPath() + "/models (" + detail
                      + "): check that the address ends with the API's base path, such as /v1.")
                    : lower.contains("model")
                    ? new RemoteException(RemoteException.Kind.NOT_FOUND, status, "The server at " + server()
                      + " cannot run " + named + " here (" + detail + ").")
                    : new RemoteException(RemoteException.Kind.NOT_FOUND, status, "The server at " + server()
                      + " has no endpoint " + spec.baseUri().getPath() + "/" + path + " (" + detail + ").");
            case 429 -> new RemoteException(RemoteException.Kind.RATE_LIMITED, status, "The server at " + server()
                    + " is still limiting the request rate after " + attempts + (attempts == 1 ? " try" : " tries")
                    + " (" + detail + "); wait a little and try again.");
            default -> {
                if (status >= 500) {
                    yield new RemoteException(RemoteException.Kind.SERVER_ERROR, status, "The server at " + server()
                            + " failed (" + detail + ").");
                }
                if (contextExceeded(lower)) {
                    yield new RemoteException(RemoteException.Kind.CONTEXT_EXCEEDED, status, "The text is too long for "
                            + named + (maxModelLen == null ? "" : ", whose context is " + maxModelLen + " tokens")
                            + " (" + detail + "); use a shorter text.");
                }
                yield new RemoteException(RemoteException.Kind.BAD_REQUEST, status, "The server at " + server()
                        + " refused the request (" + detail + ").");
            }
        };
    }

    private static boolean contextExceeded(String lower) {
        return lower.contains("context length") || lower.contains("maximum context") || lower.contains("max_model_len")
                || lower.contains("context window") || lower.contains("maximum model length")
                || lower.contains("longer than the model") || lower.contains("exceeds the available context")
                || (lower.contains("too long") && lower.contains("token"));
    }

    /** The server's own words, from {@code {"error": {"message"}}}, {@code {"error": "..."}}, {@code message} or {@code detail}. */
    String serverMessage(String body) {
        if (body == null || body.isBlank()) return "";
        String message = body;
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root.path("error");
            if (error.isObject() && error.path("message").isTextual()) message = error.get("message").asText();
            else if (error.isTextual()) message = error.asText();
            else if (root.path("message").isTextual()) message = root.get("message").asText();
            else if (root.path("detail").isTextual()) message = root.get("detail").asText();
            else if (root.path("detail").isArray() && root.get("detail").size() > 0) {
                message = root.get("detail").get(0).path("msg").asText(body);
            }
        } catch (JsonProcessingException e) {
            // plain text
        }
        message = redact(message).replaceAll("\\s+", " ").strip();
        if (message.endsWith(".")) message = message.substring(0, message.length() - 1);
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    }

    String redact(String text) {
        return key == null ? text : key.redact(text);
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    URI uri(String path) {
        return spec.resolve(path);
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
