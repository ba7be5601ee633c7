package org.tokenscope.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Windows;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Greedy;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.Capabilities;
import org.tokenscope.backend.ScoredPass;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.backend.ScoreProgress;
import org.tokenscope.net.RetryPolicy;

/**
 * A model on an OpenAI-compatible inference server (vLLM, llama-cpp-python, a hosted API) as a
 * {@link Backend}: the same scores and generation steps as the local GPT-2, computed by the server.
 *
 * <h2>Scoring</h2>
 * The first {@link #score} finds out how the server scores a prompt and remembers it
 * ({@link #scoringMode()}):
 * <ol>
 *   <li>vLLM's {@code prompt_logprobs} on {@code /v1/completions} ({@code max_tokens: 1}); on vLLM also
 *       {@code return_token_ids} (the prompt's ids) and {@code echo} with {@code logprobs: 1} (the first
 *       token's text, which {@code prompt_logprobs} leaves out);</li>
 *   <li>if the answer has no {@code prompt_logprobs} (a server that ignores what it does not know) or the
 *       server refuses the parameter: the legacy {@code echo: true, logprobs: k, max_tokens: 0} (then
 *       {@code max_tokens: 1}, dropping the generated token, for servers that refuse 0). The echo must
 *       really contain the prompt: llama.cpp's {@code llama-server} ignores {@code echo} and sends only the
 *       generated token's log-probability;</li>
 *   <li>neither: {@link RemoteException.Kind#UNSUPPORTED}, every time, with a sentence saying that only
 *       generation works.</li>
 * </ol>
 * Token spans come from the server's token strings ({@link TokenSpans}); ids, ranks and alternatives as
 * {@link PromptScores} describes; the entropy is always null (top-k does not determine it). The start
 * token the server adds (Llama's {@code <s>}) takes no characters: it is dropped, and the scored text's
 * {@code bos} says whether the first text token was scored after it. With {@code bos} off, vLLM is asked
 * to add no start token; on other servers the first token's score is withheld instead. The text goes in
 * one request; when the server says it is longer than the model's context, it is scored again in
 * overlapping windows of text, one request at a time (see {@link RemoteWindows}).
 *
 * <h2>Threads</h2>
 * Like every backend, one inference thread uses it; requests run one at a time. {@code cancel} is
 * polled every {@value #POLL_MS} ms while waiting, from the calling thread and (during a stream) a
 * watchdog thread, so it must be safe to call from any thread (read a volatile or an atomic).
 */
public final class RemoteBackend implements Backend {

    static final int POLL_MS = 20;
    /** The most alternatives asked of a server: vLLM refuses more than its --max-logprobs, 20 by default. */
    public static final int MAX_TOP_K = 20;
    /** Token-id prompts sent in one request ({@link #lastLogprobs}). */
    static final int BATCH = 32;
    /** The most prompt tokens in one such request. */
    static final int BATCH_TOKENS = 32_768;

    private final OpenAiHttp http;
    private final ServerInfo info;
    private final boolean chat;
    private ScoringMode mode; // null until the first score finds it
    private int echoMaxTokens; // 0, or 1 for servers that refuse max_tokens 0

