package org.tokenscope.service;

import org.tokenscope.model.Gpt2Model;

/**
 * The start-of-text rule, in one place for every pass over a text (scoring, the tokens after it,
 * generation): when asked, the text follows the model's {@code <|endoftext|>}, as GPT-2 saw every
 * document in training, so that its first token is scored too; otherwise the text is fed alone, as
 * {@code transformers}' {@code generate()} and most notebooks do.
 */
public final class StartOfText {

    private StartOfText() {
    }

    /**
     * The token to feed before the text, or -1 for none.
     *
     * @throws IllegalArgumentException when it is asked for and the model has none, with a sentence for the user
     */
    public static int token(Gpt2Model model, boolean bos) {
        if (!bos) {
            return -1;
        }
        int eot = model.endOfTextId();
        if (eot < 0) {
            throw new IllegalArgumentException("Model " + model.name()
                    + " has no <|endoftext|> token to start with; use --no-bos.");
        }
        return eot;
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
