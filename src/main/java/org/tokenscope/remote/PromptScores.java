package org.tokenscope.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.Alternative;

/**
 * The prompt's tokens and their scores as a server sent them, in its two answers.
 *
 * <h2>vLLM's {@code prompt_logprobs}</h2>
 * {@code choices[0].prompt_logprobs} has one entry per prompt token: {@code null} for the first (nothing
 * before it), then a map from token id (a JSON key) to {@code {"logprob", "rank", "decoded_token"}} that
 * holds the prompt token itself, with its rank in the whole vocabulary, and the top k. Which key is the
 * prompt token: {@code choices[0].prompt_token_ids[i]} when the server sends them ({@code return_token_ids});
 * else the only entry ranked below k; else the entry whose text continues the prompt. A {@code null}
 * log-probability (Pydantic writes −∞ so) is −∞.
 *
 * <h2>The legacy {@code echo} form</h2>
 * {@code choices[0].logprobs} has {@code tokens}, {@code token_logprobs} (null for the first),
 * {@code top_logprobs} (maps from token text to log-probability; OpenAI's include up to k, vLLM's the
 * token itself as well) and {@code text_offset}. There are no ids (−1) and no ranks: a token's rank is
 * known only when it is itself among the top k (1 + the number of alternatives more probable than it);
 * otherwise it is null.
 *
 * <p>Neither form gives the entropy of the distribution, which needs all of it: it is always null.
 */
final class PromptScores {

    /** One prompt token as the server scored it (logprob null: unscored). */
    record Scored(ServerToken token, int id, Double logprob, Integer rank, List<Alternative> top) {
    }

    /** The tokens, and the server's {@code text_offset} (or null). */
    record Parsed(List<Scored> tokens, int[] offsets) {
    }

    private PromptScores() {
    }

    /** Whether the choice carries vLLM's {@code prompt_logprobs}. */
    static boolean hasPromptLogprobs(JsonNode choice) {
        return choice.path("prompt_logprobs").isArray() && !choice.get("prompt_logprobs").isEmpty();
    }

