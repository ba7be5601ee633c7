package org.tokenscope.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The events of a server-sent-event stream ({@code data: {...}} lines, a blank line after each event,
 * {@code data: [DONE]} at the end), read on the calling thread. A watchdog closes the stream as soon as
 * {@code cancel} says so or the server has been silent for {@code idle}, so a reader blocked on a stalled
 * server is freed too.
 */
final class EventStream implements AutoCloseable {

    private final InputStream in;
    private final BufferedReader reader;
    private final Duration idle;
    private final BooleanSupplier cancel;
    private final OpenAiHttp http;
    private final Thread watchdog;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean cancelled;
    private volatile boolean timedOut;
    private volatile boolean closed;
    private boolean done;

    EventStream(InputStream in, Duration idle, BooleanSupplier cancel, OpenAiHttp http) {
        this.in = in;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.idle = idle;
        this.cancel = cancel;
        this.http = http;
        this.watchdog = Thread.ofVirtual().name("tokenscope-stream-watchdog").start(this::watch);
    }

    private void watch() {
        while (!closed) {
            if (cancel.getAsBoolean()) {
                cancelled = true;
                closeQuietly();
                return;
            }
            if (System.nanoTime() - lastActivity > idle.toNanos()) {
                timedOut = true;
                closeQuietly();
                return;
            }
            try {
                Thread.sleep(OpenAiHttp.POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether the caller's cancel closed the stream. */
    boolean cancelled() {
        return cancelled || (!done && cancel.getAsBoolean());
    }

    /** Whether the stream ended with {@code [DONE]}. */
    boolean done() {
        return done;
    }

    /**
     * The next event's JSON, or null when the stream ended ({@link #done()}), was cancelled
     * ({@link #cancelled()}) or was cut (neither: the caller decides whether that is an error).
     *
     * @throws RemoteException when the server went silent for longer than the idle timeout, sent an
     *                         error event, or sent something that is not JSON
     */
    JsonNode next() throws RemoteException {
        if (cancel.getAsBoolean()) {
            cancelled = true;
            close();
            return null;
        }
        StringBuilder data = new StringBuilder();
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                lastActivity = System.nanoTime();
                if (line.isEmpty()) {
                    if (data.isEmpty()) continue;
                    JsonNode event = event(data.toString());
                    if (event != null || done) return event;
                    data.setLength(0);
                    continue;
                }
                if (line.startsWith(":")) continue; // comment (keep-alive)
                if (line.startsWith("data:")) {
                    if (!data.isEmpty()) data.append('\n');
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
                // "event:", "id:", "retry:" lines carry nothing we use
            }
        } catch (IOException e) {
            if (!cancelled && !timedOut && !closed) {
                throw new RemoteException(RemoteException.Kind.PROTOCOL, "The stream from the server at "
                        + http.server() + " broke (" + http.redact(String.valueOf(e.getMessage())) + ").", e);
            }
        }
        if (!data.isEmpty() && !cancelled && !timedOut) {
            JsonNode event = event(data.toString()); // last event without its blank line
            if (event != null) return event;
        }
        if (timedOut) {
            throw new RemoteException(RemoteException.Kind.TIMEOUT, "The server at " + http.server()
                    + " sent nothing for " + OpenAiHttp.seconds(idle) + "; the stream was closed.", null);
        }
        close();
        return null;
    }

    private JsonNode event(String data) throws RemoteException {
        if (data.strip().equals("[DONE]")) {
            done = true;
            close();
            return null;
        }
        JsonNode node;
        try {
            node = OpenAiHttp.JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw new RemoteException(RemoteException.Kind.PROTOCOL, 0, "The server at " + http.server()
                    + " sent a stream event that is not JSON.");
        }
        if (node.has("error") && !node.has("choices")) {
            close();
            int code = node.path("error").path("code").asInt(0);
            throw http.error("stream", code >= 400 ? code : 500, data, 1);
        }
        return node;
    }

    private void closeQuietly() {
        try {
            in.close();
        } catch (IOException e) {
            // closing to unblock the reader: nothing more to do
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        closeQuietly();
    }
}
