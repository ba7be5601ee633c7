package org.tokenscope.testing;


/**
 * Binoculars, Fast-DetectGPT and GLTR in double precision from the reference forward pass of
 * {@link TinyGpt2}, straight from the formulas over whole distributions, for one sequence the models
 * see whole (no windows): {@code seq[0]} is context only, every later position is scored.
 */
public final class DetectionReference {

    private DetectionReference() {
    }

    /** Per scored position j ≥ 1 of seq, rows of the two models' log-softmax at j − 1. */
    public record Terms(double[] logprobA, double[] logprobB, int[] rankA, int[] rankB, double[] entropyA,
                        double[] selfVarA, double[] cross, double[] mean, double[] variance) {

        public double binoculars() {
            double s = 0;
            double c = 0;
            for (int i = 0; i < logprobB.length; i++) {
                s -= logprobB[i];
                c += cross[i];
            }
            return (s / logprobB.length) / (c / cross.length);
        }

        public double fastDetectGpt() {
            double gap = 0;
            double v = 0;
            for (int i = 0; i < logprobA.length; i++) {
                gap += logprobA[i] - mean[i];
                v += variance[i];
            }
            return gap / Math.sqrt(v);
        }

        /** A as both scorer and reference. */
        public double fastDetectGptSelf() {
            double gap = 0;
            double v = 0;
            for (int i = 0; i < logprobA.length; i++) {
                gap += logprobA[i] + entropyA[i];
                v += selfVarA[i];
            }
            return gap / Math.sqrt(v);
        }

        /** GLTR's buckets of A's ranks: ≤ 10, 11–100, 101–1000, > 1000. */
        public double[] gltrA() {
            double[] out = new double[4];
            for (int r : rankA) {
                out[r <= 10 ? 0 : r <= 100 ? 1 : r <= 1000 ? 2 : 3] += 1.0 / rankA.length;
            }
            return out;
        }
    }

    /** The terms of seq under a (and b, which may be null: then B's and the joint terms are A's own). */
    public static Terms of(TinyGpt2 a, TinyGpt2 b, int[] seq) {
        double[][] la = a.referenceLogits(seq);
        double[][] lb = (b == null ? a : b).referenceLogits(seq);
        int n = seq.length - 1;
        double[] lpA = new double[n], lpB = new double[n], hA = new double[n], svA = new double[n];
        double[] cross = new double[n], mean = new double[n], variance = new double[n];
        int[] rA = new int[n], rB = new int[n];
        for (int i = 0; i < n; i++) {
            double[] p = TinyGpt2.logSoftmax(la[i]);
            double[] q = TinyGpt2.logSoftmax(lb[i]);
            int x = seq[i + 1];
            lpA[i] = p[x];
            lpB[i] = q[x];
            double h = 0, c = 0, mu = 0, m2 = 0, m2self = 0;
            int aboveA = 0, aboveB = 0;
            for (int v = 0; v < p.length; v++) {
                double pv = Math.exp(p[v]);
                double qv = Math.exp(q[v]);
                h -= pv * p[v];
                m2self += pv * p[v] * p[v];
                c += pv * -q[v];
                mu += qv * p[v];
                m2 += qv * p[v] * p[v];
                if (p[v] > p[x]) aboveA++;
                if (q[v] > q[x]) aboveB++;
            }
            hA[i] = h;
            svA[i] = m2self - h * h;
            cross[i] = c;
            mean[i] = mu;
            variance[i] = m2 - mu * mu;
            rA[i] = aboveA + 1;
            rB[i] = aboveB + 1;
        }
        return new Terms(lpA, lpB, rA, rB, hA, svA, cross, mean, variance);
    }
}
