package org.tokenscope.generate;

import java.util.ArrayList;
import java.util.List;

/** Processors applied in order; a value, so that a strategy can be compared and printed. */
public record ProcessorChain(List<LogitsProcessor> processors) implements LogitsProcessor {

    static final ProcessorChain EMPTY = new ProcessorChain(List.of());

    public ProcessorChain {
        processors = List.copyOf(processors);
    }

    /** The processors in order, nested chains flattened. */
    public static ProcessorChain of(LogitsProcessor... processors) {
        List<LogitsProcessor> flat = new ArrayList<>();
        for (LogitsProcessor p : processors) {
            if (p instanceof ProcessorChain c) flat.addAll(c.processors);
            else flat.add(p);
        }
        return new ProcessorChain(flat);
    }

    @Override
    public double[] process(int[] sequence, double[] scores) {
        double[] out = scores.clone();
        for (LogitsProcessor p : processors) out = p.process(sequence, out);
        return out;
    }
}
