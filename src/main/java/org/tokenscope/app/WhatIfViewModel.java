package org.tokenscope.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.BranchTree;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.generate.Strategy;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.UserMessages;

/**
 * The "What if" tab's state: a tree of branches of model A's analysed text at one position. Pick a
 * token (in the heatmap, or a node of the tree), pick one of its alternatives or type a token, and
 * {@link #fork} lets the model continue from there on the inference thread; the path joins the tree.
 * Two paths are chosen (A and B) to compare; {@link #load} puts a path's text in the editor.
 */
public final class WhatIfViewModel {

    /** Where the next fork replaces a token: a token of the text, or a node of the tree. */
    public record ForkPoint(int textToken, int node, String token, List<Alternative> alternatives) {
        public ForkPoint {
            alternatives = List.copyOf(alternatives);
        }
    }

    /** Greedy or sampling, and how many tokens after the fork. */
    public record Settings(boolean sample, int newTokens, double temperature, long seed) {
        Strategy strategy() {
            return sample ? Sampling.of(temperature, 0, 1.0, 1.0, seed) : new Greedy();
        }
    }

    private final MainViewModel main;
    private final TaskRunner runner;
    private final ReadOnlyObjectWrapper<BranchTree> tree = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ForkPoint> forkPoint = new ReadOnlyObjectWrapper<>();
    private final ObservableList<Alternative> alternatives = FXCollections.observableArrayList();
    private final ReadOnlyIntegerWrapper first = new ReadOnlyIntegerWrapper(-1);
    private final ReadOnlyIntegerWrapper second = new ReadOnlyIntegerWrapper(-1);
    private final ObjectProperty<Settings> settings = new SimpleObjectProperty<>(new Settings(false, 12, 1.0, 0));
    private final IntegerProperty topK = new SimpleIntegerProperty(10);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(
            "Click a token in the heatmap, pick what else could have come there, and fork.");

    private int[] prefixIds = new int[0];                          // the text's ids before the tree's position
    private final Map<Integer, List<Alternative>> nodeAlternatives = new HashMap<>(); // what else each node could be
    private TaskRunner.Handle task;

