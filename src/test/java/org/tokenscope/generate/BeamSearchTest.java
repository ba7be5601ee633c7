package org.tokenscope.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.Distribution;

class BeamSearchTest {

    private static final int[] PROMPT = {3, 2, 0};

    private static GenerationRequest request(int maxNewTokens, Strategy strategy) {
        return GenerationRequest.builder().setPrompt(PROMPT).setMaxNewTokens(maxNewTokens).optStrategy(strategy).build();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void oneBeamEqualsGreedy() {
        for (long seed = 0; seed < 30; seed++) {
            FakeModel model = FakeModel.hashed(seed, 64);
            Generator g = new Generator(model);
            Sequence greedy = g.generate(request(20, new Greedy())).best();
            GenerationResult beam = g.generate(request(20, BeamSearch.of(1)));
            assertThat(beam.sequences()).hasSize(1);
            assertThat(beam.best().ids()).as("seed %d", seed).isEqualTo(greedy.ids());
            assertThat(beam.best().score()).isCloseTo(greedy.score() / greedy.length(), within(1e-9));
            assertThat(model.openSessions).isZero();
        }
    }

    @Test
    void scoresFollowFromTheStepLogProbsByTheLengthPenalty() {
        for (double lengthPenalty : new double[] {1.0, 0.0, 2.0, -0.7}) {
            for (long seed = 0; seed < 10; seed++) {
                FakeModel model = FakeModel.hashed(seed, 64);
                BeamSearch strategy = BeamSearch.of(3).withLengthPenalty(lengthPenalty).withRepetitionPenalty(1.4);
                GenerationResult r = new Generator(model).generate(request(10, strategy));
                assertThat(r.sequences()).hasSize(3);
                double previous = Double.POSITIVE_INFINITY;
                for (Sequence s : r.sequences()) {
                    double sum = s.steps().stream().mapToDouble(Step::processedLogprob).sum();
                    assertThat(s.score()).isCloseTo(sum / Math.pow(s.length(), lengthPenalty), within(1e-9));
                    assertThat(s.score()).isLessThanOrEqualTo(previous); // best first
                    previous = s.score();
                    // every step's log-probs equal those of a fresh, uncached forward pass over the beam's tokens
                    int[] seq = PROMPT.clone();
                    for (Step step : s.steps()) {
                        float[] logits = model.logitsOf(seq);
                        double[] logProbs = Distribution.logSoftmax(logits);
                        double[] processed = strategy.processor().process(seq, logProbs);
                        assertThat(step.logprob()).isCloseTo(logProbs[step.id()], within(1e-12));
                        assertThat(step.processedLogprob()).isCloseTo(processed[step.id()], within(1e-12));
                        assertThat(step.rank()).isEqualTo(Distribution.rank(logits, step.id()));
                        assertThat(step.sampleProb()).isNull();
                        seq = concat(seq, new int[] {step.id()});
                    }
                    boolean eos = s.ids()[s.length() - 1] == FakeModel.EOS;
                    assertThat(s.stopReason()).isEqualTo(eos ? StopReason.END_OF_TEXT : StopReason.MAX_NEW_TOKENS);
                    if (!eos) assertThat(s.length()).isEqualTo(10);
                }
                assertThat(model.openSessions).isZero();
            }
        }
    }

    @Test
    void matchesALiteralTranscriptionOfTransformersBeamSearch() {
        for (int beams = 1; beams <= 4; beams++) {
            for (double lengthPenalty : new double[] {1.0, 0.0, 1.5, -1.0}) {
                for (EarlyStopping es : EarlyStopping.values()) {
                    for (long seed = 0; seed < 8; seed++) {
                        for (float eosBias : new float[] {-2.5f, 1.5f}) {
                            double penalty = seed % 2 == 0 ? 1.0 : 1.3;
                            FakeModel model = FakeModel.hashed(seed * 31 + beams, 64, eosBias);
                            BeamSearch strategy = BeamSearch.of(beams).withLengthPenalty(lengthPenalty)
                                    .withEarlyStopping(es).withRepetitionPenalty(penalty);
                            int maxNew = (int) (seed % 3) * 5 + 2;
                            GenerationResult result = new Generator(model).generate(request(maxNew, strategy));
                            List<Sequence> ours = result.sequences();
                            int stepsRun = result.beamTree().nodes().stream().mapToInt(BeamTree.Node::step).max().orElseThrow() + 1;
                            List<Hypothesis> theirs = transformers(model, PROMPT, maxNew, strategy);
                            String what = "beams=" + beams + " lp=" + lengthPenalty + " " + es + " seed=" + seed
                                    + " penalty=" + penalty + " eosBias=" + eosBias;
                            assertThat(ours).as(what).hasSize(theirs.size());
                            assertThat(stepsRun).as(what + " steps").isEqualTo(theirs.get(0).steps);
                            for (int i = 0; i < ours.size(); i++) {
                                assertThat(ours.get(i).ids()).as(what + " #" + i).isEqualTo(theirs.get(i).ids);
                                assertThat(ours.get(i).score()).as(what + " #" + i).isCloseTo(theirs.get(i).score, within(1e-9));
                            }
                        }
                    }
                }
            }
        }
    }

    private record Hypothesis(int[] ids, double score, int steps) {
    }

    /**
     * transformers' {@code _beam_search} for one batch item, transcribed literally: {@code beams} copies of
     * the prompt (all but the first scored −1e9), top 2·beams over the flattened [beams·vocab] scores,
     * {@code top_num_beam_mask}, −1e9 masks, the merge by top-k, and {@code _check_early_stop_heuristic}.
     * No cache: every step is a full forward pass.
     */
    private static List<Hypothesis> transformers(FakeModel model, int[] prompt, int maxNew, BeamSearch bs) {
        int vocab = model.vocabSize();
        int beams = bs.beams();
        int p = prompt.length;
        int maxLength = p + maxNew;
        double lp = bs.lengthPenalty();
        int k = Math.max(2, 1 + 1) * beams;
        int[][] running = new int[beams][];
        double[] runningScores = new double[beams];
        for (int b = 0; b < beams; b++) {
            running[b] = Arrays.copyOf(prompt, maxLength);
            runningScores[b] = b == 0 ? 0 : -1e9;
        }
        int[][] sequences = new int[beams][maxLength];
        int[] lengths = new int[beams];
        double[] beamScores = new double[beams];
        Arrays.fill(beamScores, -1e9);
        boolean[] finished = new boolean[beams];
        boolean improvable = true;
        int cur = p;
        while (true) {
            double[] acc = new double[beams * vocab];
            for (int b = 0; b < beams; b++) {
                int[] seq = Arrays.copyOf(running[b], cur);
                double[] logProbs = bs.processor().process(seq, Distribution.logSoftmax(model.logitsOf(seq)));
                for (int v = 0; v < vocab; v++) acc[b * vocab + v] = logProbs[v] + runningScores[b];
            }
            int[] order = topIndices(acc, k);
            double[] topLogProbs = new double[k];
            int[][] topSequences = new int[k][];
            boolean[] hits = new boolean[k];
            for (int i = 0; i < k; i++) {
                int idx = order[i];
                topLogProbs[i] = acc[idx];
                topSequences[i] = running[idx / vocab].clone();
                topSequences[i][cur] = idx % vocab;
                hits[i] = idx % vocab == FakeModel.EOS || cur + 1 >= maxLength;
            }
            // _get_running_beams_for_next_iteration
            double[] topRunning = new double[k];
            for (int i = 0; i < k; i++) topRunning[i] = topLogProbs[i] + (hits[i] ? -1e9 : 0);
            int[] next = topIndices(topRunning, beams);
            int[][] newRunning = new int[beams][];
            double[] newRunningScores = new double[beams];
            for (int j = 0; j < beams; j++) {
                newRunning[j] = topSequences[next[j]];
                newRunningScores[j] = topRunning[next[j]];
            }
            // _update_finished_beams
            boolean allFinished = true;
            for (boolean f : finished) allFinished &= f;
            double[] mergedScores = Arrays.copyOf(beamScores, beams + k);
            int[][] mergedSequences = Arrays.copyOf(sequences, beams + k);
            int[] mergedLengths = Arrays.copyOf(lengths, beams + k);
            boolean[] mergedFinished = Arrays.copyOf(finished, beams + k);
            for (int i = 0; i < k; i++) {
                boolean did = hits[i] && i < beams;
                double s = topLogProbs[i] / Math.pow(cur + 1 - p, lp);
                if (allFinished && bs.earlyStopping() == EarlyStopping.ON) s += -1e9;
                if (!improvable) s += -1e9;
                if (!did) s += -1e9;
                mergedScores[beams + i] = s;
                mergedSequences[beams + i] = topSequences[i];
                mergedLengths[beams + i] = cur + 1;
                mergedFinished[beams + i] = did;
            }
            int[] keep = topIndices(mergedScores, beams);
            int[][] newSequences = new int[beams][];
            for (int j = 0; j < beams; j++) {
                newSequences[j] = mergedSequences[keep[j]];
                beamScores[j] = mergedScores[keep[j]];
                lengths[j] = mergedLengths[keep[j]];
                finished[j] = mergedFinished[keep[j]];
            }
            sequences = newSequences;
            running = newRunning;
            runningScores = newRunningScores;
            cur++;
            // _check_early_stop_heuristic
            int length = bs.earlyStopping() == EarlyStopping.NEVER && lp > 0 ? maxLength - p : cur - p;
            double bestPossible = runningScores[0] / Math.pow(length, lp);
            double min = Arrays.stream(beamScores).min().orElseThrow();
            boolean any = false;
            for (int b = 0; b < beams; b++) any |= bestPossible > (finished[b] ? min : -1e9);
            improvable &= any;
            // _beam_search_has_unfinished_sequences
            allFinished = true;
            for (boolean f : finished) allFinished &= f;
            boolean allHit = true;
            for (boolean h : hits) allHit &= h;
            boolean openBeam = !(allFinished && bs.earlyStopping() == EarlyStopping.ON);
            if (!(improvable && openBeam && !allHit)) break;
        }
        List<Hypothesis> out = new ArrayList<>();
        for (int b = 0; b < beams; b++) {
            out.add(new Hypothesis(Arrays.copyOfRange(sequences[b], p, lengths[b]), beamScores[b], cur - p));
        }
        return out;
    }

    /** Indices of the n largest values, best first, ties by lower index. */
    private static int[] topIndices(double[] x, int n) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < x.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> x[a] != x[b] ? Double.compare(x[b], x[a]) : a - b);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = order[i];
        return out;
    }

    @Test
    void beamSearchFindsWhatGreedyMisses() {
        // after the prompt: a (p≈.5) or b (p≈.4); after a, a flat distribution; after b, c almost surely
        FakeModel model = new FakeModel(seq -> {
            float[] out = new float[FakeModel.VOCAB.length];
            int generated = seq.length - PROMPT.length;
            if (generated == 0) {
                Arrays.fill(out, -10);
                out[0] = (float) Math.log(0.5);
                out[1] = (float) Math.log(0.4);
            } else if (generated == 1 && seq[seq.length - 1] == 1) {
                Arrays.fill(out, -10);
                out[3] = 0;
            }
            return out;
        }, 64);
        Generator g = new Generator(model);
        assertThat(g.generate(request(2, new Greedy())).best().ids()[0]).isEqualTo(0);
        GenerationResult beam = g.generate(request(2, BeamSearch.of(2).withLengthPenalty(0)));
        assertThat(beam.best().ids()).containsExactly(1, 3);
        assertThat(beam.best().text()).isEqualTo("bc");
        assertThat(beam.sequences()).hasSize(2);
        assertThat(beam.sequences().get(1).ids()[0]).isEqualTo(0);
    }

    @Test
    void theTreeHoldsEveryCandidateWithItsParent() {
        FakeModel model = FakeModel.hashed(4, 64);
        List<Integer> reported = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onBeamStep(int step, List<BeamTree.Node> candidates) {
                assertThat(candidates).allSatisfy(n -> assertThat(n.step()).isEqualTo(step));
                reported.add(candidates.size());
            }
        };
        GenerationResult r = new Generator(model).generate(request(8, BeamSearch.of(3)), listener, () -> false);
        BeamTree tree = r.beamTree();
        assertThat(tree.finals()).hasSameSizeAs(r.sequences());
        assertThat(reported.stream().mapToInt(Integer::intValue).sum()).isEqualTo(tree.nodes().size());
        for (int i = 0; i < r.sequences().size(); i++) {
            Sequence s = r.sequences().get(i);
            List<BeamTree.Node> path = tree.path(tree.finals().get(i));
            assertThat(path.stream().mapToInt(BeamTree.Node::token).toArray()).isEqualTo(s.ids());
            assertThat(path.get(path.size() - 1).fate()).isEqualTo(BeamTree.Fate.FINISHED);
            assertThat(path.get(0).parent()).isEqualTo(-1);
            double sum = 0;
            for (int k = 0; k < path.size(); k++) {
                sum += path.get(k).logprob();
                assertThat(path.get(k).score()).isCloseTo(sum, within(1e-12));
                assertThat(path.get(k).step()).isEqualTo(k);
                if (k < path.size() - 1) assertThat(path.get(k).fate()).isEqualTo(BeamTree.Fate.CONTINUED);
            }
        }
        for (BeamTree.Node n : tree.nodes()) {
            assertThat(tree.atStep(n.step())).hasSizeLessThanOrEqualTo(6);
            if (n.parent() >= 0) {
                assertThat(tree.nodes().get(n.parent()).step()).isEqualTo(n.step() - 1);
                assertThat(tree.nodes().get(n.parent()).fate()).isEqualTo(BeamTree.Fate.CONTINUED);
            }
        }
        assertThat(r.beamTree()).isNotNull();
        assertThat(new Generator(model).generate(request(3, new Greedy())).beamTree()).isNull();
    }

    @Test
    void sessionsAreForkedForBranchesAndAllClosed() {
        FakeModel model = FakeModel.hashed(9, 64);
        GenerationResult r = new Generator(model).generate(request(12, BeamSearch.of(4).withEarlyStopping(EarlyStopping.NEVER)));
        assertThat(r.sequences()).hasSize(4);
        assertThat(model.openSessions).isZero();
        assertThat(model.sessionsOpened).isGreaterThan(1);
        // one new position per running beam per step, after the prompt
        long continued = r.beamTree().nodes().stream().filter(n -> n.fate() == BeamTree.Fate.CONTINUED).count();
        assertThat(model.positionsFed).isLessThanOrEqualTo(PROMPT.length + (int) continued);
    }

    @Test
    void earlyStoppingOnStopsAsSoonAsEnoughHypothesesAreFinished() {
        // end-of-text is likely at every step: with ON the search stops once `beams` hypotheses have ended
        FakeModel model = new FakeModel(seq -> {
            float[] out = new float[FakeModel.VOCAB.length];
            for (int v = 0; v < out.length; v++) out[v] = (float) Math.sin(seq.length * 7 + v * 3);
            out[FakeModel.EOS] = 2.5f;
            return out;
        }, 64);
        Generator g = new Generator(model);
        GenerationResult on = g.generate(request(20, BeamSearch.of(2).withEarlyStopping(EarlyStopping.ON)));
        GenerationResult never = g.generate(request(20, BeamSearch.of(2).withEarlyStopping(EarlyStopping.NEVER)
                .withLengthPenalty(2.0)));
        int stepsOn = on.beamTree().nodes().stream().mapToInt(BeamTree.Node::step).max().orElseThrow();
        int stepsNever = never.beamTree().nodes().stream().mapToInt(BeamTree.Node::step).max().orElseThrow();
        assertThat(on.sequences()).allSatisfy(s -> assertThat(s.stopReason()).isEqualTo(StopReason.END_OF_TEXT));
        assertThat(stepsOn).isLessThan(stepsNever);
    }

    @Test
    void cancellationReturnsTheBeamsSoFar() {
        FakeModel model = FakeModel.hashed(2, 64);
        AtomicInteger steps = new AtomicInteger();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onBeamStep(int step, List<BeamTree.Node> candidates) {
                steps.incrementAndGet();
            }
        };
        GenerationResult r = new Generator(model).generate(request(30, BeamSearch.of(3)), listener, () -> steps.get() >= 3);
        assertThat(r.cancelled()).isTrue();
        assertThat(r.sequences()).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(r.sequences()).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(3));
        assertThat(r.sequences()).anySatisfy(s -> assertThat(s.stopReason()).isEqualTo(StopReason.CANCELLED));
        assertThat(model.openSessions).isZero();

        GenerationResult before = new Generator(model).generate(request(30, BeamSearch.of(3)), listener, () -> true);
        assertThat(before.best().length()).isZero();
    }
}
