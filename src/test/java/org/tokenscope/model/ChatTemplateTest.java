package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.NpmTokenizers;
import org.tokenscope.testing.TinyDecoder;

/**
 * The real chat templates rendered by Jinjava equal Python jinja2's rendering of them as
 * transformers sets it up (src/test/resources/tokenizers/make-expected-chats.py), and the model's
 * end-of-turn tokens stop generation.
 */
class ChatTemplateTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "llama3_1", "qwen3", "gemma3"})
    void rendersAsJinja2Does(String name) throws Exception {
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/tokenizers/expected-chats.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        try (Tokenizer tokenizer = Tokenizer.load(NpmTokenizers.folder(name))) {
            JsonNode conversations = expected.path("conversations");
            for (int c = 0; c < conversations.size(); c++) {
                List<ChatTemplate.Message> messages = new ArrayList<>();
                for (JsonNode m : conversations.get(c)) {
                    messages.add(new ChatTemplate.Message(m.path("role").asText(), m.path("content").asText()));
                }
                assertThat(ChatTemplate.render(tokenizer.chatFiles(), messages, name))
                        .as("%s conversation %d", name, c)
                        .isEqualTo(expected.path("rendered").path(name).get(c).asText());
            }
        }
    }

    @Test
    void endOfTurnTokensStopGeneration() throws Exception {
        // Qwen3's tokenizer says eos <|im_end|>; its config.json says <|endoftext|> (151643)
        TinyDecoder stored = TinyDecoder.random(1, TinyDecoder.Spec.llama(1, 2, 1, 16, 32, 151669).with("family", "qwen3"));
        stored.write(dir, DType.BF16, 1);
        NpmTokenizers.copyInto("qwen3", dir);
        try (LanguageModel model = LanguageModel.load(dir, "qwen3-tiny")) {
            int imEnd = model.tokenizer().idOf("<|im_end|>");
            assertThat(imEnd).isEqualTo(151645);
            assertThat(model.stopIds()).contains(imEnd);
            String prompt = ChatTemplate.render(model.tokenizer().chatFiles(),
                    List.of(new ChatTemplate.Message("user", "Hi")), "qwen3-tiny");
            int[] ids = model.tokenizer().encode(prompt).ids();
            assertThat(ids[0]).isEqualTo(model.tokenizer().idOf("<|im_start|>")); // read as one special token
            // what generate --chat and the Generate tab's chat mode feed: exactly the rendered template
            org.tokenscope.service.LocalBackend backend = new org.tokenscope.service.LocalBackend(model);
            org.tokenscope.generate.GenerationResult result = backend.generate("Hi",
                    new org.tokenscope.backend.Backend.GenerationSettings(2, new org.tokenscope.generate.Greedy(),
                            List.of(), 3, true), org.tokenscope.generate.GenerationListener.NONE, () -> false);
            assertThat(result.promptIds()).containsExactly(ids);
        }
    }

    @Test
    void aTemplateThatFailsIsOneSentence() throws Exception {
        NpmTokenizers.copyInto("llama2", dir); // Mistral 7B v0.1's files carry no chat template
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            assertThatThrownBy(() -> ChatTemplate.render(tokenizer.chatFiles(), List.of(), "mistral"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mistral has no chat template");
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{% for m in messages %}{{ m.content \"}");
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            assertThatThrownBy(() -> ChatTemplate.render(tokenizer.chatFiles(),
                    List.of(new ChatTemplate.Message("user", "x")), "broken"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("broken's chat template could not be rendered: ")
                    .hasMessageEndingWith(".")
                    .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
        }
    }
}
