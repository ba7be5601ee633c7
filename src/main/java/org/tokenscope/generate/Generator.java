package org.tokenscope.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ByteText;
import org.tokenscope.analysis.Distribution;

/**
 * Runs a {@link Strategy} over a {@link DecoderModel}: feeds the prompt once, then one token per step
 * through the session's key/value cache, and records every step.
 *
 * <p>Greedy decoding and sampling follow transformers' {@code _sample}: the processors turn the logits
 * into scores, then the argmax or a draw from {@code softmax(scores)} picks the token. Beam search follows
 * {@code _beam_search} (see {@link BeamSearch}). A sequence ends at the end-of-text token, when its text
 * reaches a stop string, or after {@code maxNewTokens} tokens.
 *
 * <p>Cancellation is checked before every forward pass; a cancelled run returns what it generated so
 * far, marked {@link StopReason#CANCELLED}. Not thread-safe: one generation at a time, on the thread
 * that owns the model.
 */
public final class Generator {

    private final DecoderModel model;
    private final String[] tokenTexts; // lazily filled display texts

    public Generator(DecoderModel model) {
        this.model = model;
        this.tokenTexts = new String[model.vocabSize()];
    }

    /** Generates without callbacks. */
    public GenerationResult generate(GenerationRequest request) {
        return generate(request, GenerationListener.NONE, () -> false);
    }

    /**
     * Generates, reporting each step to {@code listener} and stopping early when {@code cancelled}
     * becomes true.
     *
     * @throws IllegalArgumentException when the prompt plus {@code maxNewTokens} exceed the model's
     *                                  context, or the prompt holds an id outside the vocabulary
     */
    public GenerationResult generate(GenerationRequest request, GenerationListener listener, BooleanSupplier cancelled) {
        checkFits(request);
        return switch (request.strategy()) {
            case Greedy g -> single(request, g.processor(), null, listener, cancelled);
            case Sampling s -> single(request, s.processor(), new SplittableRandom(s.seed()), listener, cancelled);
            case BeamSearch b -> new BeamSearcher(this, model, request, b, listener, cancelled).run();
        };
    }

    private void checkFits(GenerationRequest request) {
        int[] prompt = request.prompt();
        for (int id : prompt) {
            if (id < 0 || id >= model.vocabSize()) {
                throw new IllegalArgumentException("The prompt holds token id " + id
                        + ", outside the model's vocabulary of " + model.vocabSize() + " tokens.");
            }
        }
        int context = model.contextLength();
        if (prompt.length >= context) {
            throw new IllegalArgumentException("The prompt has " + prompt.length + " tokens, which fills the model's context of "
                    + context + " tokens and leaves no room to generate; shorten the prompt.");
        }
        int total = prompt.length + request.maxNewTokens();
        if (total > context) {
            throw new IllegalArgumentException("The prompt (" + prompt.length + " tokens) plus " + request.maxNewTokens()
                    + " new tokens need " + total + " positions, more than the model's context of " + context
                    + "; shorten the prompt or ask for at most " + (context - prompt.length) + " new tokens.");
        }
    }

    /** Greedy decoding ({@code rng == null}) or sampling. */
    private GenerationResult single(GenerationRequest request, LogitsProcessor processor, SplittableRandom rng,
                                    GenerationListener listener, BooleanSupplier cancelled) {
        int[] prompt = request.prompt();
        int max = request.maxNewTokens();
        int[] eos = model.stopIds();
        StopStrings stops = new StopStrings(request.stopStrings());
        Bytes text = new Bytes(promptTail(prompt, stops.lookBehind()));
        int textStart = text.length();
        Utf8Stream stream = new Utf8Stream();
        int[] seq = Arrays.copyOf(prompt, prompt.length + max); // prompt, then the new tokens
        int n = prompt.length;
        List<Step> steps = new ArrayList<>();
        StopReason reason;
        if (cancelled.getAsBoolean()) {
            reason = StopReason.CANCELLED;
        } else {
            try (LogitsSession session = model.newSession()) {
                float[] logits = session.append(prompt); // [vocab]
                // no processors (plain greedy or sampling): the scores are the logits, not copied again,
                // handed through an empty chain and compared back (1.7% of a gpt2 q8 step)
                boolean plain = processor == LogitsProcessor.identity();
                while (true) {
                    double[] scores = plain ? toDouble(logits)                                        // [vocab]
                            : processor.process(Arrays.copyOf(seq, n), toDouble(logits));
                    int token = rng == null ? argmax(scores) : sample(scores, rng);
                    Distribution raw = Distribution.of(logits);
                    // unprocessed scores (greedy, no penalty) have the raw log-sum-exp: no second pass over V
                    double processedLogprob = plain || equal(scores, logits) ? raw.logProb(token)
                            : scores[token] - Distribution.logSumExp(scores);
                    Double sampleProb = rng == null ? null : Math.exp(processedLogprob);
                    Step step = step(steps.size(), token, raw, sampleProb, processedLogprob,
                            request.topAlternatives());
                    seq[n++] = token;
                    steps.add(step);
                    listener.onStep(step);
                    if (isStop(eos, token)) {
                        reason = StopReason.END_OF_TEXT;
                        break;
                    }
                    byte[] bytes = model.tokenBytes(token);
                    int from = text.length();
                    text.append(bytes);
                    String piece = stream.push(bytes);
                    if (!piece.isEmpty()) listener.onText(piece);
                    if (stops.hit(text.array(), text.length(), from)) {
                        reason = StopReason.STOP_STRING;
                        break;
                    }
                    if (steps.size() == max) {
                        reason = StopReason.MAX_NEW_TOKENS;
                        break;
                    }
                    if (cancelled.getAsBoolean()) {
                        reason = StopReason.CANCELLED;
                        break;
                    }
                    logits = session.append(new int[] {token});
                }
            }
        }
        String rest = stream.finish();
        if (!rest.isEmpty()) listener.onText(rest);
        double score = 0;
        for (Step s : steps) score += s.logprob();
        Sequence sequence = new Sequence(Arrays.copyOfRange(seq, prompt.length, n),
                ByteText.decode(text.array(), textStart, text.length()), score, Step.asRead(steps, model::tokenBytes), reason);
        return new GenerationResult(prompt, request.strategy(), List.of(sequence), reason == StopReason.CANCELLED, null);
    }

