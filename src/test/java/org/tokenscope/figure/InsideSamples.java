package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;

/** Made-up attention and logit lenses over {@link Samples}' tokens, seeded, shaped like GPT-2's. */
final class InsideSamples {

    private InsideSamples() {
    }

    /** Causal attention rows that sum to 1: some weight on the first token, some on the previous, the rest spread. */
    static float[][] weights(int n, long seed) {
        Random random = new Random(seed);
        float[][] w = new float[n][n];
        for (int q = 0; q < n; q++) {
            double[] raw = new double[q + 1];
            double sum = 0;
            for (int k = 0; k <= q; k++) {
                raw[k] = Math.exp(random.nextGaussian() * 1.5) + (k == 0 ? 3 : 0) + (k == q - 1 ? 2 : 0);
                sum += raw[k];
            }
            for (int k = 0; k <= q; k++) w[q][k] = (float) (raw[k] / sum);
        }
        return w;
    }

    static AttentionMap attention(ScoredText text, int layer, Integer head) {
        return new AttentionMap(text.model().name(), text.text(), text.tokens(), layer, head, 12,
                weights(text.tokens().size(), 31L * layer + (head == null ? 99 : head)));
    }

    static AttentionGrid grid(ScoredText text, int layers, int heads) {
        int n = text.tokens().size();
        List<AttentionGrid.Head> cells = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) cells.add(AttentionGrid.Head.of(weights(n, 31L * l + h), 24));
        }
        return new AttentionGrid(text.model().name(), n, layers, heads, cells);
    }

    /** A lens where the next token climbs from far down to the top as the layers go on. */
    static LogitLens lens(ScoredText text, int layers, int k) {
        List<TokenScore> tokens = text.tokens();
        int n = tokens.size();
        int levels = layers + 1;
        Random random = new Random(7);
        int[][] rank = new int[levels][n];
        float[][] logprob = new float[levels][n];
        Alternative[][][] top = new Alternative[levels][n][];
        String[] words = {" the", " a", ",", ".", " of", " and", " to", " in", " is", " that", " it", " fox", "\n"};
        for (int l = 0; l < levels; l++) {
            double depth = (double) l / Math.max(1, layers);
            for (int t = 0; t < n; t++) {
                boolean last = t == n - 1;
                int r = last ? 0 : Math.max(1, (int) Math.round(Math.pow(10, 4.3 * (1 - depth) + random.nextGaussian() * 0.4)));
                rank[l][t] = r;
                logprob[l][t] = last ? Float.NaN : (float) (-Math.log(r) - 1 - random.nextDouble());
                Alternative[] alts = new Alternative[k];
                double lp = -0.4 - 3 * (1 - depth) - random.nextDouble();
                for (int i = 0; i < k; i++) {
                    boolean actual = !last && r == i + 1;
                    int id = actual ? tokens.get(t + 1).id() : 1000 + (t * 7 + l + i) % words.length;
                    String s = actual ? tokens.get(t + 1).text() : words[(t * 7 + l + i) % words.length];
                    alts[i] = new Alternative(id, s, lp);
                    lp -= 0.3 + random.nextDouble();
                }
                top[l][t] = alts;
            }
        }
        return new LogitLens(text.model().name(), text.text(), tokens, rank, logprob, top);
    }
}
