package org.tokenscope.model.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.tokenscope.model.ModelFormatException;

/**
 * JSON as strictly as the safetensors crate reads it: valid UTF-8, one top-level object, no key
 * twice in any object, nothing after the object but whitespace.
 */
final class StrictJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {}

    /**
     * Decodes {@code utf8} and parses it as a JSON object. {@code subject} names the text in
     * messages, as the start of a sentence ("The header of model.safetensors").
     */
    static ObjectNode parseObject(byte[] utf8, String subject) throws ModelFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(subject + " is not valid UTF-8 text.", e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(describe(e, subject), e);
        }
        if (!(root instanceof ObjectNode object)) {
            String found = root == null || root.isMissingNode() ? "empty" : "a JSON " + kind(root);
            throw new ModelFormatException(subject + " should be a JSON object but is " + found + ".");
        }
        return object;
    }

    /** "object", "array", "string", "number", ... for messages about a node of the wrong type. */
    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            case BINARY -> "binary value";
            case MISSING -> "nothing";
        };
    }

    private static String describe(JsonProcessingException e, String subject) {
        String detail = e.getOriginalMessage();
        if (detail != null
                && detail.startsWith("Duplicate field")
                && e.getProcessor() instanceof JsonParser parser) {
            JsonStreamContext object = parser.getParsingContext();
            String key = object.getCurrentName();
            JsonStreamContext parent = object.getParent();
            String where = parent == null || parent.inRoot() || parent.getCurrentName() == null
                    ? ""
                    : " inside '" + parent.getCurrentName() + "'";
            if (key != null) {
                return subject + " lists '" + key + "' twice" + where + ".";
            }
        }
        String at = e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        if (detail != null && detail.startsWith("Trailing token")) {
            return subject + " goes on after the end of its JSON object" + at + ".";
        }
        String firstLine = detail == null ? "unreadable" : detail.lines().findFirst().orElse(detail);
        return subject + " is not valid JSON" + at + " (" + firstLine + ").";
    }
}
