package org.tokenscope.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A vLLM server in miniature: {@code GET /v1/models} and {@code POST /v1/completions} answered in the
 * shapes of vLLM's {@code vllm/entrypoints/openai/protocol.py} and {@code serving_completion.py}
 * ({@code prompt_logprobs}, {@code prompt_token_ids}, echo, streamed completions with logprobs), over a
 * toy tokenizer that behaves like Llama's where it matters to tokenscope:
 * <ul>
 *   <li>a start token {@code <s>} (id 1) before the prompt, unless {@code add_special_tokens} is false;</li>
 *   <li>whitespace goes with the word after it, and a token decoded on its own loses one leading space
 *       ({@code ▁world} → {@code world}), as a SentencePiece tokenizer's {@code decode} does;</li>
 *   <li>words are cut into pieces of at most four characters (so the tokens are not GPT-2's);</li>
 *   <li>a character outside the BMP (an emoji) is two byte-fallback tokens that decode to U+FFFD.</li>
 * </ul>
 * Scores are a fixed function of the position and the token, so tests can recompute them:
 * {@link #rank(int, String)} and {@link #logprob(int, int)}; with {@link #contextual} on, of the position
 * and every id up to the token ({@link #rankAfter}), so that removing a token changes the scores after it.
 * The prompt may also be token ids, or a batch of them ({@code [[ids], [ids]]}: one choice per prompt, with
 * its {@code index}), fed as they are (no start token added), as vLLM takes them; an id the fake never
 * made is refused as outside the vocabulary.
 */
public final class FakeVllm implements AutoCloseable {

    public static final String MODEL = "meta-llama/Llama-3.1-70B";
    public static final int MAX_MODEL_LEN = 2048;

    /** One token of the toy tokenizer: its id, what it covers in the text, and vLLM's {@code decoded_token}. */
    public record Piece(int id, String covers, String decoded) {
    }

    private final FakeServer server;
    /** Continuation the fake generates, one token per event. */
    private final List<String> continuation = List.of(" over", " the", " lazy", " dog", ".", " It", " ran", " far",
            " away", " and", " hid", ".");
    public volatile long eventDelayMillis = 0;
    /** The context the fake claims and enforces (tests of long texts make it small). */
    public volatile int maxModelLen = MAX_MODEL_LEN;
    public volatile int cutAfterEvents = -1;
    /** Scores that depend on the whole prefix, not only the position and the token ({@link #rankAfter}). */
    public volatile boolean contextual = false;
    /** Every piece the toy tokenizer made or offered as an alternative, by id: what token-id prompts decode to. */
    private static final Map<Integer, Piece> KNOWN = new ConcurrentHashMap<>();

    static {
        KNOWN.put(1, new Piece(1, "", "<s>"));
        for (int r = 1; r <= 20; r++) {
            KNOWN.put(20000 + r, new Piece(20000 + r, "alt" + r, "alt" + r));
        }
    }

    public FakeVllm() throws IOException {
        server = new FakeServer();
        server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, models(maxModelLen)));
        server.on("POST /v1/completions", this::completions);
    }

    public String base() {
        return server.base();
    }

    /** {@code http://127.0.0.1:PORT/v1#MODEL}. */
    public String spec() {
        return base() + "#" + MODEL;
    }

    public FakeServer server() {
        return server;
    }

    static String models() {
        return models(MAX_MODEL_LEN);
    }

    static String models(int maxModelLen) {
        return """
                {"object":"list","data":[{"id":"%s","object":"model","created":1718000000,"owned_by":"vllm",
                 "root":"%s","parent":null,"max_model_len":%d,
                 "permission":[{"id":"modelperm-5e1c","object":"model_permission","created":1718000000,
                   "allow_create_engine":false,"allow_sampling":true,"allow_logprobs":true,
                   "allow_search_indices":false,"allow_view":true,"allow_fine_tuning":false,
                   "organization":"*","group":null,"is_blocking":false}]}]}
                """.formatted(MODEL, MODEL, maxModelLen);
    }

    /** The toy tokenization of {@code text}, start token first when {@code bos}. */
    public static List<Piece> tokenize(String text, boolean bos) {
        List<Piece> out = new ArrayList<>();
        if (bos) out.add(new Piece(1, "", "<s>"));
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
            if (i == text.length()) {
                out.add(piece(text.substring(start, i)));
                break;
            }
            int cp = text.codePointAt(i);
            if (Character.charCount(cp) == 2) { // two byte-fallback tokens
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                i += 2;
                out.add(known(new Piece(3 + (b[0] & 0xff), text.substring(start, i), "\uFFFD")));
                out.add(known(new Piece(3 + (b[2] & 0xff), "", "\uFFFD")));
                continue;
            }
            int taken = 0;
            while (i < text.length() && taken < 4 && !Character.isWhitespace(text.charAt(i))
                    && Character.charCount(text.codePointAt(i)) == 1) {
                i++;
                taken++;
            }
            out.add(piece(text.substring(start, i)));
        }
        return out;
    }

    private static Piece piece(String covers) {
        String decoded = covers.startsWith(" ") ? covers.substring(1) : covers;
        return known(new Piece(id(covers), covers, decoded));
    }

    private static Piece known(Piece p) {
        KNOWN.putIfAbsent(p.id(), p);
        return p;
    }

    /** The rank, with {@link #contextual} on, of the last of {@code ids} after the ones before it. */
    public static int rankAfter(int[] ids) {
        return 1 + Math.floorMod(Arrays.hashCode(ids), 9);
    }

    /** The log-probability the fake gives the last of {@code ids} with {@link #contextual} on (index = its position). */
    public static double logprobAfter(int[] ids) {
        return logprob(ids.length - 1, rankAfter(ids));
    }

    public static int id(String s) {
        return 300 + Math.floorMod(s.hashCode(), 30000);
    }

    /** The rank the fake gives the token at {@code position} (from 1, the first one being unscored). */
    public static int rank(int position, String covers) {
        return 1 + Math.floorMod(covers.hashCode() * 31 + position, 9);
    }

    /** The log-probability of rank {@code rank} at {@code position}. */
    public static double logprob(int position, int rank) {
        return -0.5 * rank - 0.01 * position;
    }

    private void completions(FakeServer.Request request, HttpExchange exchange) throws IOException {
        JsonNode body = request.body();
        if (!MODEL.equals(body.path("model").asText())) {
            FakeServer.json(exchange, 404, """
                    {"error":{"message":"The model `%s` does not exist.","type":"NotFoundError","param":"model","code":404}}
                    """.formatted(body.path("model").asText()));
            return;
        }
        if (body.path("stream").asBoolean()) {
            stream(body, exchange);
            return;
        }
        if (body.path("prompt").isArray()) {
            idPrompts(body, exchange);
            return;
        }
        String prompt = body.path("prompt").asText();
        boolean bos = body.path("add_special_tokens").asBoolean(true);
        List<Piece> pieces = tokenize(prompt, bos);
        int max = maxModelLen;
        if (pieces.size() + body.path("max_tokens").asInt(16) > max) {
            FakeServer.json(exchange, 400, """
                    {"error":{"message":"This model's maximum context length is %d tokens. However, you requested %d tokens (%d in the messages, %d in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}}
                    """.formatted(max, pieces.size() + 1, pieces.size(), 1));
            return;
        }
        int k = body.path("prompt_logprobs").asInt(body.path("logprobs").asInt(0));
        ObjectNode choice = FakeServer.JSON.createObjectNode();
        choice.put("index", 0);
        boolean echo = body.path("echo").asBoolean();
        int maxTokens = body.path("max_tokens").asInt(16);
        String generated = maxTokens == 0 ? "" : " over";
        choice.put("text", echo ? prompt + generated : generated);
        if (echo && body.has("logprobs")) {
            choice.set("logprobs", echoLogprobs(pieces, body.path("logprobs").asInt(), generated));
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", "length");
        choice.putNull("stop_reason");
        if (body.has("prompt_logprobs")) {
            choice.set("prompt_logprobs", promptLogprobs(pieces, k, contextual));
        }
        if (body.path("return_token_ids").asBoolean()) {
            ArrayNode ids = choice.putArray("prompt_token_ids");
            pieces.forEach(p -> ids.add(p.id()));
            choice.putArray("token_ids").add(id(generated));
        }
        ObjectNode root = FakeServer.JSON.createObjectNode();
        root.put("id", "cmpl-9f1e2d");
        root.put("object", "text_completion");
        root.put("created", 1718000100);
        root.put("model", MODEL);
        root.putArray("choices").add(choice);
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", pieces.size());
        usage.put("total_tokens", pieces.size() + (generated.isEmpty() ? 0 : 1));
        usage.put("completion_tokens", generated.isEmpty() ? 0 : 1);
        usage.putNull("prompt_tokens_details");
        FakeServer.json(exchange, 200, root);
    }

    /** vLLM (newer): the prompt token first with its true rank, then the top k; k entries when it is among them. */
    static ArrayNode promptLogprobs(List<Piece> pieces, int k, boolean contextual) {
        ArrayNode out = FakeServer.JSON.createArrayNode();
        out.addNull();
        int[] ids = pieces.stream().mapToInt(Piece::id).toArray();
        for (int i = 1; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            int rank = contextual ? rankAfter(Arrays.copyOf(ids, i + 1)) : rank(i, p.covers());
            ObjectNode entry = out.addObject();
            logprob(entry, String.valueOf(p.id()), logprob(i, rank), rank, p.decoded());
            for (int r = 1; r <= k; r++) {
                if (r == rank) continue; // already there
                logprob(entry, String.valueOf(20000 + r), logprob(i, r), r, "alt" + r);
            }
        }
        return out;
    }

    /** Token-id prompts, one or a batch: each scored as it is, one choice per prompt. */
    private void idPrompts(JsonNode body, HttpExchange exchange) throws IOException {
        JsonNode prompt = body.get("prompt");
        List<JsonNode> prompts = new ArrayList<>();
        if (prompt.size() > 0 && prompt.get(0).isArray()) {
            prompt.forEach(prompts::add);
        } else {
            prompts.add(prompt);
        }
        int k = body.path("prompt_logprobs").asInt(0);
        ObjectNode root = FakeServer.JSON.createObjectNode();
        root.put("id", "cmpl-ids");
        root.put("object", "text_completion");
        root.put("model", MODEL);
        ArrayNode choices = root.putArray("choices");
        for (int c = 0; c < prompts.size(); c++) {
            List<Piece> pieces = new ArrayList<>();
            for (JsonNode id : prompts.get(c)) {
                Piece p = KNOWN.get(id.asInt());
                if (p == null) {
                    FakeServer.json(exchange, 400, """
                            {"error":{"message":"Token id %d is out of vocabulary","type":"BadRequestError","param":null,"code":400}}
                            """.formatted(id.asInt()));
                    return;
                }
                pieces.add(p);
            }
            if (pieces.size() + body.path("max_tokens").asInt(16) > maxModelLen) {
                FakeServer.json(exchange, 400, """
                        {"error":{"message":"This model's maximum context length is %d tokens. However, you requested %d tokens (%d in the messages, %d in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}}
                        """.formatted(maxModelLen, pieces.size() + 1, pieces.size(), 1));
                return;
            }
            ObjectNode choice = choices.addObject();
            choice.put("index", c);
            choice.put("text", " over");
            choice.putNull("logprobs");
            choice.put("finish_reason", "length");
            if (body.has("prompt_logprobs")) {
                choice.set("prompt_logprobs", promptLogprobs(pieces, k, contextual));
            }
        }
        FakeServer.json(exchange, 200, root);
    }

    private static void logprob(ObjectNode entry, String key, double logprob, int rank, String decoded) {
        ObjectNode lp = entry.putObject(key);
        lp.put("logprob", logprob);
        lp.put("rank", rank);
        lp.put("decoded_token", decoded);
    }

    /** vLLM's echo: {@code tokens} decoded one by one, offsets summing their lengths (so {@code <s>} shifts them). */
    private static ObjectNode echoLogprobs(List<Piece> pieces, int k, String generated) {
        ObjectNode lp = FakeServer.JSON.createObjectNode();
        ArrayNode offsets = lp.putArray("text_offset");
        ArrayNode logprobs = lp.putArray("token_logprobs");
        ArrayNode tokens = lp.putArray("tokens");
        ArrayNode tops = lp.putArray("top_logprobs");
        int offset = 0;
        List<Piece> all = new ArrayList<>(pieces);
        if (!generated.isEmpty()) all.add(piece(generated));
        for (int i = 0; i < all.size(); i++) {
            Piece p = all.get(i);
            offsets.add(offset);
            offset += p.decoded().codePointCount(0, p.decoded().length());
            tokens.add(p.decoded());
            if (i == 0) {
                logprobs.addNull();
                tops.addNull();
                continue;
            }
            int rank = rank(i, p.covers());
            logprobs.add(logprob(i, rank));
            ObjectNode top = tops.addObject();
            top.put(p.decoded(), logprob(i, rank));
            for (int r = 1; r <= k; r++) {
                if (r != rank) top.put("alt" + r, logprob(i, r));
            }
        }
        return lp;
    }

    private void stream(JsonNode body, HttpExchange exchange) throws IOException {
        int max = body.path("max_tokens").asInt(16);
        int k = body.path("logprobs").asInt(0);
        boolean ids = body.path("return_token_ids").asBoolean();
        OutputStream out = FakeServer.startEvents(exchange);
        int offset = body.path("prompt").asText().length();
        for (int i = 0; i < max; i++) {
            if (cutAfterEvents >= 0 && i >= cutAfterEvents) return; // the connection drops
            sleep();
            String piece = continuation.get(i % continuation.size());
            boolean last = i == max - 1;
            ObjectNode chunk = FakeServer.JSON.createObjectNode();
            chunk.put("id", "cmpl-stream-1");
            chunk.put("object", "text_completion");
            chunk.put("created", 1718000200);
            chunk.put("model", MODEL);
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            choice.put("text", piece);
            ObjectNode lp = choice.putObject("logprobs");
            lp.putArray("text_offset").add(offset);
            offset += piece.length();
            int rank = 1 + (i % 3);
            lp.putArray("token_logprobs").add(logprob(i + 1, rank));
            lp.putArray("tokens").add(piece);
            ObjectNode top = lp.putArray("top_logprobs").addObject();
            top.put(piece, logprob(i + 1, rank));
            for (int r = 1; r <= k; r++) {
                if (r != rank) top.put("alt" + r, logprob(i + 1, r));
            }
            if (last) choice.put("finish_reason", "length");
            else choice.putNull("finish_reason");
            choice.putNull("stop_reason");
            if (i == 0 && ids) {
                ArrayNode p = choice.putArray("prompt_token_ids");
                tokenize(body.path("prompt").asText(), true).forEach(x -> p.add(x.id()));
            }
            if (ids) choice.putArray("token_ids").add(id(piece));
            FakeServer.event(out, FakeServer.JSON.writeValueAsString(chunk));
        }
        FakeServer.event(out, "[DONE]");
    }

    private void sleep() {
        if (eventDelayMillis <= 0) return;
        try {
            Thread.sleep(eventDelayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
