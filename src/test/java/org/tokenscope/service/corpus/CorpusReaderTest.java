package org.tokenscope.service.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a corpus: the three kinds of input and every bad document, each skipped with why. */
class CorpusReaderTest {

    @TempDir
    Path dir;

    record Read(List<CorpusDocument> documents, List<String> skipped) {
    }

    static Read read(Path input, CorpusFields fields) throws IOException {
        Read r = new Read(new ArrayList<>(), new ArrayList<>());
        new CorpusReader(input, fields).read(new CorpusReader.Sink() {
            @Override
            public void document(CorpusDocument d) {
                r.documents().add(d);
            }

            @Override
            public void skipped(String why) {
                r.skipped().add(why);
            }
        });
        return r;
    }

    @Test
    void aFolderOfTextFilesSortedByNameWithBadOnesSkipped() throws Exception {
        Files.writeString(dir.resolve("b.txt"), "Second text.");
        Files.writeString(dir.resolve("a.txt"), "\uFEFFFirst text, with a BOM.");
        Files.writeString(dir.resolve("notes.md"), "not a document");
        Files.writeString(dir.resolve("empty.txt"), "  \n");
        Files.write(dir.resolve("c.txt"), new byte[] {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28, 'x'});
        Read r = read(dir, CorpusFields.DEFAULT);
        assertThat(r.documents()).extracting(CorpusDocument::id).containsExactly("a.txt", "b.txt");
        assertThat(r.documents().get(0).text()).isEqualTo("First text, with a BOM.");
        assertThat(r.skipped()).containsExactly("c.txt is not valid UTF-8 (at byte 3); skipped.",
                "Document empty.txt is empty; skipped.");
    }

    @Test
    void jsonLinesWithFieldsIdsAndBadRecords() throws Exception {
        Path file = dir.resolve("c.jsonl");
        Files.writeString(file, """
                {"text": "One.", "label": "human", "key": "k1"}
                {"body": "no text field", "label": "human"}

                not json
                {"text": "", "label": "machine"}
                {"text": "Five.\\nWith a newline.", "label": "machine"}
                """);
        Read r = read(file, new CorpusFields("text", "label", null));
        assertThat(r.documents()).extracting(CorpusDocument::id).containsExactly("1", "6");
        assertThat(r.documents().get(1).text()).isEqualTo("Five.\nWith a newline.");
        assertThat(r.documents().get(1).label()).isEqualTo("machine");
        assertThat(r.skipped()).containsExactly("Record 2 has no \"text\" field; skipped.",
                "Line 4 of c.jsonl is not JSON; skipped.", "Document 5 is empty; skipped.");
        Read keyed = read(file, new CorpusFields("text", null, "key"));
        assertThat(keyed.documents()).extracting(CorpusDocument::id).containsExactly("k1", "6");
        assertThat(keyed.documents().get(0).label()).isNull();
    }

    @Test
    void csvWithQuotedNewlinesCommasAndQuotes() throws Exception {
        Path file = dir.resolve("c.csv");
        Files.writeString(file, "id,text,label\r\n"
                + "a,\"First line\nsecond line, with a comma\",human\r\n"
                + "b,\"He said \"\"hi\"\".\",machine\n"
                + "c,,human\n"
                + "d\n", StandardCharsets.UTF_8);
        Read r = read(file, new CorpusFields("text", "label", "id"));
        assertThat(r.documents()).extracting(CorpusDocument::id).containsExactly("a", "b");
        assertThat(r.documents().get(0).text()).isEqualTo("First line\nsecond line, with a comma");
        assertThat(r.documents().get(1).text()).isEqualTo("He said \"hi\".");
        assertThat(r.documents().get(1).label()).isEqualTo("machine");
        assertThat(r.skipped()).containsExactly("Document c is empty; skipped.", "Record d has no \"text\" field; skipped.");
        assertThatThrownBy(() -> read(file, new CorpusFields("body", null, null)))
                .hasMessage("c.csv has no column \"body\" (its columns: id, text, label).");
    }

    @Test
    void inputsThatAreNoCorpusAreRefused() throws Exception {
        assertThatThrownBy(() -> read(dir.resolve("missing.jsonl"), CorpusFields.DEFAULT)).hasMessageContaining("There is no file");
        Files.writeString(dir.resolve("x.parquet"), "");
        assertThatThrownBy(() -> read(dir.resolve("x.parquet"), CorpusFields.DEFAULT)).hasMessageContaining("neither a folder");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> read(empty, CorpusFields.DEFAULT)).hasMessageContaining("has no .txt files");
        Files.writeString(dir.resolve("open.csv"), "text\n\"never closed\n");
        assertThatThrownBy(() -> read(dir.resolve("open.csv"), CorpusFields.DEFAULT)).hasMessageContaining("inside a quoted field");
    }

    @Test
    void labelsPickTheMachineClass() {
        assertThat(Labels.positive(Set.of("human", "machine"), null)).isEqualTo("machine");
        assertThat(Labels.positive(Set.of("0", "1"), null)).isEqualTo("1");
        assertThat(Labels.positive(Set.of("human", "gpt"), "gpt")).isEqualTo("gpt");
        assertThat(Labels.positive(Set.of("human"), null)).isNull();
        assertThatThrownBy(() -> Labels.positive(Set.of("human", "gpt"), null)).hasMessageContaining("--positive");
        assertThatThrownBy(() -> Labels.positive(Set.of("human", "gpt", "claude"), null))
                .hasMessage("The corpus has 3 labels (claude, gpt, human); detection needs exactly two: machine-written and human.");
        assertThatThrownBy(() -> Labels.positive(Set.of("human", "ai"), "bot")).hasMessageContaining("not one of");
    }
}