    public WhatIfViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
        main.selectedProperty().addListener((o, a, b) -> chooseToken(b.intValue()));
        main.analysisProperty().addListener((o, a, b) -> chooseToken(main.selectedProperty().get()));
    }

    // ---- properties -------------------------------------------------------------------------

    public ReadOnlyObjectProperty<BranchTree> treeProperty() {
        return tree.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ForkPoint> forkPointProperty() {
        return forkPoint.getReadOnlyProperty();
    }

    /** The alternatives at the fork point, best first. */
    public ObservableList<Alternative> alternatives() {
        return FXCollections.unmodifiableObservableList(alternatives);
    }

    /** Path A (its last node), or −1. */
    public ReadOnlyIntegerProperty firstProperty() {
        return first.getReadOnlyProperty();
    }

    /** Path B (its last node), or −1. */
    public ReadOnlyIntegerProperty secondProperty() {
        return second.getReadOnlyProperty();
    }

    public ObjectProperty<Settings> settingsProperty() {
        return settings;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The name of model A, for titles. */
    public String modelName() {
        return main.slotA().nameProperty().get();
    }

    // ---- commands ---------------------------------------------------------------------------

    /** Makes token {@code index} of the analysed text the fork point (−1 or out of range: none). */
    public void chooseToken(int index) {
        Analysis an = main.analysisProperty().get();
        if (an == null || index < 0 || index >= an.a().tokens().size()) {
            setForkPoint(null);
            return;
        }
        TokenScore t = an.a().tokens().get(index);
        setForkPoint(new ForkPoint(index, -1, t.text(), t.top()));
    }

    /** Makes a node of the tree the fork point: the next fork replaces it. */
    public void chooseNode(int node) {
        BranchTree t = tree.get();
        if (t == null || node < 0 || node >= t.nodes().size()) return;
        setForkPoint(new ForkPoint(-1, node, t.nodes().get(node).text(), nodeAlternatives.getOrDefault(node, List.of())));
    }

    /** Chooses a path (by any of its nodes: the first leaf under it) as A; the A before becomes B. */
    public void choosePath(int node) {
        BranchTree t = tree.get();
        if (t == null || node < 0 || node >= t.nodes().size()) return;
        int leaf = leafUnder(t, node);
        if (leaf == first.get()) return;
        second.set(first.get());
        first.set(leaf);
    }

    /** Puts path A's text (the prefix and the path) in the editor, where it is analysed like any text. */
    public void load(int leaf) {
        BranchTree t = tree.get();
        if (t == null || leaf < 0 || leaf >= t.nodes().size()) return;
        main.textProperty().set(t.prefix() + t.textTo(leaf));
    }

    /** Forgets the tree. */
    public void clear() {
        tree.set(null);
        nodeAlternatives.clear();
        first.set(-1);
        second.set(-1);
        status.set("Click a token in the heatmap, pick what else could have come there, and fork.");
    }

    /**
     * Replaces the fork point's token by {@code token} (an id, or a text that is one token) and lets
     * model A continue; the path joins the tree (a fork on the text at another position starts a new tree).
     */
    public void fork(String token) {
        ForkPoint at = forkPoint.get();
        Analysis an = main.analysisProperty().get();
        Backend backend = main.slotA().backend();
        if (at == null || an == null || backend == null) {
            status.set("Pick a token first: click it in the heatmap (after the text is analysed).");
            return;
        }
        if (token == null || token.isEmpty()) {
            status.set("Pick an alternative or type a token (its text, or its id).");
            return;
        }
        ScoredText a = an.a();
        int[] textIds = a.tokens().stream().mapToInt(TokenScore::id).toArray();
        Settings s = settings.get();
        BranchTree current = tree.get();
        boolean fresh = at.node() < 0 && (current == null || current.position() != at.textToken()
                || !Arrays.equals(prefixIds, Arrays.copyOf(textIds, at.textToken()))
                || !a.text().startsWith(current.prefix()));
        int position = at.node() >= 0 ? current.position() + current.nodes().get(at.node()).depth() : at.textToken();
        int parent = at.node() >= 0 ? current.nodes().get(at.node()).parent() : -1;
        int[] base;
        if (at.node() >= 0) {
            int[] path = parent < 0 ? new int[0] : current.pathIds(parent);
            base = concat(prefixIds, path, new int[] {current.nodes().get(at.node()).id()}); // the node is replaced
        } else {
            base = textIds;
        }
        if (task != null) task.cancel();
        busy.set(true);
        status.set("Forking at token " + position + "…");
        task = runner.submit((p, cancelled) -> {
            int with = resolve(backend, token, at);
            return backend.branch(base, position, with, new Backend.GenerationSettings(s.newTokens(), s.strategy(),
                    List.of(), topK.get()).withBos(true), GenerationListener.NONE, cancelled); // as the text is scored
        }, (f, m) -> { }, branch -> {
            busy.set(false);
            BranchTree t = fresh ? startTree(a, at.textToken(), textIds, s.newTokens() + 1) : current;
            Sequence seq = branch.result().best();
            List<BranchTree.Token> tokens = new ArrayList<>();
            for (Step step : seq.steps()) tokens.add(new BranchTree.Token(step.id(), step.text(), step.logprob()));
            BranchTree.Added added = t.withPath(parent, tokens, seq.text(), false);
            List<BranchTree.Node> path = added.tree().path(added.leaf());
            int depth0 = parent < 0 ? 0 : added.tree().nodes().get(parent).depth() + 1;
            for (BranchTree.Node n : path) {
                if (n.depth() >= depth0) { // what else could have come there
                    nodeAlternatives.putIfAbsent(n.index(), seq.steps().get(n.depth() - depth0).top());
                }
            }
            tree.set(added.tree());
            second.set(first.get());
            first.set(added.leaf());
            status.set(String.format(java.util.Locale.ROOT, "Forked at token %d with %s: %d tokens, joint log p %.3f.",
                    position, quoted(branch.fork().with().text()), seq.length(), added.tree().jointLogprob(added.leaf())));
        }, e -> {
            busy.set(false);
            status.set(UserMessages.sentence(e));
        });
    }

    /** A new tree at text token {@code position}: the text's own next tokens as the first path. */
    private BranchTree startTree(ScoredText a, int position, int[] textIds, int length) {
        prefixIds = Arrays.copyOf(textIds, position);
        nodeAlternatives.clear();
        first.set(-1);
        second.set(-1);
        TokenScore at = a.tokens().get(position);
        BranchTree t = BranchTree.empty(a.text().substring(0, at.start()), position);
        List<BranchTree.Token> own = new ArrayList<>();
        int end = Math.min(a.tokens().size(), position + length);
        for (int i = position; i < end; i++) {
            TokenScore s = a.tokens().get(i);
            if (!s.isScored()) break;
            own.add(new BranchTree.Token(s.id(), s.text(), s.logprob()));
        }
        if (own.isEmpty()) return t;
        int last = position + own.size() - 1;
        BranchTree.Added added = t.withPath(-1, own, a.text().substring(at.start(), a.tokens().get(last).end()), true);
        for (BranchTree.Node n : added.tree().path(added.leaf())) {
            nodeAlternatives.put(n.index(), a.tokens().get(position + n.depth()).top());
        }
        first.set(added.leaf());
        return added.tree();
    }

    private static int resolve(Backend backend, String token, ForkPoint at) {
        for (Alternative alt : at.alternatives()) {
            if (alt.text().equals(token)) return alt.id(); // an alternative picked by its text
        }
        return backend.tokenId(token);
    }

    private void setForkPoint(ForkPoint point) {
        forkPoint.set(point);
        alternatives.setAll(point == null ? List.of() : point.alternatives());
    }

    private static int leafUnder(BranchTree t, int node) {
        List<Integer> leaves = t.leaves();
        for (int leaf : leaves) {
            for (BranchTree.Node n : t.path(leaf)) {
                if (n.index() == node) return leaf;
            }
        }
        return node;
    }

    private static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int i = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static String quoted(String s) {
        return "'" + s + "'";
    }
}
