package org.tokenscope.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Servers that speak only the legacy completions API.
 * <ul>
 *   <li>{@link #echoing()}: as llama-cpp-python's server ({@code llama_cpp/llama.py}
 *       {@code _create_completion}): unknown fields such as {@code prompt_logprobs} are ignored; with
 *       {@code echo} the prompt's tokens come back decoded one by one with {@code errors="ignore"} (a token
 *       that is only part of a character becomes {@code ""}), {@code text_offset} sums the Python lengths
 *       of those strings, {@code top_logprobs} maps token text to log-probability and includes the token.
 *       This one also refuses {@code max_tokens: 0}, as some servers do, so the client must ask for one
 *       token and drop it.</li>
 *   <li>{@link #generationOnly()}: as llama.cpp's {@code llama-server}, which ignores {@code echo} and
 *       {@code prompt_logprobs} and answers with the generated token only.</li>
 * </ul>
 * Its tokens are GPT-2-like: a leading space stays on the word; emoji are two byte tokens.
 */
public final class FakeLegacy implements AutoCloseable {

    public static final String MODEL = "models/llama-2-7b.Q4_K_M.gguf";

    private final FakeServer server;
    private final boolean echo;

    private FakeLegacy(boolean echo) throws IOException {
        this.echo = echo;
        server = new FakeServer();
        server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, """
                {"object":"list","data":[{"id":"%s","object":"model","owned_by":"me","permissions":[]}]}
                """.formatted(MODEL)));
        server.on("POST /v1/completions", this::completions);
    }

    public static FakeLegacy echoing() throws IOException {
        return new FakeLegacy(true);
    }

    public static FakeLegacy generationOnly() throws IOException {
        return new FakeLegacy(false);
    }

    public String spec() {
        return server.base(); // one model: no #name needed
    }

    public FakeServer server() {
        return server;
    }

    /** The fake's tokens: {@code [" word"]} pieces, an emoji as two byte tokens ({@code text} null). */
    public record Piece(String covers, String text) {
    }

    public static List<Piece> tokenize(String prompt) {
        List<Piece> out = new ArrayList<>();
        int i = 0;
        while (i < prompt.length()) {
            int start = i;
            if (prompt.charAt(i) == ' ' && i + 1 < prompt.length()) i++; // the space goes with what follows
            if (Character.charCount(prompt.codePointAt(i)) == 2) {
                i += 2; // two byte tokens; decoded with errors="ignore" only the space is left
                out.add(new Piece(prompt.substring(start, i), prompt.substring(start, i - 2)));
                out.add(new Piece("", ""));
                continue;
            }
            if (Character.isLetterOrDigit(prompt.charAt(i))) {
                while (i < prompt.length() && Character.isLetterOrDigit(prompt.charAt(i))) i++;
            } else {
                i++;
            }
            out.add(new Piece(prompt.substring(start, i), prompt.substring(start, i)));
        }
        return out;
    }

    /** The log-probability the fake gives the token at {@code position} (from 1). */
    public static double logprob(int position) {
        return -1.0 - 0.25 * (position % 5);
    }

    private void completions(FakeServer.Request request, HttpExchange exchange) throws IOException {
        JsonNode body = request.body();
        String prompt = body.path("prompt").asText();
        if (body.path("stream").asBoolean()) {
            OutputStream out = FakeServer.startEvents(exchange);
            String[] pieces = {" Paris", ".", " It"};
            for (int i = 0; i < pieces.length; i++) {
                ObjectNode chunk = FakeServer.JSON.createObjectNode();
                chunk.put("id", "cmpl-legacy");
                chunk.put("object", "text_completion");
                chunk.put("created", 1718000300);
                chunk.put("model", MODEL);
                ObjectNode choice = chunk.putArray("choices").addObject();
                choice.put("text", pieces[i]);
                choice.put("index", 0);
                choice.putNull("logprobs");
                if (i == pieces.length - 1) choice.put("finish_reason", "length");
                else choice.putNull("finish_reason");
                FakeServer.event(out, FakeServer.JSON.writeValueAsString(chunk));
            }
            FakeServer.event(out, "[DONE]");
            return;
        }
        boolean wantsEcho = echo && body.path("echo").asBoolean();
        int maxTokens = body.path("max_tokens").asInt(16);
        if (wantsEcho && maxTokens < 1) {
            FakeServer.json(exchange, 400, """
                    {"error":{"message":"max_tokens must be at least 1, got 0.","type":"invalid_request_error","param":"max_tokens","code":null}}
                    """);
            return;
        }
        ObjectNode root = FakeServer.JSON.createObjectNode();
        root.put("id", "cmpl-3c8d");
        root.put("object", "text_completion");
        root.put("created", 1718000300);
        root.put("model", MODEL);
        ObjectNode choice = root.putArray("choices").addObject();
        List<Piece> pieces = tokenize(prompt);
        if (wantsEcho) {
            choice.put("text", prompt + " the");
            choice.put("index", 0);
            int k = body.path("logprobs").asInt(0);
            ObjectNode lp = choice.putObject("logprobs");
            ArrayNode offsets = lp.putArray("text_offset");
            ArrayNode logprobs = lp.putArray("token_logprobs");
            ArrayNode tokens = lp.putArray("tokens");
            ArrayNode tops = lp.putArray("top_logprobs");
            List<Piece> all = new ArrayList<>(pieces);
            all.add(new Piece(" the", " the"));
            int offset = 0;
            for (int i = 0; i < all.size(); i++) {
                Piece p = all.get(i);
                offsets.add(offset);
                offset += p.text().codePointCount(0, p.text().length());
                tokens.add(p.text());
                if (i == 0) {
                    logprobs.addNull();
                    tops.addNull();
                    continue;
                }
                logprobs.add(logprob(i));
                ObjectNode top = tops.addObject();
                // the token is the most likely on even positions, else third behind two others
                if (i % 2 == 0) top.put(p.text(), logprob(i));
                for (int r = 1; r <= k; r++) top.put("alt" + r, logprob(i) + (i % 2 == 0 ? -r : (r <= 2 ? 0.5 / r : -r)));
                if (i % 2 == 1) top.put(p.text(), logprob(i));
            }
        } else {
            choice.put("text", " the");
            choice.put("index", 0);
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", "length");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", pieces.size() + 1);
        usage.put("completion_tokens", 1);
        usage.put("total_tokens", pieces.size() + 2);
        FakeServer.json(exchange, 200, root);
    }

    @Override
    public void close() {
        server.close();
    }
}
