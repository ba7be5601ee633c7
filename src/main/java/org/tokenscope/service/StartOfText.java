package org.tokenscope.service;

import org.tokenscope.model.LanguageModel;

/**
 * The start-of-text rule, in one place for every pass over a text (scoring, the tokens after it,
 * generation): when asked, the text follows the model's start token (GPT-2's {@code <|endoftext|>}, as it
 * saw every document in training, or the BOS a tokenizer adds by itself: Llama 3.1, Gemma), so that its
 * first token is scored too; a model without one (Qwen), or {@code --no-bos}, feeds the text alone, as
 * {@code transformers}' {@code generate()} does for GPT-2.
 */
public final class StartOfText {

    private StartOfText() {
    }

    /** The token to feed before the text, or -1 for none. */
    public static int token(LanguageModel model, boolean bos) {
        return bos ? model.startTokenId() : -1;
    }

    /** {@code ids} after the start token when there is one. */
    public static int[] prepend(int token, int[] ids) {
        if (token < 0) {
            return ids;
        }
        int[] all = new int[ids.length + 1];
        all[0] = token;
        System.arraycopy(ids, 0, all, 1, ids.length);
        return all;
    }
}
