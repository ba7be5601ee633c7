package org.tokenscope.service.corpus;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The corpus's JSON Lines output file, resumable: opening it reads the documents already there (a
 * rerun skips them), and cuts off a last line an interrupted run left unfinished, so the file is
 * always whole lines of JSON. Each document is appended as one write of its whole line as soon as it
 * is done, so an interruption (Ctrl+C, a crash) loses at most the line being written.
 * Thread-safe: concurrent workers may append.
 */
public final class CorpusOutput implements AutoCloseable {

    private final OutputStream out;
    private final FileChannel channel;
    private final Map<String, CorpusResult> done;

    private CorpusOutput(OutputStream out, FileChannel channel, Map<String, CorpusResult> done) {
        this.out = out;
        this.channel = channel;
        this.done = done;
    }

    /** Opens (creating if needed) {@code file} to append to, keeping what it holds. */
    public static CorpusOutput open(Path file) throws IOException {
        Map<String, CorpusResult> done = new LinkedHashMap<>();
        if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            int lineStart = 0;
            int keep = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                if (!line.isBlank()) {
                    try {
                        CorpusResult r = CorpusResult.parse(line);
                        done.put(r.id(), r);
                    } catch (IOException e) {
                        throw new IOException("Line " + (done.size() + 1) + " of " + file
                                + " is not a corpus result; give another --out file.");
                    }
                }
                lineStart = i + 1;
                keep = i + 1;
            }
            if (keep < bytes.length) { // an unfinished last line: drop it
                try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    c.truncate(keep);
                }
            }
        } else if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new CorpusOutput(java.nio.channels.Channels.newOutputStream(channel), channel, done);
    }

    /** The documents the file already held when opened, by id, in file order. */
    public Map<String, CorpusResult> done() {
        return done;
    }

    /** Appends one document's line, whole. */
    public synchronized void append(CorpusResult result) throws IOException {
        byte[] line = (result.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** All results: those found when opening and those appended since, if the caller keeps them. */
    public List<CorpusResult> previous() {
        return new ArrayList<>(done.values());
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