    static Parsed fromPromptLogprobs(String prompt, JsonNode choice, int k) {
        JsonNode entries = choice.get("prompt_logprobs");
        JsonNode ids = choice.path("prompt_token_ids");
        JsonNode echoed = choice.path("logprobs").path("tokens"); // with echo: the first token's text
        List<Scored> out = new ArrayList<>();
        int cursor = 0;
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            int knownId = ids.isArray() && ids.size() == entries.size() ? ids.get(i).asInt() : -1;
            if (entry == null || entry.isNull() || entry.isEmpty()) {
                ServerToken t = echoed.isArray() && echoed.size() > i && echoed.get(i).isTextual()
                        ? ServerToken.of(echoed.get(i).asText()) : ServerToken.unknown();
                out.add(new Scored(t, knownId, null, null, List.of()));
                if (t.certain() && prompt.startsWith(t.searchText(), cursor)) cursor += t.searchText().length();
                continue;
            }
            String key = knownId >= 0 && entry.has(String.valueOf(knownId)) ? String.valueOf(knownId)
                    : promptKey(prompt, cursor, entry, k);
            JsonNode own = entry.get(key);
            ServerToken token = ServerToken.of(textOf(own));
            if (token.certain()) {
                int[] at = continues(prompt, cursor, token.searchText());
                if (at != null) cursor = at[1];
            }
            List<JsonNode> ranked = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : entry.properties()) {
                keys.add(e.getKey());
                ranked.add(e.getValue());
            }
            List<Alternative> top = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < ranked.size(); j++) order.add(j);
            order.sort(Comparator.comparingInt((Integer j) -> rankOf(ranked.get(j), Integer.MAX_VALUE))
                    .thenComparing(j -> -logprobOf(ranked.get(j))));
            for (int j : order) {
                JsonNode alt = ranked.get(j);
                Integer r = alt.path("rank").isNumber() ? alt.get("rank").asInt() : null;
                if (top.size() >= k || (r != null && r > k)) break;
                top.add(new Alternative(parseId(keys.get(j)), ServerToken.of(textOf(alt)).displayText(), logprobOf(alt)));
            }
            Integer rank = own.path("rank").isNumber() ? own.get("rank").asInt() : null;
            out.add(new Scored(token, knownId >= 0 ? knownId : parseId(key), logprobOf(own), rank, top));
        }
        return new Parsed(out, null);
    }

    /** The key of the prompt token in a position's map, when the server sent no prompt token ids. */
    private static String promptKey(String prompt, int cursor, JsonNode entry, int k) {
        String best = null;
        int bestLength = -1;
        for (Map.Entry<String, JsonNode> e : entry.properties()) {
            if (e.getValue().path("rank").isNumber() && e.getValue().get("rank").asInt() > k) {
                return e.getKey(); // the prompt token, added below the top k
            }
        }
        for (Map.Entry<String, JsonNode> e : entry.properties()) {
            ServerToken t = ServerToken.of(textOf(e.getValue()));
            if (t.certain() && continues(prompt, cursor, t.searchText()) != null && t.searchText().length() > bestLength) {
                best = e.getKey();
                bestLength = t.searchText().length();
            }
        }
        return best != null ? best : entry.fieldNames().next();
    }

    /** The span of {@code s} where the prompt continues with it at {@code cursor} (whitespace before it allowed). */
    private static int[] continues(String prompt, int cursor, String s) {
        if (prompt.startsWith(s, cursor)) return new int[] {cursor, cursor + s.length()};
        int c = cursor;
        while (c < prompt.length() && Character.isWhitespace(prompt.charAt(c))) c++;
        return c > cursor && prompt.startsWith(s, c) ? new int[] {cursor, c + s.length()} : null;
    }

    /** Whether the choice is an echo of {@code prompt} with log-probabilities. */
    static boolean isEcho(String prompt, JsonNode choice) {
        JsonNode lp = choice.path("logprobs");
        return choice.path("text").asText("").startsWith(prompt) && lp.path("tokens").isArray()
                && !lp.get("tokens").isEmpty() && lp.path("token_logprobs").isArray()
                && lp.get("token_logprobs").size() == lp.get("tokens").size();
    }

    /**
     * @param generated how many tokens at the end the server generated (with {@code max_tokens: 1}), to drop
     */
    static Parsed fromEcho(JsonNode choice, int k, int generated) {
        JsonNode lp = choice.get("logprobs");
        JsonNode tokens = lp.get("tokens");
        JsonNode logprobs = lp.get("token_logprobs");
        JsonNode tops = lp.path("top_logprobs");
        JsonNode offsets = lp.path("text_offset");
        int n = Math.max(0, tokens.size() - generated);
        // vLLM adds the prompt's token ids beside the echo; other servers give none (id -1: unknown)
        JsonNode ids = choice.path("prompt_token_ids");
        boolean haveIds = ids.isArray() && ids.size() == n;
        List<Scored> out = new ArrayList<>(n);
        int[] off = offsets.isArray() && offsets.size() >= n ? new int[n] : null;
        for (int i = 0; i < n; i++) {
            ServerToken token = ServerToken.of(tokens.get(i).asText());
            if (off != null) off[i] = offsets.get(i).asInt();
            JsonNode value = logprobs.get(i);
            int id = haveIds && ids.get(i).canConvertToInt() ? ids.get(i).asInt() : -1;
            if (value == null || value.isNull()) {
                out.add(new Scored(token, id, null, null, List.of()));
                continue;
            }
            double logprob = value.asDouble();
            JsonNode top = tops.isArray() && tops.size() > i ? tops.get(i) : null;
            List<Map.Entry<String, Double>> alternatives = new ArrayList<>();
            if (top != null && top.isObject()) {
                for (Map.Entry<String, JsonNode> e : top.properties()) {
                    alternatives.add(Map.entry(e.getKey(), logprobOf(e.getValue())));
                }
            }
            alternatives.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            String raw = tokens.get(i).asText();
            boolean listed = alternatives.stream().anyMatch(e -> e.getKey().equals(raw));
            long better = alternatives.stream().filter(e -> e.getValue() > logprob).count();
            Integer rank = listed && better < k ? (int) better + 1 : null;
            List<Alternative> best = new ArrayList<>();
            for (int j = 0; j < Math.min(k, alternatives.size()); j++) {
                best.add(new Alternative(-1, ServerToken.of(alternatives.get(j).getKey()).displayText(),
                        alternatives.get(j).getValue()));
            }
            out.add(new Scored(token, id, logprob, rank, best));
        }
        return new Parsed(out, off);
    }

    private static String textOf(JsonNode logprob) {
        JsonNode t = logprob.path("decoded_token");
        return t.isTextual() ? t.asText() : null;
    }

    private static int rankOf(JsonNode logprob, int otherwise) {
        return logprob.path("rank").isNumber() ? logprob.get("rank").asInt() : otherwise;
    }

    static double logprobOf(JsonNode node) {
        JsonNode v = node.isObject() ? node.path("logprob") : node;
        return v.isNumber() ? v.asDouble() : Double.NEGATIVE_INFINITY;
    }

    private static int parseId(String key) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
