package org.tokenscope.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP server on 127.0.0.1 for tests: routes ({@code "POST /v1/completions"}) to handlers, and a log
 * of every request it received (path, Authorization header, JSON body).
 */
public final class FakeServer implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** A request as the server saw it. */
    public record Request(String method, String path, String authorization, JsonNode body) {
    }

    /** Answers one exchange. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request, HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeServer on(String methodAndPath, Handler handler) {
        routes.put(methodAndPath, handler);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests to {@code path}, in order. */
    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            Request request = new Request(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body);
            requests.add(request);
            Handler handler = routes.get(method + " " + path);
            if (handler == null) {
                json(exchange, 404, "{\"detail\":\"Not Found\"}");
                return;
            }
            handler.handle(request, exchange);
        } catch (IOException e) {
            // the client went away (a cancelled stream): nothing to answer
        }
    }

    public static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    public static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        json(exchange, status, JSON.writeValueAsString(body));
    }

    /** Starts a server-sent-event stream; write events with {@link #event}. */
    public static OutputStream startEvents(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().flush(); // the headers now, as a streaming server sends them
        return exchange.getResponseBody();
    }

    public static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
