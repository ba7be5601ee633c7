package org.tokenscope.service.corpus;

/**
 * Which fields of a JSONL record or CSV row hold what.
 *
 * @param text  the text's field (default {@code text})
 * @param label the label's field, or null for none
 * @param id    the id's field, or null to number records from 1
 */
public record CorpusFields(String text, String label, String id) {

    public static final CorpusFields DEFAULT = new CorpusFields("text", null, null);

    public CorpusFields {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("The text field needs a name.");
        }
    }
}
