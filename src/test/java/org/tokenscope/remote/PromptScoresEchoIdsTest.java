package org.tokenscope.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** An echo answer's token ids: vLLM's prompt_token_ids where given, else unknown (-1, null in JSON). */
class PromptScoresEchoIdsTest {

    private static JsonNode choice(String idsField) throws Exception {
        return new ObjectMapper().readTree("""
                {"text": "Hello world!", %s
                 "logprobs": {"tokens": ["Hello", " world", "!"],
                              "token_logprobs": [null, -2.5, -1.25],
                              "top_logprobs": [null, {" world": -2.5, " there": -0.5}, {"!": -1.25}],
                              "text_offset": [0, 5, 11]}}
                """.formatted(idsField));
    }

    @Test
    void vllmsPromptTokenIdsBecomeTheTokensIds() throws Exception {
        PromptScores.Parsed parsed = PromptScores.fromEcho(choice("\"prompt_token_ids\": [15496, 995],"), 5, 1);
        assertThat(parsed.tokens()).extracting(PromptScores.Scored::id).containsExactly(15496, 995);
        assertThat(parsed.tokens().get(1).logprob()).isEqualTo(-2.5);
    }

    @Test
    void withoutIdsEachTokensIdIsUnknown() throws Exception {
        PromptScores.Parsed parsed = PromptScores.fromEcho(choice(""), 5, 1);
        assertThat(parsed.tokens()).extracting(PromptScores.Scored::id).containsExactly(-1, -1);
        // ids that do not match the tokens one to one are not guessed at
        PromptScores.Parsed odd = PromptScores.fromEcho(choice("\"prompt_token_ids\": [15496],"), 5, 1);
        assertThat(odd.tokens()).extracting(PromptScores.Scored::id).containsExactly(-1, -1);
    }
}
