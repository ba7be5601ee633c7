package org.tokenscope.model;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template ({@code tokenizer_config.json}'s {@code chat_template}) rendered with
 * Jinjava, set up as transformers sets up jinja2 for chat templates (trim_blocks, lstrip_blocks),
 * with {@code messages}, {@code add_generation_prompt}, {@code bos_token} and {@code eos_token}.
 *
 * <p>Templates are written for Python's Jinja; a few of its idioms that Jinjava reads differently
 * are rewritten first, each to what it means: whitespace control on expressions ({@code {{-},
 * {@code -}}}), reversed slices ({@code xs[::-1]}), Python's {@code startswith}/{@code endswith}, and
 * a keyword argument whose value is an unparenthesised expression. Tested on the real templates
 * of Llama 3.0/3.1, Qwen3 and Gemma 3.
 */
public final class ChatTemplate {

    /** One turn of a conversation. */
    public record Message(String role, String content) {
    }

    private ChatTemplate() {
    }

    /**
     * The prompt text for {@code messages}, ending where the assistant's answer begins.
     *
     * @throws IllegalArgumentException with one sentence, when the model has no template or it fails to render
     */
    public static String render(Tokenizer.ChatFiles files, List<Message> messages, String modelName) {
        if (files.chatTemplate().isEmpty()) {
            throw new IllegalArgumentException(modelName + " has no chat template (tokenizer_config.json has no "
                    + "chat_template); give a plain prompt instead of a chat message.");
        }
        Jinjava jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        Map<String, Object> context = new HashMap<>();
        List<Map<String, Object>> turns = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        context.put("messages", turns);
        context.put("add_generation_prompt", true);
        context.put("bos_token", files.bosToken());
        context.put("eos_token", files.eosToken());
        RenderResult result;
        try {
            result = jinja.renderForResult(pythonIdioms(files.chatTemplate()), context);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(modelName + "'s chat template could not be rendered: "
                    + firstLine(e.getMessage()) + ".", e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException(modelName + "'s chat template could not be rendered: "
                        + firstLine(error.getMessage()) + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "")
                        + ".");
            }
        }
        return result.getOutput();
    }

    /** Python-Jinja idioms rewritten to what they mean for Jinjava. */
    static String pythonIdioms(String template) {
        return template
                // "-" in a delimiter strips all whitespace on that side, newlines included
                .replaceAll("\\s*\\{\\{-", "{{").replaceAll("-}}\\s*", "}}")
                .replaceAll("\\s*\\{%-", "{%").replaceAll("-%}\\s*", "%}")
                .replace("[::-1]", "|reverse")
                .replace(".startswith(", ".startsWith(").replace(".endswith(", ".endsWith(")
                // namespace(x=messages|length - 1): the whole expression is the value
                .replaceAll("=\\s*messages\\|length\\s*-\\s*1", "=(messages|length - 1)");
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "an error without a message";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }
}