    // ---- shared with BeamSearcher ----------------------------------------------------------------

    private static boolean equal(double[] scores, float[] logits) {
        for (int i = 0; i < logits.length; i++) {
            if (scores[i] != logits[i]) return false;
        }
        return true;
    }

    /** A step record: raw log-prob, rank, entropy and alternatives from {@code raw}. */
    Step step(int index, int token, Distribution raw, Double sampleProb, double processedLogprob, int topK) {
        return step(index, token, raw, raw.entropy(), alternatives(raw, topK), sampleProb, processedLogprob);
    }

    /** As above, with the entropy and alternatives of {@code raw} already computed (shared by sibling beams). */
    Step step(int index, int token, Distribution raw, double entropy, List<Alternative> top, Double sampleProb,
              double processedLogprob) {
        return new Step(index, token, tokenText(token), raw.logProb(token), sampleProb, raw.rank(token), entropy, top,
                processedLogprob);
    }

    List<Alternative> alternatives(Distribution raw, int topK) {
        return raw.top(topK).alternatives(this::tokenText);
    }

    /** The display text of a token: its characters, and any partial bytes as {@code \xNN}. */
    String tokenText(int id) {
        String t = tokenTexts[id];
        if (t == null) {
            t = ByteText.display(model.tokenBytes(id));
            tokenTexts[id] = t;
        }
        return t;
    }

    /** The last {@code count} bytes of the prompt's text, for stop strings that begin in the prompt. */
    byte[] promptTail(int[] prompt, int count) {
        byte[] tail = new byte[0];
        for (int i = prompt.length - 1; i >= 0 && tail.length < count; i--) {
            byte[] b = model.tokenBytes(prompt[i]);
            byte[] joined = Arrays.copyOf(b, b.length + tail.length);
            System.arraycopy(tail, 0, joined, b.length, tail.length);
            tail = joined;
        }
        return tail.length <= count ? tail : Arrays.copyOfRange(tail, tail.length - count, tail.length);
    }

    static double[] toDouble(float[] x) { // [vocab] -> [vocab]
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }

    /** The first index of the maximum, as {@code torch.argmax}. */
    static int argmax(double[] scores) {
        int best = 0;
        for (int v = 1; v < scores.length; v++) {
            if (scores[v] > scores[best]) best = v;
        }
        return best;
    }

    /** A draw from {@code softmax(scores)}: the first token whose cumulative probability exceeds a uniform u. */
    static int sample(double[] scores, SplittableRandom rng) {
        double lse = Distribution.logSumExp(scores);
        if (!Double.isFinite(lse)) {
            throw new IllegalStateException("No token is left to sample from (every score is -inf or not a number).");
        }
        double u = rng.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int v = 0; v < scores.length; v++) {
            double p = Math.exp(scores[v] - lse);
            if (p == 0) continue;
            cumulative += p;
            last = v;
            if (u < cumulative) return v;
        }
        return last; // rounding left u just above the total
    }

    /** Whether {@code token} is one of the model's stop ids. */
    static boolean isStop(int[] stopIds, int token) {
        for (int id : stopIds) {
            if (id == token) {
                return true;
            }
        }
        return false;
    }
}
