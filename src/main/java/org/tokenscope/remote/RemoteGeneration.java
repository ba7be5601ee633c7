package org.tokenscope.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.generate.StopReason;
import org.tokenscope.backend.Backend.GenerationSettings;

/**
 * One streamed generation: the request, then each server-sent event turned into
 * {@link GenerationListener#onText} (the text the event adds) and {@link GenerationListener#onStep} (one
 * per token the event's log-probabilities list), in order, on the calling thread.
 *
 * <p>What a step holds: the token's text as the server wrote it ({@code \xNN} for bytes of a partial
 * character where the server gives bytes, {@code \x??} where it only sends U+FFFD); its id where the
 * server sends ids (vLLM with {@code return_token_ids}), else −1; its log-probability, which vLLM and
 * OpenAI report under the model's raw distribution (before temperature and filters), so it is both
 * {@code logprob} and {@code processedLogprob}; its rank when it is among the top alternatives, else 0
 * (unknown); the entropy, which top-k cannot give, as NaN; and {@code sampleProb} null (the server does
 * not say what it sampled from). A server that sends no log-probabilities still streams its text; the
 * sequence then has no steps.
 */
final class RemoteGeneration {

    private final OpenAiHttp http;
    private final ServerInfo info;
    private final boolean chat;

    RemoteGeneration(OpenAiHttp http, ServerInfo info, boolean chat) {
        this.http = http;
        this.info = info;
        this.chat = chat;
    }

    GenerationResult run(String prompt, GenerationSettings settings, GenerationListener listener,
                         BooleanSupplier cancel) throws IOException {
        SamplingParameters sampling = SamplingParameters.of(settings.strategy());
        int k = Math.max(0, settings.topAlternatives());
        ObjectNode body = OpenAiHttp.JSON.createObjectNode();
        body.put("model", info.model());
        if (chat) {
            body.putArray("messages").addObject().put("role", "user").put("content", prompt);
            body.put("logprobs", true);
            if (k > 0) body.put("top_logprobs", k);
        } else {
            body.put("prompt", prompt);
            body.put("logprobs", Math.max(1, k));
        }
        body.put("max_tokens", settings.maxNewTokens());
        body.put("stream", true);
        sampling.writeTo(body);
        if (!settings.stopStrings().isEmpty()) {
            body.putArray("stop").addAll(settings.stopStrings().stream().map(OpenAiHttp.JSON.getNodeFactory()::textNode).toList());
        }
        if (info.vllm()) {
            body.put("include_stop_str_in_output", true); // as the local generator: the stop string stays in the text
            body.put("return_token_ids", true);
        }
        List<Step> steps = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int[] promptIds = new int[0];
        StopReason reason = null;
        boolean cancelled = false;
        EventStream opened;
        try {
            opened = http.stream(chat ? "chat/completions" : "completions", body, cancel);
        } catch (CancellationException e) { // before the server answered: nothing generated
            Sequence none = new Sequence(new int[0], "", 0, List.of(), StopReason.CANCELLED);
            return new GenerationResult(promptIds, settings.strategy(), List.of(none), true, null);
        }
        try (EventStream events = opened) {
            JsonNode event;
            while ((event = events.next()) != null) {
                JsonNode choice = event.path("choices").path(0);
                if (choice.isMissingNode()) continue; // a usage-only event
                JsonNode p = choice.path("prompt_token_ids");
                if (p.isArray() && promptIds.length == 0) promptIds = ints(p);
                String delta = chat ? choice.path("delta").path("content").asText("") : choice.path("text").asText("");
                List<Step> newSteps = chat ? chatSteps(choice, k, steps.size()) : completionSteps(choice, k, steps.size());
                JsonNode tokenIds = choice.path("token_ids");
                for (int i = 0; i < newSteps.size(); i++) {
                    Step s = newSteps.get(i);
                    if (tokenIds.isArray() && tokenIds.size() == newSteps.size()) {
                        int id = tokenIds.get(i).asInt();
                        s = new Step(s.index(), id, s.text(), s.logprob(), s.sampleProb(), s.rank(), s.entropy(),
                                s.top(), s.processedLogprob());
                    }
                    steps.add(s);
                    ids.add(s.id());
                    listener.onStep(s);
                }
                if (!delta.isEmpty()) {
                    text.append(delta);
                    listener.onText(delta);
                }
                String finish = choice.path("finish_reason").asText(null);
                if (finish != null) reason = stopReason(finish, choice.path("stop_reason"));
            }
            if (events.cancelled()) {
                cancelled = true;
                reason = StopReason.CANCELLED;
            } else if (!events.done() && reason == null) {
                throw new RemoteException(RemoteException.Kind.PROTOCOL, 0, "The server at " + http.server()
                        + " closed the stream before the generation ended (after " + steps.size() + " tokens).");
            }
        }
        if (reason == null) reason = StopReason.MAX_NEW_TOKENS;
        double score = steps.stream().mapToDouble(Step::logprob).sum();
        Sequence sequence = new Sequence(ids.stream().mapToInt(Integer::intValue).toArray(), text.toString(), score,
                steps, reason);
        return new GenerationResult(promptIds, settings.strategy(), List.of(sequence), cancelled, null);
    }

