package org.tokenscope.service.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a corpus one document at a time, without holding it whole: a folder of {@code .txt} files
 * (sorted by name; each file a document named by its file name), a JSON Lines file (one object per
 * line) or a CSV file (RFC 4180: a header row, fields in double quotes may hold commas, quotes as
 * {@code ""} and newlines). A document that cannot be read — a missing text field, an empty text,
 * a {@code .txt} that is not UTF-8, a line that is not JSON — is skipped with one sentence to
 * {@link Sink#skipped}; the others go on.
 */
public final class CorpusReader {

    /** What reading finds, in order. */
    public interface Sink {
        void document(CorpusDocument document) throws IOException;

        /** A document left out, and why (one sentence naming it). */
        void skipped(String why);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path input;
    private final CorpusFields fields;

    public CorpusReader(Path input, CorpusFields fields) {
        this.input = input;
        this.fields = fields;
    }

    /**
     * Reads every document into {@code sink}.
     *
     * @throws IOException when the input itself cannot be read, or it is none of the three kinds
     */
    public void read(Sink sink) throws IOException {
        if (Files.isDirectory(input)) {
            readFolder(sink);
            return;
        }
        if (!Files.isRegularFile(input)) {
            throw new IOException("There is no file or folder " + input + ".");
        }
        String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            readJsonLines(sink);
        } else if (name.endsWith(".csv")) {
            readCsv(sink);
        } else {
            throw new IOException(input + " is neither a folder of .txt files, a .jsonl file nor a .csv file.");
        }
    }

    private void readFolder(Sink sink) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(input)) {
            files = list.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt"))
                    .filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("The folder " + input + " has no .txt files.");
        }
        for (Path file : files) {
            String id = file.getFileName().toString();
            byte[] bytes = Files.readAllBytes(file);
            String text;
            try {
                text = strictUtf8(bytes);
            } catch (CharacterCodingException e) {
                sink.skipped(id + " is not valid UTF-8 (at byte " + firstBadByte(bytes) + "); skipped.");
                continue;
            }
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            offer(sink, id, text, null);
        }
    }

    private void readJsonLines(Sink sink) throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (IOException e) {
                    sink.skipped("Line " + number + " of " + input.getFileName() + " is not JSON; skipped.");
                    continue;
                }
                if (!record.isObject()) {
                    sink.skipped("Line " + number + " of " + input.getFileName() + " is not a JSON object; skipped.");
                    continue;
                }
                String id = fields.id() != null && record.hasNonNull(fields.id()) ? record.get(fields.id()).asText()
                        : Integer.toString(number);
                JsonNode text = record.get(fields.text());
                if (text == null || text.isNull()) {
                    sink.skipped("Record " + id + " has no \"" + fields.text() + "\" field; skipped.");
                    continue;
                }
                String label = fields.label() != null && record.hasNonNull(fields.label())
                        ? record.get(fields.label()).asText() : null;
                offer(sink, id, text.asText(), label);
            }
        } catch (MalformedInputException e) {
            throw new IOException(input + " is not valid UTF-8.");
        }
    }

    private void readCsv(Sink sink) throws IOException {
        try (Reader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            CsvRows rows = new CsvRows(reader);
            List<String> header = rows.next();
            if (header == null) {
                throw new IOException(input + " is empty: a CSV corpus needs a header row.");
            }
            if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
                header.set(0, header.get(0).substring(1));
            }
            int textColumn = header.indexOf(fields.text());
            if (textColumn < 0) {
                throw new IOException(input.getFileName() + " has no column \"" + fields.text() + "\" (its columns: "
                        + String.join(", ", header) + ").");
            }
            int labelColumn = fields.label() == null ? -1 : header.indexOf(fields.label());
            if (fields.label() != null && labelColumn < 0) {
                throw new IOException(input.getFileName() + " has no column \"" + fields.label() + "\".");
            }
            int idColumn = fields.id() == null ? -1 : header.indexOf(fields.id());
            if (fields.id() != null && idColumn < 0) {
                throw new IOException(input.getFileName() + " has no column \"" + fields.id() + "\".");
            }
            List<String> row;
            int number = 0;
            while ((row = rows.next()) != null) {
                number++;
                if (row.size() == 1 && row.get(0).isEmpty()) {
                    continue; // a blank line
                }
                String id = idColumn >= 0 && idColumn < row.size() ? row.get(idColumn) : Integer.toString(number);
                if (textColumn >= row.size()) {
                    sink.skipped("Record " + id + " has no \"" + fields.text() + "\" field; skipped.");
                    continue;
                }
                String label = labelColumn >= 0 && labelColumn < row.size() && !row.get(labelColumn).isEmpty()
                        ? row.get(labelColumn) : null;
                offer(sink, id, row.get(textColumn), label);
            }
        } catch (MalformedInputException e) {
            throw new IOException(input + " is not valid UTF-8.");
        }
    }

    private static void offer(Sink sink, String id, String text, String label) throws IOException {
        if (text.isBlank()) {
            sink.skipped("Document " + id + " is empty; skipped.");
            return;
        }
        sink.document(new CorpusDocument(id, text, label));
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The offset of the first byte where UTF-8 decoding fails. */
    private static int firstBadByte(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }

    /** RFC 4180 rows from a reader: fields separated by commas, quoted fields may hold anything. */
    static final class CsvRows {
        private final Reader reader;
        private int pending = -2; // a character read ahead, or -2 for none

        CsvRows(Reader reader) {
            this.reader = reader;
        }

        private int read() throws IOException {
            if (pending != -2) {
                int c = pending;
                pending = -2;
                return c;
            }
            return reader.read();
        }

        /** The next row, or null at the end of the input. */
        List<String> next() throws IOException {
            int c = read();
            if (c == -1) {
                return null;
            }
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            while (true) {
                if (c == -1) {
                    if (quoted) {
                        throw new IOException("The CSV file ends inside a quoted field.");
                    }
                    row.add(field.toString());
                    return row;
                }
                if (quoted) {
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            pending = d;
                        }
                    } else {
                        field.append((char) c);
                    }
                } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                    quoted = true;
                    wasQuoted = true;
                } else if (c == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                    wasQuoted = false;
                } else if (c == '\r' || c == '\n') {
                    if (c == '\r') {
                        int d = read();
                        if (d != '\n') {
                            pending = d;
                        }
                    }
                    row.add(field.toString());
                    return row;
                } else {
                    field.append((char) c);
                }
                c = read();
            }
        }
    }
}
