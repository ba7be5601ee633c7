package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.analysis.Windows;

/**
 * Scored texts made up for figure tests, without a model: GPT-2's pre-tokenizer pattern cuts the text,
 * a seeded generator makes the scores, and a character outside the BMP is split into two partial
 * tokens as byte-level BPE does.
 */
final class Samples {

    static final String PARAGRAPH = "The quick brown fox jumps over the lazy dog.\n\n"
            + "Tokens  are   pieces of text; some are split: naïve café 😀 and “quotes” & <tags>.";

    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private Samples() {
    }

    static ScoredText scored(String text, String model, long seed, boolean bos) {
        Random random = new Random(seed);
        List<TokenScore> tokens = new ArrayList<>();
        Matcher m = GPT2.matcher(text);
        int id = 100;
        while (m.find()) {
            String piece = m.group();
            int start = m.start();
            int cp = piece.codePointAt(piece.length() - Character.charCount(piece.codePointBefore(piece.length())));
            if (Character.isSupplementaryCodePoint(cp)) { // split its 4 bytes over two tokens
                int charStart = m.end() - 2;
                if (charStart > start) tokens.add(token(tokens.size(), id++, text, start, charStart, false, random, bos));
                tokens.add(token(tokens.size(), id++, text, charStart, m.end(), true, random, bos));
                tokens.add(token(tokens.size(), id++, text, charStart, m.end(), true, random, bos));
            } else {
                tokens.add(token(tokens.size(), id++, text, start, m.end(), false, random, bos));
            }
        }
        return ScoredText.of(text, bos, new ModelSummary(model, 12, 124_000_000L, 1024), tokens,
                Windows.plan(tokens.size(), bos, 1024));
    }

    /** A greedy generation of a few made-up steps. */
    static org.tokenscope.generate.GenerationResult generation(String... pieces) {
        List<org.tokenscope.generate.Step> steps = new ArrayList<>();
        int[] ids = new int[pieces.length];
        double score = 0;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces.length; i++) {
            double lp = -0.3 - i * 0.9;
            ids[i] = 200 + i;
            score += lp;
            text.append(pieces[i]);
            steps.add(new org.tokenscope.generate.Step(i, ids[i], pieces[i], lp, null, 1 + i * 3, 3.5 - i * 0.2,
                    List.of(new Alternative(ids[i], pieces[i], lp), new Alternative(7, " a", lp - 0.5)), lp));
        }
        var sequence = new org.tokenscope.generate.Sequence(ids, text.toString(), score, steps,
                org.tokenscope.generate.StopReason.MAX_NEW_TOKENS);
        return new org.tokenscope.generate.GenerationResult(new int[] {1, 2}, new org.tokenscope.generate.Greedy(),
                List.of(sequence), false, null);
    }

    private static TokenScore token(int index, int id, String text, int start, int end, boolean partial, Random random,
                                    boolean bos) {
        String s = text.substring(start, end);
        if (index == 0 && !bos) return TokenScore.unscored(index, id, s, start, end, partial);
        double lp = -Math.abs(random.nextGaussian() * 4) - 0.01;
        int rank = (int) Math.max(1, Math.round(Math.exp(-lp * 0.9)));
        List<Alternative> top = List.of(new Alternative(11, " the", -1.2), new Alternative(12, " a", -2.0),
                new Alternative(13, ",", -2.5), new Alternative(14, "\n", -3.1), new Alternative(15, " and", -3.3));
        return new TokenScore(index, id, s, start, end, partial, lp, Math.exp(lp), rank, 2 + random.nextDouble() * 6, top);
    }
}