    /** {@code "length"}: the token budget; {@code "stop"}: a stop string when vLLM's {@code stop_reason} is one, else end of text. */
    private static StopReason stopReason(String finish, JsonNode stopReason) {
        return switch (finish) {
            case "length" -> StopReason.MAX_NEW_TOKENS;
            case "stop" -> stopReason.isTextual() ? StopReason.STOP_STRING : StopReason.END_OF_TEXT;
            default -> StopReason.END_OF_TEXT;
        };
    }

    /** Steps of a completions event: {@code logprobs.tokens}, {@code token_logprobs}, {@code top_logprobs}. */
    private static List<Step> completionSteps(JsonNode choice, int k, int first) {
        JsonNode lp = choice.path("logprobs");
        JsonNode tokens = lp.path("tokens");
        if (!tokens.isArray()) return List.of();
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String raw = tokens.get(i).asText();
            ServerToken token = ServerToken.of(raw);
            double logprob = PromptScores.logprobOf(lp.path("token_logprobs").path(i));
            List<Map.Entry<String, Double>> entries = new ArrayList<>();
            JsonNode top = lp.path("top_logprobs").path(i);
            if (top.isObject()) {
                for (Map.Entry<String, JsonNode> e : top.properties()) {
                    entries.add(Map.entry(e.getKey(), PromptScores.logprobOf(e.getValue())));
                }
            }
            entries.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            long better = entries.stream().filter(e -> e.getValue() > logprob).count();
            boolean listed = entries.stream().anyMatch(e -> e.getKey().equals(raw));
            int rank = listed && better < Math.max(1, k) ? (int) better + 1 : 0;
            List<Alternative> alternatives = new ArrayList<>();
            for (int j = 0; j < Math.min(k, entries.size()); j++) {
                alternatives.add(new Alternative(-1, ServerToken.of(entries.get(j).getKey()).displayText(),
                        entries.get(j).getValue()));
            }
            out.add(new Step(first + i, -1, token.displayText(), logprob, null, rank, Double.NaN, alternatives, logprob));
        }
        return out;
    }

    /** Steps of a chat event: {@code logprobs.content[]} with {@code token}, {@code logprob}, {@code bytes}, {@code top_logprobs}. */
    private static List<Step> chatSteps(JsonNode choice, int k, int first) {
        JsonNode content = choice.path("logprobs").path("content");
        if (!content.isArray()) return List.of();
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode c = content.get(i);
            ServerToken token = ServerToken.of(c.path("token").asText(), bytes(c.path("bytes")));
            double logprob = PromptScores.logprobOf(c);
            List<Alternative> alternatives = new ArrayList<>();
            int rank = 0;
            JsonNode top = c.path("top_logprobs");
            for (int j = 0; j < top.size(); j++) {
                JsonNode t = top.get(j);
                ServerToken alt = ServerToken.of(t.path("token").asText(), bytes(t.path("bytes")));
                if (rank == 0 && alt.equals(token)) rank = j + 1;
                if (j < k) alternatives.add(new Alternative(-1, alt.displayText(), PromptScores.logprobOf(t)));
            }
            out.add(new Step(first + i, -1, token.displayText(), logprob, null, rank, Double.NaN, alternatives, logprob));
        }
        return out;
    }

    private static List<Integer> bytes(JsonNode node) {
        if (!node.isArray()) return null;
        List<Integer> out = new ArrayList<>();
        node.forEach(b -> out.add(b.asInt()));
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