    private RemoteBackend(OpenAiHttp http, ServerInfo info, boolean chat) {
        this.http = http;
        this.info = info;
        this.chat = chat;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the server said about itself when connecting. */
    public ServerInfo info() {
        return info;
    }

    /** How the server scores prompts, once a {@link #score} has found out; null before. */
    public ScoringMode scoringMode() {
        return mode;
    }

    /** The model's id on the server; layers and parameters are unknown (0); the context when the server says it, else 0. */
    @Override
    public ModelSummary summary() {
        return new ModelSummary(info.model(), 0, 0, info.maxModelLen() == null ? 0 : info.maxModelLen());
    }

    /** A server's top-k is bounded by its {@code --max-logprobs} (20 by default); no internals, beam search or entropy. */
    @Override
    public Capabilities capabilities() {
        return new Capabilities(MAX_TOP_K, false, false, false, "remote server");
    }

    /**
     * As every backend's, except that a text as long as the server's context leaves no position to
     * predict: then there are no tokens after it.
     */
    @Override
    public ScoredPass scoreWithNext(String text, ScoreOptions options, BooleanSupplier cancel,
                                    ScoreProgress progress) throws IOException {
        ScoredText scored = score(text, options, cancel, progress);
        try {
            GenerationResult one = generate(text, new GenerationSettings(1, new Greedy(), List.of(), options.topK())
                    .withBos(options.bos()), GenerationListener.NONE, cancel);
            return new ScoredPass(scored, one.best().steps().isEmpty() ? List.of() : one.best().steps().get(0).top());
        } catch (RemoteException e) {
            if (e.kind() != RemoteException.Kind.CONTEXT_EXCEEDED) throw e;
            return new ScoredPass(scored, List.of());
        }
    }

    @Override
    public ScoredText score(String text, ScoreOptions options, BooleanSupplier cancel, ScoreProgress progress)
            throws IOException {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to score.");
        }
        List<TokenScore> tokens;
        try {
            tokens = scoreOnce(text, options, cancel);
        } catch (RemoteException e) {
            if (e.kind() != RemoteException.Kind.CONTEXT_EXCEEDED) throw e;
            return RemoteWindows.score(text, options, e, info.maxModelLen(), summary(),
                    window -> scoreOnce(window, options, cancel), cancel, progress);
        }
        boolean bos = !tokens.isEmpty() && tokens.get(0).isScored();
        int n = tokens.size();
        int context = Math.max(2, Math.max(n + (bos ? 1 : 0), summary().context()));
        progress.windowsDone(1, 1);
        return ScoredText.of(text, bos, summary(), tokens, Windows.plan(n, bos, context));
    }

    /** The tokens of {@code text} scored in one request, spans in {@code text}'s characters. */
    private List<TokenScore> scoreOnce(String text, ScoreOptions options, BooleanSupplier cancel) throws IOException {
        if (mode == null || mode == ScoringMode.PROMPT_LOGPROBS) {
            PromptScores.Parsed parsed = promptLogprobs(text, options, cancel);
            if (parsed != null) {
                mode = ScoringMode.PROMPT_LOGPROBS;
                return tokens(text, options, parsed);
            }
        }
        if (mode == null || mode == ScoringMode.ECHO) {
            PromptScores.Parsed parsed = echo(text, options, cancel);
            if (parsed != null) {
                mode = ScoringMode.ECHO;
                return tokens(text, options, parsed);
            }
        }
        mode = ScoringMode.NONE;
        throw new RemoteException(RemoteException.Kind.UNSUPPORTED, 0, "The server at " + http.server()
                + " does not score prompts for model " + info.model() + ": it answers neither vLLM's prompt_logprobs"
                + " nor echo with logprobs, so only generation works with it.");
    }

    /** vLLM's form; null when the server ignores or refuses {@code prompt_logprobs}. */
    private PromptScores.Parsed promptLogprobs(String text, ScoreOptions options, BooleanSupplier cancel)
            throws IOException {
        ObjectNode body = completion(text, 1);
        body.put("prompt_logprobs", options.topK());
        if (info.vllm()) {
            body.put("return_token_ids", true);
            body.put("echo", true);
            body.put("logprobs", 1);
            if (!options.bos()) body.put("add_special_tokens", false);
        }
        JsonNode answer;
        try {
            answer = http.post("completions", body, cancel);
        } catch (RemoteException e) {
            if (mode == null && (refusesParameter(e) || isChatOnly(e))) return null;
            throw e;
        }
        JsonNode choice = answer.path("choices").path(0);
        return PromptScores.hasPromptLogprobs(choice) ? PromptScores.fromPromptLogprobs(text, choice, options.topK()) : null;
    }

