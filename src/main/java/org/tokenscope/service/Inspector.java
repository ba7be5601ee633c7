package org.tokenscope.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.InsideRequest;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.InspectRequest;
import org.tokenscope.model.Internals;
import org.tokenscope.model.TokenizedText;

/** Looks inside a model: its attention and logit lens over a text, as plain values (the model's half is {@link LanguageModel#inspect}). */
public final class Inspector {

    /**
     * How much attention a pass keeps at once while it makes the thumbnails of every head: f32 weights
     * are heads × n² × 4 bytes a layer (1,024 tokens × 20 heads is 80 MB), so long texts take the layers
     * a few at a time, each pass keeping only its group.
     */
    public static final long GRID_BUDGET_BYTES = 256L << 20;

    /** A look inside, given a request (a {@link Backend}'s inspect, bound to a text and a cancel flag). */
    @FunctionalInterface
    public interface Inspect {
        Inspection run(InsideRequest request) throws IOException;
    }

    /** Layers done of all. */
    @FunctionalInterface
    public interface Progress {
        void layersDone(int done, int total);
    }

    private Inspector() {
    }

    /**
     * Runs {@code text} once as its tokenizer encodes it (GPT-2: without {@code <|endoftext|>} before it; Llama
     * 3.1, Gemma: after their BOS), cut to the model's context, and keeps
     * what {@code request} asks for.
     *
     * @throws IllegalArgumentException for an empty text, with a sentence for the user
     * @throws java.util.concurrent.CancellationException when {@code cancel} says so
     */
    public static Inspection inspect(LanguageModel model, String text, InsideRequest request, BooleanSupplier cancel) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to look inside.");
        }
        TokenizedText all = model.tokenizer().encode(text);
        // fed as the tokenizer encodes it: after the BOS it adds by itself (Llama 3.1, Gemma), which
        // then is token 0 of the list and of --position; GPT-2's and Qwen's tokenizers add none
        int bos = model.tokenizer().bosId();
        int lead = bos >= 0 && all.size() > 0 ? 1 : 0;
        int n = Math.min(all.size() + lead, model.contextLength());
        if (all.size() == 0) {
            throw new IllegalArgumentException("The text has no tokens to look inside.");
        }
        int[] ids = new int[n];
        List<TokenScore> tokens = new ArrayList<>(n);
        if (lead == 1) {
            ids[0] = bos;
            tokens.add(TokenScore.unscored(0, bos, model.tokenizer().pieceText(bos), 0, 0, false));
        }
        for (int t = lead; t < n; t++) {
            int i = t - lead;
            ids[t] = all.ids()[i];
            tokens.add(TokenScore.unscored(t, all.ids()[i], all.display(i), all.starts()[i], all.ends()[i],
                    all.partial()[i]));
        }
        Internals in = model.inspect(ids, new InspectRequest(request.attentionLayers(), request.lens(),
                request.lensTopK(), request.norms()), cancel);
        LogitLens lens = in.hasLens() ? lens(model, text, tokens, in) : null;
        return new Inspection(TextScorer.summary(model), model.config().heads(), text, tokens, all.size(),
                in.attention(), lens);
    }

    private static LogitLens lens(LanguageModel model, String text, List<TokenScore> tokens, Internals in) {
        int levels = in.lensRank().length;
        int n = tokens.size();
        Map<Integer, String> texts = new HashMap<>(); // one string per id, however often it comes up
        Alternative[][][] top = new Alternative[levels][n][];
        for (int l = 0; l < levels; l++) {
            for (int t = 0; t < n; t++) {
                int[] ids = in.lensTopIds()[l][t];
                Alternative[] alts = new Alternative[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    alts[i] = new Alternative(ids[i], texts.computeIfAbsent(ids[i], model.tokenizer()::pieceText),
                            in.lensTopLogprobs()[l][t][i]);
                }
                top[l][t] = alts;
            }
        }
        return new LogitLens(model.name(), text, tokens, in.lensRank(), in.lensLogprob(), top);
    }

    /**
     * Thumbnails of every head of every layer, at most {@code size} × {@code size} each. Takes the layers
     * in groups that keep at most {@link #GRID_BUDGET_BYTES} of weights at once, one pass per group (a
     * pass runs only up to its group's last layer); each group's full weights are dropped once pooled.
     */
    public static AttentionGrid grid(Inspect inspect, int layers, int size, BooleanSupplier cancel, Progress progress)
            throws IOException {
        if (layers <= 0) {
            throw new IllegalArgumentException("A model without layers has no attention to show.");
        }
        Inspection first = inspect.run(InsideRequest.attention(0));
        int heads = first.heads();
        int n = first.tokens().size();
        long perLayer = Math.max(1, (long) heads * n * n * Float.BYTES);
        int group = (int) Math.max(1, Math.min(layers, GRID_BUDGET_BYTES / perLayer));
        List<AttentionGrid.Head> cells = new ArrayList<>(layers * heads);
        add(cells, first.attention().get(0), size);
        progress.layersDone(1, layers);
        for (int from = 1; from < layers; from += group) {
            if (cancel.getAsBoolean()) {
                throw new CancellationException("Cancelled.");
            }
            Set<Integer> wanted = new TreeSet<>();
            for (int l = from; l < Math.min(layers, from + group); l++) wanted.add(l);
            Inspection pass = inspect.run(new InsideRequest(wanted, false, 0, false));
            for (int l : wanted) add(cells, pass.attention().get(l), size);
            progress.layersDone(Math.min(layers, from + group), layers);
        }
        return new AttentionGrid(first.model().name(), n, layers, heads, cells);
    }

    private static void add(List<AttentionGrid.Head> cells, float[][][] perHead, int size) {
        for (float[][] weights : perHead) cells.add(AttentionGrid.Head.of(weights, size));
    }
}
