package org.tokenscope.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ByteText;
import org.tokenscope.analysis.Distribution;

/**
 * One run of {@link BeamSearch}, after transformers' {@code _beam_search} for one batch item:
 * <ol>
 *   <li>each running beam scores the vocabulary: {@code processor(log_softmax(logits))} [vocab];</li>
 *   <li>candidates are (beam, token) with score {@code beamScore + that}; the best {@code 2·beams}
 *       over all beams are kept, best first (ties: lower beam, then lower token);</li>
 *   <li>a candidate ends when its token is end-of-text, its text reaches a stop string, or it is the
 *       {@code maxNewTokens}-th token. Ending candidates among the first {@code beams} become finished
 *       hypotheses with score {@code sum / generated^lengthPenalty}; the finished set keeps the best
 *       {@code beams}. The first {@code beams} candidates that don't end run on;</li>
 *   <li>stop when no candidate runs on, when {@link EarlyStopping#ON} and {@code beams} hypotheses are
 *       finished, or when the best running beam cannot beat the worst finished one
 *       ({@code _check_early_stop_heuristic}).</li>
 * </ol>
 * transformers starts from {@code beams} copies of the prompt, all but one scored −1e9; starting from
 * one beam is the same whenever the vocabulary has at least {@code 2·beams} tokens. Where fewer than
 * {@code beams} candidates can run on (several stop strings at once), fewer beams run, instead of
 * transformers' placeholder beams scored −1e9.
 *
 * <p>Each running beam owns a {@link LogitsSession}; a beam with several children forks it, the last
 * child takes it over, and a beam without children closes it.
 */
final class BeamSearcher {

    private final Generator generator;
    private final DecoderModel model;
    private final GenerationRequest request;
    private final BeamSearch strategy;
    private final GenerationListener listener;
    private final BooleanSupplier cancelled;
    private final List<BeamTree.Node> nodes = new ArrayList<>();
    private final Set<LogitsSession> open = Collections.newSetFromMap(new IdentityHashMap<>());

    BeamSearcher(Generator generator, DecoderModel model, GenerationRequest request, BeamSearch strategy,
                 GenerationListener listener, BooleanSupplier cancelled) {
        this.generator = generator;
        this.model = model;
        this.request = request;
        this.strategy = strategy;
        this.listener = listener;
        this.cancelled = cancelled;
    }

    /** A running beam: its tokens, its summed transition scores and its session, fed up to its last token. */
    private static final class Beam {
        final int node;        // its last node in the tree, −1 for the prompt
        final double score;    // Σ transition scores
        final int[] ids;       // new tokens
        final List<Step> steps;
        final Bytes text;      // prompt tail + text of the new tokens
        LogitsSession session;
        float[] logits;        // [vocab], predicting the next token

        Beam(int node, double score, int[] ids, List<Step> steps, Bytes text) {
            this.node = node;
            this.score = score;
            this.ids = ids;
            this.steps = steps;
            this.text = text;
        }
    }

    /** A finished hypothesis, scored with the length penalty. */
    private record Finished(int node, double score, int[] ids, List<Step> steps, Bytes text, StopReason reason) {
    }

    private record Candidate(int beam, int token, double score) {
    }

