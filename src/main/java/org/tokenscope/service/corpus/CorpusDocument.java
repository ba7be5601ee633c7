package org.tokenscope.service.corpus;

import java.util.Objects;

/**
 * One document of a corpus.
 *
 * @param id    the input's id field, else the file's name (folder) or the record's 1-based number
 * @param text  the document's text, never empty
 * @param label its class, or null when the corpus has no labels or this document has none
 */
public record CorpusDocument(String id, String text, String label) {
    public CorpusDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }
}
