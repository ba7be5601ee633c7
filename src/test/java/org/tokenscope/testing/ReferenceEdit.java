package org.tokenscope.testing;

/**
 * A change to a reference forward pass, for checking attributions and interventions: each token's
 * embedding row as looked up times a factor (before positions are added), one head's output
 * (before the output projection) zeroed, one block's MLP output zeroed. Layers and heads from 0;
 * -1 for none.
 */
public record ReferenceEdit(double[] rowScale, int layer, int head, int mlpLayer) {

    public static final ReferenceEdit NONE = new ReferenceEdit(null, -1, -1, -1);

    public static ReferenceEdit scaleRows(double[] rowScale) {
        return new ReferenceEdit(rowScale.clone(), -1, -1, -1);
    }

    public static ReferenceEdit zeroHead(int layer, int head) {
        return new ReferenceEdit(null, layer, head, -1);
    }

    public static ReferenceEdit zeroMlp(int layer) {
        return new ReferenceEdit(null, -1, -1, layer);
    }

    double scale(int t) {
        return rowScale == null ? 1 : rowScale[t];
    }

    boolean zeroes(int layer, int head) {
        return this.layer == layer && this.head == head;
    }
}