    GenerationResult run() {
        int[] prompt = request.prompt();
        int beams = strategy.beams();
        int max = request.maxNewTokens();
        int[] eos = model.stopIds();
        double lengthPenalty = strategy.lengthPenalty();
        EarlyStopping earlyStopping = strategy.earlyStopping();
        StopStrings stops = new StopStrings(request.stopStrings());
        byte[] tail = generator.promptTail(prompt, stops.lookBehind());
        int textStart = tail.length;

        List<Finished> finished = new ArrayList<>(); // best first, at most `beams`
        List<Beam> running = new ArrayList<>();
        boolean improvable = true;                   // transformers' is_early_stop_heuristic_unsatisfied
        boolean wasCancelled = false;
        int generated = 0;
        if (cancelled.getAsBoolean()) {
            wasCancelled = true;
        } else {
            try {
                Beam root = new Beam(-1, 0, new int[0], List.of(), new Bytes(tail));
                root.session = track(model.newSession());
                root.logits = root.session.append(prompt);
                running.add(root);
                while (true) {
                    // a. every running beam's transition scores
                    int r = running.size();
                    Distribution[] raw = new Distribution[r];
                    double[] entropy = new double[r];            // computed on first use, per beam
                    List<List<Alternative>> alternatives = new ArrayList<>(Collections.nCopies(r, null));
                    double[][] scores = new double[r][]; // [beam][vocab]
                    for (int b = 0; b < r; b++) {
                        Beam beam = running.get(b);
                        raw[b] = Distribution.of(beam.logits);
                        scores[b] = strategy.processor().process(sequence(prompt, beam.ids), raw[b].logProbs());
                    }
                    // b. the best 2·beams continuations over all beams
                    List<Candidate> candidates = top(running, scores, 2 * beams);
                    // c. which end, which run on, which enter the finished set
                    boolean full = finished.size() == beams;
                    boolean lastStep = generated + 1 == max;
                    int base = nodes.size();
                    BeamTree.Fate[] fates = new BeamTree.Fate[candidates.size()];
                    Arrays.fill(fates, BeamTree.Fate.DROPPED);
                    List<Beam> next = new ArrayList<>();
                    List<Finished> ended = new ArrayList<>();
                    for (int i = 0; i < candidates.size(); i++) {
                        Candidate c = candidates.get(i);
                        Beam parent = running.get(c.beam());
                        Bytes text = parent.text.copy();
                        StopReason reason = null;
                        if (Generator.isStop(eos, c.token())) {
                            reason = StopReason.END_OF_TEXT;
                        } else {
                            int from = text.length();
                            text.append(model.tokenBytes(c.token()));
                            if (stops.hit(text.array(), text.length(), from)) reason = StopReason.STOP_STRING;
                            else if (lastStep) reason = StopReason.MAX_NEW_TOKENS;
                        }
                        boolean admit = reason != null && i < beams && improvable
                                && !(full && earlyStopping == EarlyStopping.ON);
                        boolean runOn = reason == null && next.size() < beams;
                        if (!admit && !runOn) continue;
                        double transition = scores[c.beam()][c.token()];
                        int b = c.beam();
                        if (alternatives.get(b) == null) {
                            entropy[b] = raw[b].entropy();
                            alternatives.set(b, generator.alternatives(raw[b], request.topAlternatives()));
                        }
                        Step step = generator.step(generated, c.token(), raw[b], entropy[b], alternatives.get(b), null,
                                transition);
                        int[] ids = Arrays.copyOf(parent.ids, parent.ids.length + 1);
                        ids[parent.ids.length] = c.token();
                        List<Step> steps = new ArrayList<>(parent.steps);
                        steps.add(step);
                        if (runOn) {
                            fates[i] = BeamTree.Fate.CONTINUED;
                            Beam child = new Beam(base + i, c.score(), ids, List.copyOf(steps), text);
                            next.add(child);
                        } else {
                            double penalized = c.score() / Math.pow(ids.length, lengthPenalty);
                            ended.add(new Finished(base + i, penalized, ids, List.copyOf(steps), text, reason));
                        }
                    }
                    finished = merge(finished, ended, beams);
                    for (Finished f : ended) {
                        if (finished.contains(f)) fates[f.node() - base] = BeamTree.Fate.FINISHED;
                    }
                    for (int i = 0; i < candidates.size(); i++) {
                        Candidate c = candidates.get(i);
                        nodes.add(new BeamTree.Node(base + i, running.get(c.beam()).node, generated, c.token(),
                                scores[c.beam()][c.token()], c.score(), fates[i]));
                    }
                    listener.onBeamStep(generated, List.copyOf(nodes.subList(base, nodes.size())));
                    generated++;

                    // d. stop?
                    if (!next.isEmpty() && improvable) {
                        int length = earlyStopping == EarlyStopping.NEVER && lengthPenalty > 0 ? max : generated;
                        double bestPossible = next.get(0).score / Math.pow(length, lengthPenalty);
                        improvable = finished.size() < beams || bestPossible > finished.get(finished.size() - 1).score();
                    }
                    boolean stop = next.isEmpty() || !improvable
                            || (finished.size() == beams && earlyStopping == EarlyStopping.ON);
                    if (!stop && cancelled.getAsBoolean()) {
                        stop = true;
                        wasCancelled = true;
                    }
                    if (stop) {
                        closeAll();
                        running = next;
                        break;
                    }
                    // e. hand the sessions down: fork for all children but the last, which takes it over
                    for (int b = 0; b < running.size(); b++) {
                        Beam parent = running.get(b);
                        List<Beam> children = new ArrayList<>();
                        for (Beam child : next) {
                            if (child.node >= base && candidates.get(child.node - base).beam() == b) children.add(child);
                        }
                        for (int k = 0; k < children.size(); k++) {
                            children.get(k).session = k < children.size() - 1 ? track(parent.session.fork()) : parent.session;
                        }
                        if (children.isEmpty()) close(parent.session);
                        parent.session = null;
                    }
                    for (Beam child : next) {
                        child.logits = child.session.append(new int[] {child.ids[child.ids.length - 1]});
                    }
                    running = next;
                }
            } finally {
                closeAll();
            }
        }
        if (wasCancelled) {
            List<Finished> unfinished = new ArrayList<>();
            for (Beam beam : running) {
                if (beam.ids.length == 0) continue;
                unfinished.add(new Finished(beam.node, beam.score / Math.pow(beam.ids.length, lengthPenalty),
                        beam.ids, beam.steps, beam.text, StopReason.CANCELLED));
            }
            finished = merge(finished, unfinished, beams);
        }
        List<Sequence> sequences = new ArrayList<>();
        List<Integer> finals = new ArrayList<>();
        for (Finished f : finished) {
            sequences.add(new Sequence(f.ids(), text(f, textStart), f.score(), f.steps(), f.reason()));
            finals.add(f.node());
        }
        if (sequences.isEmpty()) {
            sequences.add(new Sequence(new int[0], "", 0, List.of(), StopReason.CANCELLED));
        }
        return new GenerationResult(prompt, strategy, sequences, wasCancelled, new BeamTree(nodes, finals));
    }

