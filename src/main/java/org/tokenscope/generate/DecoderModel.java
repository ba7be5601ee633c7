package org.tokenscope.generate;

/** What generation needs of a language model: fresh sessions, and how to read its tokens. */
public interface DecoderModel {

    /** A new, empty session. */
    LogitsSession newSession();

    /** Maximum number of positions (GPT-2's {@code n_positions}). */
    int contextLength();

    int vocabSize();

    /** The end-of-text token id, or -1 if the model has none. */
    int endOfTextId();

    /** Every id generation stops at (a model may have several: Llama 3's eot and eos). */
    default int[] stopIds() {
        return endOfTextId() >= 0 ? new int[] {endOfTextId()} : new int[0];
    }

    /** The UTF-8 bytes that token {@code id} stands for (GPT-2 tokens are byte sequences). */
    byte[] tokenBytes(int id);
}
