package org.tokenscope.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ByteText;

/**
 * One generated token and what the model thought of it.
 *
 * @param index            position among the new tokens, from 0
 * @param id               token id; −1 when the backend does not say (a remote server that sends only token strings)
 * @param text             the token's text; bytes that are only part of a character are written as
 *                         {@code \xNN} (e.g. {@code "\xF0\x9F"}), never as a replacement character
 * @param logprob          natural log-probability under the model's raw distribution, {@code log_softmax(logits)[id]}
 *                         (transformers' {@code compute_transition_scores(..., normalize_logits=True)} for greedy
 *                         decoding without a repetition penalty)
 * @param sampleProb       probability under the distribution actually sampled from (after the processors);
 *                         null for greedy decoding and beam search
 * @param rank             rank of the token in the raw distribution, 1 = the model's top choice; 0 when unknown
 *                         (a remote server reports only its top alternatives, and the token was not among them)
 * @param entropy          entropy of the raw distribution in nats; NaN when unknown (a remote server's top-k
 *                         does not determine it)
 * @param top              the most probable tokens of the raw distribution, best first
 * @param processedLogprob the score the strategy used for this token: {@code log_softmax(processor(logits))[id]}
 *                         for greedy and sampling (transformers' {@code compute_transition_scores(...,
 *                         normalize_logits=True)}), {@code processor(log_softmax(logits))[id]} in beam search
 *                         (the transition score a beam sums); equal to {@code logprob} without processors
 */
public record Step(int index, int id, String text, double logprob, Double sampleProb, int rank, double entropy,
                   List<Alternative> top, double processedLogprob) {

    public Step {
        top = List.copyOf(top);
    }

    public double prob() {
        return Math.exp(logprob);
    }

    /** This step showing {@code shown} as its token's text. */
    public Step withText(String shown) {
        return new Step(index, id, shown, logprob, sampleProb, rank, entropy, top, processedLogprob);
    }

    /**
     * The steps of one sequence with each token's text as the heatmap shows it (see
     * {@link ByteText#pieceTexts}): a token that ends inside a character shows
     * that character and its part, never {@code \xNN}.
     */
    public static List<Step> asRead(List<Step> steps, IntFunction<byte[]> tokenBytes) {
        List<byte[]> pieces = new ArrayList<>(steps.size());
        for (Step s : steps) pieces.add(tokenBytes.apply(s.id()));
        List<String> texts = ByteText.pieceTexts(pieces);
        List<Step> out = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) out.add(steps.get(i).withText(texts.get(i)));
        return out;
    }
}