    /** The legacy echo form; null when the server does not echo the prompt with log-probabilities. */
    private PromptScores.Parsed echo(String text, ScoreOptions options, BooleanSupplier cancel) throws IOException {
        for (int maxTokens = echoMaxTokens; maxTokens <= 1; maxTokens++) {
            ObjectNode body = completion(text, maxTokens);
            body.put("echo", true);
            body.put("logprobs", options.topK());
            JsonNode answer;
            try {
                answer = http.post("completions", body, cancel);
            } catch (RemoteException e) {
                if (maxTokens == 0 && refusesParameter(e)) continue; // a server that wants max_tokens >= 1
                if (mode != null || !(refusesParameter(e) || isChatOnly(e))) throw e;
                return null;
            }
            echoMaxTokens = maxTokens;
            JsonNode choice = answer.path("choices").path(0);
            if (!PromptScores.isEcho(text, choice)) return null;
            int generated = maxTokens == 0 ? 0 : Math.max(0, answer.path("usage").path("completion_tokens").asInt(1));
            if (maxTokens == 0 && choice.path("text").asText().length() > text.length()) {
                generated = Math.max(0, answer.path("usage").path("completion_tokens").asInt(0)); // generated anyway
            }
            return PromptScores.fromEcho(choice, options.topK(), generated);
        }
        return null;
    }

    private ObjectNode completion(String text, int maxTokens) {
        ObjectNode body = OpenAiHttp.JSON.createObjectNode();
        body.put("model", info.model());
        body.put("prompt", text);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        return body;
    }

    /**
     * A 400/422 about a parameter the server does not take (not about the text, which is
     * {@link RemoteException.Kind#CONTEXT_EXCEEDED}, nor about asking for more log-probabilities than the
     * server allows, which the user must hear of).
     */
    private static boolean refusesParameter(RemoteException e) {
        String m = e.getMessage().toLowerCase(Locale.ROOT);
        return e.kind() == RemoteException.Kind.BAD_REQUEST && !(m.contains("logprob") && m.contains("max"));
    }

    private static List<TokenScore> tokens(String text, ScoreOptions options, PromptScores.Parsed parsed) {
        List<PromptScores.Scored> scored = parsed.tokens();
        List<ServerToken> tokens = scored.stream().map(PromptScores.Scored::token).toList();
        TokenSpans.Spans spans = TokenSpans.align(text, tokens, parsed.offsets());
        int first = 0;
        while (first < scored.size() - 1 && spans.end()[first] == 0 && scored.get(first).logprob() == null) {
            first++; // the server's start token(s): no characters
        }
        List<TokenScore> out = new ArrayList<>();
        for (int i = first; i < scored.size(); i++) {
            PromptScores.Scored s = scored.get(i);
            int start = spans.start()[i];
            int end = spans.end()[i];
            String shown = end > start ? text.substring(start, end) : s.token().displayText();
            int index = i - first;
            boolean withheld = index == 0 && !options.bos();
            if (s.logprob() == null || withheld) {
                out.add(TokenScore.unscored(index, s.id(), shown, start, end, spans.partial()[i]));
            } else {
                out.add(new TokenScore(index, s.id(), shown, start, end, spans.partial()[i], s.logprob(),
                        Math.exp(s.logprob()), s.rank(), null, s.top()));
            }
        }
        return out;
    }

