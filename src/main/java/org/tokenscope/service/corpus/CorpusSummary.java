package org.tokenscope.service.corpus;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.tokenscope.analysis.Roc;

/**
 * A labelled corpus's verdict: per metric, oriented so that machine-like is positive (Binoculars and
 * perplexity: lower is machine; Fast-DetectGPT: higher), the ROC curve, AUROC and TPR at 1 % FPR.
 * A metric no document has is left out. Documents without a label are counted but not in the curves.
 *
 * @param positive the machine-written label, or null when the corpus has fewer than two classes
 * @param metrics  by name ({@code binoculars}, {@code fast_detectgpt}, {@code perplexity_A},
 *                 {@code perplexity_B}); thresholds in each metric's own units (for a lower-is-machine
 *                 metric a document is called machine-written when its score is ≤ the threshold);
 *                 empty without two classes
 */
public record CorpusSummary(int documents, long tokens, String positive, Map<String, Metric> metrics) {

    /** A metric's curve and the direction of its threshold. */
    public record Metric(Roc roc, boolean lowerIsMachine) {
    }

    public static CorpusSummary of(Collection<CorpusResult> results, String positive) {
        long tokens = results.stream().mapToLong(CorpusResult::tokens).sum();
        Map<String, Metric> metrics = new LinkedHashMap<>();
        if (positive != null) {
            List<CorpusResult> labelled = results.stream().filter(r -> r.label() != null).toList();
            boolean[] machine = new boolean[labelled.size()];
            for (int i = 0; i < machine.length; i++) {
                machine[i] = positive.equals(labelled.get(i).label());
            }
            add(metrics, "binoculars", labelled, CorpusResult::binoculars, machine, true);
            add(metrics, "fast_detectgpt", labelled, CorpusResult::fastDetectGpt, machine, false);
            add(metrics, "perplexity_A", labelled, CorpusResult::perplexityA, machine, true);
            add(metrics, "perplexity_B", labelled, CorpusResult::perplexityB, machine, true);
        }
        return new CorpusSummary(results.size(), tokens, positive, metrics);
    }

    private static void add(Map<String, Metric> metrics, String name, List<CorpusResult> docs,
                            ToDoubleFunction<CorpusResult> metric, boolean[] machine, boolean lowerIsMachine) {
        double[] scores = docs.stream().mapToDouble(metric).map(x -> Double.isFinite(x) ? x : Double.NaN).toArray();
        if (java.util.Arrays.stream(scores).allMatch(Double::isNaN)) {
            return;
        }
        Roc roc = lowerIsMachine ? Roc.ofLowerIsPositive(scores, machine) : Roc.of(scores, machine);
        metrics.put(name, new Metric(roc, lowerIsMachine));
    }
}
