package org.tokenscope.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tokenscope.analysis.TextPair;

/**
 * Premise/hypothesis pairs from a file or pasted text: JSON Lines (one object per line with the keys
 * {@code premise} and {@code hypothesis}), TSV or CSV (RFC 4180 quoting). A table whose first row
 * names {@code premise} and {@code hypothesis} takes those columns; a table without that header must
 * have exactly two columns, premise first. A malformed line is one sentence naming it.
 */
public final class PairsFile {

    /** A table or lines format. */
    public enum Format {
        JSONL, TSV, CSV;

        /** By the file's extension: .jsonl/.json, .tsv/.tab, .csv; null when it says nothing. */
        static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
                return JSONL;
            }
            if (name.endsWith(".tsv") || name.endsWith(".tab")) {
                return TSV;
            }
            return name.endsWith(".csv") ? CSV : null;
        }

        /** By the text itself: a first line opening with '{' is JSON Lines, one with a tab TSV, else CSV. */
        static Format guess(String text) {
            String first = text.strip().lines().findFirst().orElse("");
            return first.startsWith("{") ? JSONL : first.contains("\t") ? TSV : CSV;
        }
    }

    private PairsFile() {
    }

    /** Reads the pairs of {@code file}, its format told by its extension (else by its first line). */
    public static List<TextPair> read(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new IOException("There is no file " + file + ".", e);
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text.", e);
        }
        Format format = Format.of(file);
        return parse(text, format == null ? Format.guess(text) : format, file.toString());
    }

    /** Parses pasted text, guessing its format. */
    public static List<TextPair> parse(String text) throws IOException {
        return parse(text, Format.guess(text), "The pasted text");
    }

    static List<TextPair> parse(String text, Format format, String source) throws IOException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<TextPair> pairs = format == Format.JSONL ? jsonLines(text, source) : table(text, format, source);
        if (pairs.isEmpty()) {
            throw new IOException(source + " holds no pairs.");
        }
        return pairs;
    }

    private static List<TextPair> jsonLines(String text, String source) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<TextPair> pairs = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IOException(source + ", line " + (i + 1) + ", is not a JSON object: "
                        + e.getOriginalMessage() + ".", e);
            }
            if (node == null || !node.isObject() || !node.path("premise").isTextual() || !node.path("hypothesis").isTextual()) {
                throw new IOException(source + ", line " + (i + 1)
                        + ", is not an object with the text keys \"premise\" and \"hypothesis\".");
            }
            pairs.add(new TextPair(node.get("premise").asText(), node.get("hypothesis").asText()));
        }
        return pairs;
    }

    private static List<TextPair> table(String text, Format format, String source) throws IOException {
        List<List<String>> rows = format == Format.TSV ? tsv(text) : csv(text, source);
        rows.removeIf(r -> r.stream().allMatch(String::isBlank));
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> header = rows.getFirst().stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
        int premise = header.indexOf("premise");
        int hypothesis = header.indexOf("hypothesis");
        int from = 1;
        if (premise < 0 || hypothesis < 0) {
            if (header.contains("premise") || header.contains("hypothesis")) {
                throw new IOException(source + ": the header names only one of the columns premise and hypothesis.");
            }
            premise = 0;
            hypothesis = 1;
            from = 0;
        }
        List<TextPair> pairs = new ArrayList<>();
        for (int r = from; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (from == 0 && row.size() != 2) {
                throw new IOException(source + ", row " + (r + 1) + ", has " + row.size() + " columns; without a header"
                        + " naming premise and hypothesis, each row must have exactly two (premise, hypothesis).");
            }
            if (row.size() <= Math.max(premise, hypothesis)) {
                throw new IOException(source + ", row " + (r + 1) + ", has " + row.size() + " columns, too few to hold "
                        + "the premise and the hypothesis.");
            }
            pairs.add(new TextPair(row.get(premise), row.get(hypothesis)));
        }
        return pairs;
    }

    private static List<List<String>> tsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        text.lines().forEach(line -> rows.add(new ArrayList<>(List.of(line.split("\t", -1)))));
        return rows;
    }

    /** RFC 4180: fields separated by commas, quoted fields may hold commas, newlines and doubled quotes. */
    private static List<List<String>> csv(String text, String source) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                line++;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IOException(source + " ends inside a quoted field (opened by line " + line + ").");
        }
        if (!field.isEmpty() || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