    /**
     * The text's ids as vLLM fed them when scoring it ({@code return_token_ids}), its start token first: one
     * {@code prompt_logprobs} request.
     *
     * @throws RemoteException ({@link RemoteException.Kind#UNSUPPORTED}) when the server does not send a
     *                         prompt's token ids
     */
    @Override
    public Fed feed(String text, BooleanSupplier cancel) throws IOException {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to explain.");
        }
        ScoreOptions options = new ScoreOptions(true, Math.min(5, MAX_TOP_K), 0);
        PromptScores.Parsed parsed = mode == null || mode == ScoringMode.PROMPT_LOGPROBS
                ? promptLogprobs(text, options, cancel) : null;
        if (parsed == null || parsed.tokens().stream().anyMatch(t -> t.id() < 0)) {
            throw noIds();
        }
        mode = ScoringMode.PROMPT_LOGPROBS;
        List<TokenScore> tokens = tokens(text, options, parsed);
        int lead = parsed.tokens().size() - tokens.size();
        int[] ids = parsed.tokens().stream().mapToInt(PromptScores.Scored::id).toArray();
        return new Fed(tokens, ids, lead);
    }

    /**
     * Each sequence's last token scored by the server: the sequences go as token-id prompts, {@value #BATCH}
     * to a request (and at most {@value #BATCH_TOKENS} tokens), which vLLM runs side by side; the answer's
     * {@code prompt_logprobs} holds each prompt token's log-probability. One request at a time; progress after
     * each.
     */
    @Override
    public List<Alternative> lastLogprobs(List<int[]> sequences, BooleanSupplier cancel, ScoreProgress progress)
            throws IOException {
        List<Alternative> out = new ArrayList<>(sequences.size());
        int from = 0;
        while (from < sequences.size()) {
            if (cancel.getAsBoolean()) throw new CancellationException("Cancelled.");
            int to = from;
            long tokens = 0;
            while (to < sequences.size() && to - from < BATCH
                    && (to == from || tokens + sequences.get(to).length <= BATCH_TOKENS)) {
                tokens += sequences.get(to).length;
                to++;
            }
            ObjectNode body = OpenAiHttp.JSON.createObjectNode();
            body.put("model", info.model());
            ArrayNode prompts = body.putArray("prompt");
            for (int i = from; i < to; i++) {
                ArrayNode ids = prompts.addArray();
                for (int id : sequences.get(i)) ids.add(id);
            }
            body.put("max_tokens", 1);
            body.put("temperature", 0);
            body.put("prompt_logprobs", 1);
            JsonNode answer;
            try {
                answer = http.post("completions", body, cancel);
            } catch (RemoteException e) {
                if (e.kind() != RemoteException.Kind.BAD_REQUEST) throw e;
                throw new RemoteException(e.kind(), e.status(), "Occlusion scores token-id prompts, and the server "
                        + "refused them: " + e.getMessage(), e); // a server without them, or an id outside the vocabulary
            }
            JsonNode[] byIndex = new JsonNode[to - from];
            for (JsonNode choice : answer.path("choices")) {
                int index = choice.path("index").asInt(-1);
                if (index >= 0 && index < byIndex.length) byIndex[index] = choice;
            }
            for (int i = from; i < to; i++) {
                int[] s = sequences.get(i);
                int last = s[s.length - 1];
                JsonNode choice = byIndex[i - from];
                JsonNode entries = choice == null ? null : choice.path("prompt_logprobs");
                JsonNode entry = entries == null || entries.size() != s.length ? null
                        : entries.get(s.length - 1).path(String.valueOf(last));
                if (entry == null || entry.isMissingNode()) throw noIds();
                JsonNode decoded = entry.path("decoded_token");
                out.add(new Alternative(last, decoded.isTextual() ? ServerToken.of(decoded.asText()).displayText()
                        : "#" + last, PromptScores.logprobOf(entry)));
            }
            progress.windowsDone(to, sequences.size());
            from = to;
        }
        return out;
    }

    private RemoteException noIds() {
        return new RemoteException(RemoteException.Kind.UNSUPPORTED, 0, "The server at " + http.server()
                + " does not score prompts given as token ids (vLLM's prompt_logprobs with token-id prompts), which "
                + "occlusion on a remote model needs.");
    }

    @Override
    public GenerationResult generate(String prompt, GenerationSettings settings, GenerationListener listener,
                                     BooleanSupplier cancel) throws IOException {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("The prompt is empty: give a text to continue.");
        }
        try {
            return new RemoteGeneration(http, info, chat || settings.chat()).run(prompt, settings, listener, cancel);
        } catch (RemoteException e) {
            if (!chat && !settings.chat() && isChatOnly(e)) {
                return new RemoteGeneration(http, info, true).run(prompt, settings, listener, cancel);
            }
            throw e;
        }
    }

    /** OpenAI's answer for a chat model on {@code /v1/completions}. */
    private static boolean isChatOnly(RemoteException e) {
        String m = e.getMessage().toLowerCase(Locale.ROOT);
        return (e.kind() == RemoteException.Kind.NOT_FOUND || e.kind() == RemoteException.Kind.BAD_REQUEST)
                && m.contains("chat") && m.contains("completions");
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "RemoteBackend[" + http.server() + "#" + info.model() + "]";
    }

    /** Connection settings: {@code set*} required, {@code opt*} optional; {@link #connect()} asks the server. */
    public static final class Builder {

        private RemoteSpec spec;
        private ApiKey key;
        private boolean chat;
        private OpenAiHttp.Timeouts timeouts = OpenAiHttp.Timeouts.defaults();
        private RetryPolicy retry = RetryPolicy.servers();

        private Builder() {
        }

        public Builder setSpec(RemoteSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
            return this;
        }

        public Builder optApiKey(ApiKey key) {
            this.key = key;
            return this;
        }

        /** Generate through {@code /v1/chat/completions}, the prompt as one user message (default: completions). */
        public Builder optChat(boolean chat) {
            this.chat = chat;
            return this;
        }

        /**
         * @param connect    to open a connection (default 10 s)
         * @param request    for a whole answer, or a stream's first bytes (default 300 s)
         * @param streamIdle of silence within a stream before it is closed (default 120 s)
         */
        public Builder optTimeouts(Duration connect, Duration request, Duration streamIdle) {
            this.timeouts = new OpenAiHttp.Timeouts(connect, request, streamIdle);
            return this;
        }

        /**
         * Tries for a request the server turns away for now (429, 502, 503, 504): at most {@code maxAttempts}
         * in all, waiting {@code Retry-After} or a delay doubling from {@code firstDelay} up to {@code maxDelay}
         * (default 4 tries, 1 s to 30 s).
         */
        public Builder optRetry(int maxAttempts, Duration firstDelay, Duration maxDelay) {
            return optRetryPolicy(new RetryPolicy(maxAttempts, firstDelay, maxDelay));
        }

        /** The retry policy every network client shares (default {@link RetryPolicy#servers()}). */
        public Builder optRetryPolicy(RetryPolicy value) {
            this.retry = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Asks the server for its models ({@code GET /v1/models}) and picks the one named, or the only one.
         *
         * @throws RemoteException with one sentence when the server cannot be reached, refuses the key, or
         *                         does not serve the model
         */
        public RemoteBackend connect() throws IOException {
            return connect(() -> false);
        }

        public RemoteBackend connect(BooleanSupplier cancel) throws IOException {
            Objects.requireNonNull(spec, "spec");
            OpenAiHttp http = new OpenAiHttp(spec, key, timeouts, retry);
            try {
                ServerInfo info = detect(http, cancel);
                http.describe(info.model(), info.maxModelLen());
                return new RemoteBackend(http, info, chat);
            } catch (IOException | RuntimeException e) {
                http.close();
                throw e;
            }
        }

        private ServerInfo detect(OpenAiHttp http, BooleanSupplier cancel) throws IOException {
            JsonNode answer;
            try {
                answer = http.get("models", cancel);
            } catch (RemoteException e) {
                if (e.kind() == RemoteException.Kind.NOT_FOUND && spec.model() != null) {
                    return new ServerInfo(spec.model(), List.of(), null, null); // a server without /v1/models
                }
                throw e;
            } catch (CancellationException e) {
                throw e;
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode m : answer.path("data")) {
                if (m.path("id").isTextual()) ids.add(m.get("id").asText());
            }
            String wanted = spec.model();
            if (wanted == null) {
                if (ids.size() != 1) {
                    throw new RemoteException(RemoteException.Kind.NOT_FOUND, 0, ids.isEmpty()
                            ? "The server at " + http.server() + " lists no models: name one after # in the address, as in "
                              + spec.baseUri() + "#model-name."
                            : "The server at " + http.server() + " serves several models (" + String.join(", ", ids)
                              + "): name one after # in the address, as in " + spec.baseUri() + "#" + ids.get(0) + ".");
                }
                wanted = ids.get(0);
            } else if (!ids.isEmpty() && !ids.contains(wanted)) {
                throw new RemoteException(RemoteException.Kind.NOT_FOUND, 0, "The server at " + http.server()
                        + " has no model named " + wanted + "; it serves " + String.join(", ", ids) + ".");
            }
            for (JsonNode m : answer.path("data")) {
                if (wanted.equals(m.path("id").asText(null))) {
                    JsonNode len = m.path("max_model_len");
                    return new ServerInfo(wanted, ids, len.isNumber() ? len.asInt() : null,
                            m.path("owned_by").asText(null));
                }
            }
            return new ServerInfo(wanted, ids, null, null);
        }
    }
}
