package org.tokenscope.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.LogitsProcessor;
import org.tokenscope.generate.ProcessorChain;
import org.tokenscope.generate.RepetitionPenalty;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Strategy;
import org.tokenscope.generate.Temperature;
import org.tokenscope.generate.TopKFilter;
import org.tokenscope.generate.TopPFilter;

/**
 * A strategy as the sampling parameters of an OpenAI-compatible request, read off the strategy's
 * processors (each is a public record) so the strategies themselves need no change.
 * <ul>
 *   <li>greedy: {@code temperature: 0} (the server's argmax), with {@code repetition_penalty} when it has one;</li>
 *   <li>sampling: {@code temperature} (1 when it has none, so the server's own default does not apply),
 *       {@code top_p}, {@code top_k}, {@code repetition_penalty} and {@code seed}. {@code top_k} and
 *       {@code repetition_penalty} are vLLM's extra parameters (OpenAI's API has neither and refuses them;
 *       they are sent only when set). The server applies them in its own order and draws from its own
 *       random stream, so a seed repeats the server's run, not ours;</li>
 *   <li>beam search: refused, with a sentence.</li>
 * </ul>
 *
 * @param temperature       0 for greedy
 * @param topP              null when not set
 * @param topK              null when not set
 * @param repetitionPenalty null when not set
 * @param seed              null for greedy
 */
record SamplingParameters(double temperature, Double topP, Integer topK, Double repetitionPenalty, Long seed) {

    static SamplingParameters of(Strategy strategy) {
        return switch (strategy) {
            case Greedy g -> {
                Double penalty = null;
                for (LogitsProcessor p : flat(g.processor())) {
                    if (p instanceof RepetitionPenalty r) penalty = r.penalty();
                    else throw unsupported(p);
                }
                yield new SamplingParameters(0, null, null, penalty, null);
            }
            case Sampling s -> {
                double temperature = 1;
                Double topP = null;
                Integer topK = null;
                Double penalty = null;
                for (LogitsProcessor p : flat(s.processor())) {
                    switch (p) {
                        case Temperature t -> temperature = t.temperature();
                        case TopPFilter t -> topP = t.p();
                        case TopKFilter t -> topK = t.k();
                        case RepetitionPenalty r -> penalty = r.penalty();
                        default -> throw unsupported(p);
                    }
                }
                yield new SamplingParameters(temperature, topP, topK, penalty, s.seed());
            }
            case BeamSearch b -> throw new IllegalArgumentException(
                    "Beam search is not supported by remote backends: use greedy decoding or sampling.");
        };
    }

    /** Writes the parameters into a request body. */
    void writeTo(ObjectNode body) {
        body.put("temperature", temperature);
        if (topP != null) body.put("top_p", topP);
        if (topK != null) body.put("top_k", topK);
        if (repetitionPenalty != null) body.put("repetition_penalty", repetitionPenalty);
        if (seed != null) body.put("seed", seed);
    }

    private static List<LogitsProcessor> flat(LogitsProcessor p) {
        return p instanceof ProcessorChain c ? c.processors() : List.of(p);
    }

    private static IllegalArgumentException unsupported(LogitsProcessor p) {
        return new IllegalArgumentException("A remote server cannot apply " + p.getClass().getSimpleName()
                + "; remote generation takes temperature, top-k, top-p, a repetition penalty and a seed.");
    }
}