    private static String text(Finished f, int textStart) {
        return ByteText.display(f.text().array(), textStart, f.text().length());
    }

    /** The old and new hypotheses, best first (older first among equals), at most {@code beams}. */
    private static List<Finished> merge(List<Finished> old, List<Finished> added, int beams) {
        List<Finished> all = new ArrayList<>(old);
        all.addAll(added);
        all.sort(Comparator.comparingDouble(Finished::score).reversed()); // stable
        return new ArrayList<>(all.subList(0, Math.min(beams, all.size())));
    }

    /** The {@code k} best (beam, token) pairs by {@code beam.score + scores[beam][token]}, best first. */
    private static List<Candidate> top(List<Beam> running, double[][] scores, int k) {
        int vocab = scores[0].length;
        long total = (long) running.size() * vocab;
        int n = (int) Math.min(k, total);
        double[] heapScore = new double[n]; // min-heap: the root is the worst kept
        int[] heapIndex = new int[n];       // beam * vocab + token
        int size = 0;
        for (int b = 0; b < running.size(); b++) {
            double base = running.get(b).score;
            for (int v = 0; v < vocab; v++) {
                double s = base + scores[b][v];
                if (Double.isNaN(s)) continue;
                int index = b * vocab + v;
                if (size < n) {
                    heapScore[size] = s;
                    heapIndex[size] = index;
                    up(heapScore, heapIndex, size++);
                } else if (better(s, index, heapScore[0], heapIndex[0])) {
                    heapScore[0] = s;
                    heapIndex[0] = index;
                    down(heapScore, heapIndex, 0, size);
                }
            }
        }
        List<Candidate> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) out.add(new Candidate(heapIndex[i] / vocab, heapIndex[i] % vocab, heapScore[i]));
        out.sort((a, c) -> better(a.score(), a.beam() * vocab + a.token(), c.score(), c.beam() * vocab + c.token()) ? -1 : 1);
        return out;
    }

    private static boolean better(double s, int i, double t, int j) {
        return s > t || (s == t && i < j);
    }

    private static void up(double[] s, int[] idx, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!better(s[p], idx[p], s[i], idx[i])) break;
            swap(s, idx, p, i);
            i = p;
        }
    }

    private static void down(double[] s, int[] idx, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) return;
            int worst = (l + 1 < size && better(s[l], idx[l], s[l + 1], idx[l + 1])) ? l + 1 : l;
            if (!better(s[i], idx[i], s[worst], idx[worst])) return;
            swap(s, idx, i, worst);
            i = worst;
        }
    }

    private static void swap(double[] s, int[] idx, int i, int j) {
        double ts = s[i];
        s[i] = s[j];
        s[j] = ts;
        int ti = idx[i];
        idx[i] = idx[j];
        idx[j] = ti;
    }

    private static int[] sequence(int[] prompt, int[] ids) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + ids.length);
        System.arraycopy(ids, 0, seq, prompt.length, ids.length);
        return seq;
    }

    private LogitsSession track(LogitsSession session) {
        open.add(session);
        return session;
    }

    private void close(LogitsSession session) {
        if (session != null && open.remove(session)) session.close();
    }

    private void closeAll() {
        for (LogitsSession s : List.copyOf(open)) close(s);
    }
}
