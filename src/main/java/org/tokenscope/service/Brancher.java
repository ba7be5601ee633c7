package org.tokenscope.service;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.ByteText;
import org.tokenscope.analysis.Distribution;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.Branch;
import org.tokenscope.backend.Branch.Choice;
import org.tokenscope.backend.Branch.Fork;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Generator;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.generate.StopReason;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.TokenizedText;

/**
 * What if the model had read another token here? Replaces token {@code at} of a sequence by an
 * alternative and lets the model continue from there: the continuation is exactly what
 * {@link Generator} makes from the edited prefix {@code ids[0, at) + [alternative]}.
 */
public final class Brancher {

    private Brancher() {
    }

    /**
     * Forks {@code text} at its token {@code at}.
     *
     * @param token a token id (digits), or a text that is exactly one token
     */
    public static Branch branch(LanguageModel model, String text, int at, String token, Backend.GenerationSettings settings,
                                GenerationListener listener, BooleanSupplier cancel) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is no token to fork at.");
        }
        TokenizedText tokens = model.tokenizer().encode(text);
        if (at < 0 || at >= tokens.size()) {
            throw new IllegalArgumentException("The text has " + tokens.size() + " tokens (0.." + (tokens.size() - 1)
                    + "); there is no token " + at + " to fork at.");
        }
        Branch b = branch(model, tokens.ids(), at, resolveToken(model, token), settings, listener, cancel);
        return new Branch(text.substring(0, tokens.starts()[at]), b.fork(), b.result());
    }

    /**
     * Forks {@code ids} at position {@code at}: {@code with} replaces {@code ids[at]}, then the model
     * continues for {@code settings.maxNewTokens()} tokens (0: none) with the settings' strategy, exactly
     * as {@code generate} continues the edited prefix: after the model's start token when
     * {@code settings.bos()}, as a text is scored (then the fork's log-probabilities are {@code score}'s).
     */
    public static Branch branch(LanguageModel model, int[] ids, int at, int with, Backend.GenerationSettings settings,
                                GenerationListener listener, BooleanSupplier cancel) {
        if (at < 0 || at >= ids.length) {
            throw new IllegalArgumentException("There is no token " + at + " to fork at in " + ids.length + " tokens.");
        }
        checkId(model, with);
        int[] prefix = Arrays.copyOf(ids, at);
        // the start-of-text rule of scoring and generate: after the model's start token when asked
        int[] context = StartOfText.prepend(StartOfText.token(model, settings.bos()), prefix);
        if (context.length == 0) {
            throw new IllegalArgumentException("Nothing comes before the first token to predict it: fork at token 1 "
                    + "or later, or after the model's start token.");
        }
        Distribution d;
        try (LanguageModel.Session session = model.newSession()) {
            d = Distribution.of(session.append(context)); // [vocab] after the prefix
        }
        Choice replaced = choice(model, d, ids[at]);
        Choice chosen = choice(model, d, with);
        Step first = new Step(0, with, chosen.text(), chosen.logprob(), null, d.rank(with), d.entropy(),
                d.top(settings.topAlternatives()).alternatives(id -> ByteText.display(model.tokenBytes(id))), chosen.logprob());
        listener.onStep(first);

        List<Step> steps = new ArrayList<>(List.of(first));
        StopReason reason = StopReason.MAX_NEW_TOKENS;
        boolean cancelled = false;
        if (isStop(model, with)) {
            reason = StopReason.END_OF_TEXT;
        } else if (settings.maxNewTokens() > 0) {
            int[] edited = Arrays.copyOf(context, context.length + 1);
            edited[context.length] = with;
            GenerationRequest request = GenerationRequest.builder().setPrompt(edited)
                    .setMaxNewTokens(settings.maxNewTokens()).optStrategy(settings.strategy())
                    .optStopStrings(settings.stopStrings()).optTopAlternatives(settings.topAlternatives()).build();
            GenerationResult continued = new Generator(model).generate(request, listener, cancel);
            Sequence rest = continued.best();
            for (Step s : rest.steps()) {
                steps.add(new Step(s.index() + 1, s.id(), s.text(), s.logprob(), s.sampleProb(), s.rank(), s.entropy(),
                        s.top(), s.processedLogprob()));
            }
            reason = rest.stopReason();
            cancelled = continued.cancelled();
        }
        int[] newIds = steps.stream().mapToInt(Step::id).toArray();
        double joint = steps.stream().mapToDouble(Step::logprob).sum();
        Sequence sequence = new Sequence(newIds, text(model, newIds), joint, steps, reason);
        GenerationResult result = new GenerationResult(context, settings.strategy(), List.of(sequence), cancelled, null);
        return new Branch(ByteText.display(bytes(model, prefix)), new Fork(at, replaced, chosen), result);
    }

    /** A token given as its id (digits) or as a text that is exactly one token. */
    public static int resolveToken(LanguageModel model, String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("Give the token to fork with: its id, or a text that is one token.");
        }
        if (token.chars().allMatch(Character::isDigit)) {
            int id;
            try {
                id = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                id = -1;
            }
            checkId(model, id);
            return id;
        }
        TokenizedText tokens = model.tokenizer().encode(token);
        if (tokens.size() != 1) {
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) pieces.add('"' + model.tokenizer().pieceText(tokens.ids()[i]) + '"');
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "\"%s\" is %d tokens (%s), not one; give one token's text or its id.", token, tokens.size(),
                    String.join(", ", pieces)));
        }
        return tokens.ids()[0];
    }

    private static void checkId(LanguageModel model, int id) {
        if (id < 0 || id >= model.vocabSize()) {
            throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary (0.." + (model.vocabSize() - 1) + ").");
        }
    }

    private static Choice choice(LanguageModel model, Distribution d, int id) {
        return new Choice(id, ByteText.display(model.tokenBytes(id)), d.logProb(id));
    }

    /** The text of {@code ids}, an end-of-text token left out, decoded as a generated sequence's text is (never \xNN). */
    private static String text(LanguageModel model, int[] ids) {
        byte[] bytes = bytes(model, Arrays.stream(ids).filter(id -> !isStop(model, id)).toArray());
        return ByteText.decode(bytes, 0, bytes.length);
    }

    private static boolean isStop(LanguageModel model, int id) {
        return Arrays.stream(model.stopIds()).anyMatch(s -> s == id);
    }

    private static byte[] bytes(LanguageModel model, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(model.tokenBytes(id));
        return out.toByteArray();
    }
}
