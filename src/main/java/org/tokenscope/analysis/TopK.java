package org.tokenscope.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The most probable tokens at one position, best first (ties by lower id).
 *
 * @param ids      token ids [k]
 * @param logProbs their natural log-probabilities under the whole distribution [k]
 */
public record TopK(int[] ids, double[] logProbs) {

    public TopK {
        if (ids.length != logProbs.length) {
            throw new IllegalArgumentException("ids and logProbs differ in length.");
        }
        ids = ids.clone();
        logProbs = logProbs.clone();
    }

    public int size() {
        return ids.length;
    }

    public int id(int i) {
        return ids[i];
    }

    public double logProb(int i) {
        return logProbs[i];
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public double[] logProbs() {
        return logProbs.clone();
    }

    /** As {@link Alternative}s, with each token's text from {@code tokenText}. */
    public List<Alternative> alternatives(IntFunction<String> tokenText) {
        List<Alternative> out = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) out.add(new Alternative(ids[i], tokenText.apply(ids[i]), logProbs[i]));
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopK t && Arrays.equals(ids, t.ids) && Arrays.equals(logProbs, t.logProbs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(logProbs);
    }

    @Override
    public String toString() {
        return "TopK" + Arrays.toString(ids) + Arrays.toString(logProbs);
    }
}
