package org.tokenscope.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What-if branches of a text at one position: the text's own tokens from there (the original path)
 * and every continuation forked from it or from another branch, as one tree under the common prefix.
 * Paths that share their first tokens share those nodes. Immutable: adding a path makes a new tree.
 *
 * @param prefix   the text before the fork position
 * @param position the index of the first token after the prefix (in the text's tokens)
 * @param nodes    by index; a node's parent is an earlier index, or −1 under the prefix
 */
public record BranchTree(String prefix, int position, List<Node> nodes) {

    public BranchTree {
        Objects.requireNonNull(prefix, "prefix");
        nodes = List.copyOf(nodes);
    }

    /**
     * One token of a path.
     *
     * @param depth    tokens after the prefix before this one
     * @param logprob  its log-probability given the prefix and the path to it
     * @param original whether it is the text's own token
     * @param pathText the text after the prefix up to and including this token, where a path ended
     *                 here (null in the middle of paths)
     */
    public record Node(int index, int parent, int depth, int id, String text, double logprob, boolean original,
                       String pathText) {
    }

    /** A token to add: its id, display text and log-probability. */
    public record Token(int id, String text, double logprob) {
    }

    /** A tree with no path yet. */
    public static BranchTree empty(String prefix, int position) {
        return new BranchTree(prefix, position, List.of());
    }

    /**
     * Adds a path under {@code parent} (−1: under the prefix), following existing children with the same
     * ids, and returns the new tree and the path's last node.
     *
     * @param text what the path's tokens read as, all of them (the new leaf's {@link Node#pathText},
     *             with the text of the path down to {@code parent} before it)
     */
    public Added withPath(int parent, List<Token> tokens, String text, boolean original) {
        if (tokens.isEmpty()) throw new IllegalArgumentException("A path needs at least one token.");
        if (parent < -1 || parent >= nodes.size()) throw new IllegalArgumentException("No node " + parent + ".");
        List<Node> out = new ArrayList<>(nodes);
        String before = parent < 0 ? "" : textTo(parent);
        int at = parent;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            int existing = childWithId(out, at, t.id());
            boolean last = i == tokens.size() - 1;
            if (existing >= 0) {
                Node n = out.get(existing);
                if (last) {
                    out.set(existing, new Node(n.index(), n.parent(), n.depth(), n.id(), n.text(), n.logprob(),
                            n.original() || original, before + text));
                }
                at = existing;
            } else {
                int depth = at < 0 ? 0 : out.get(at).depth() + 1;
                out.add(new Node(out.size(), at, depth, t.id(), t.text(), t.logprob(), original, last ? before + text : null));
                at = out.size() - 1;
            }
        }
        return new Added(new BranchTree(prefix, position, out), at);
    }

    /** A tree with a path added, and that path's last node. */
    public record Added(BranchTree tree, int leaf) {
    }

    private static int childWithId(List<Node> nodes, int parent, int id) {
        for (Node n : nodes) {
            if (n.parent() == parent && n.id() == id) return n.index();
        }
        return -1;
    }

    /** The nodes no other node extends, in the order they were added. */
    public List<Integer> leaves() {
        boolean[] inner = new boolean[nodes.size()];
        for (Node n : nodes) if (n.parent() >= 0) inner[n.parent()] = true;
        List<Integer> out = new ArrayList<>();
        for (Node n : nodes) if (!inner[n.index()]) out.add(n.index());
        return out;
    }

    /** The nodes from depth 0 down to {@code node}. */
    public List<Node> path(int node) {
        List<Node> path = new ArrayList<>();
        for (int i = node; i >= 0; i = nodes.get(i).parent()) path.add(nodes.get(i));
        Collections.reverse(path);
        return List.copyOf(path);
    }

    /** The ids from depth 0 down to {@code node}. */
    public int[] pathIds(int node) {
        return path(node).stream().mapToInt(Node::id).toArray();
    }

    /**
     * What the path down to {@code node} reads as after the prefix: the text recorded where a path
     * ended, cut to the tokens' texts where it ends further down.
     */
    public String textTo(int node) {
        Node n = nodes.get(node);
        if (n.pathText() != null) return n.pathText();
        StringBuilder sb = new StringBuilder();
        for (Node p : path(node)) sb.append(p.text());
        return sb.toString();
    }

    /** Σ log p over the path down to {@code node}: the joint log-probability of its tokens given the prefix. */
    public double jointLogprob(int node) {
        return path(node).stream().mapToDouble(Node::logprob).sum();
    }

    /** exp(−mean log p) over the path down to {@code node}. */
    public double perplexity(int node) {
        return Math.exp(-jointLogprob(node) / path(node).size());
    }

    /** Whether every token of the path down to {@code node} is the text's own. */
    public boolean isOriginal(int node) {
        return path(node).stream().allMatch(Node::original);
    }
}
