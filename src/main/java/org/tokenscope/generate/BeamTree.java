package org.tokenscope.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every candidate beam search considered, with its parent, so that the search can be drawn.
 * At step {@code s} the candidates are the best {@code 2·beams} one-token extensions of the beams
 * running at step {@code s} (whose nodes are at step {@code s − 1}; the prompt is the parent of step 0).
 *
 * @param nodes         all candidates, by index; a node's {@code parent} is an index into this list, or −1
 * @param finals        the last node of each returned sequence, in the order of the sequences
 * @param lengthPenalty the search's length penalty, which scores finished hypotheses
 */
public record BeamTree(List<Node> nodes, List<Integer> finals, double lengthPenalty) {

    public BeamTree {
        nodes = List.copyOf(nodes);
        finals = List.copyOf(finals);
    }

    /**
     * The score the search ranked {@code node} by: its running sum, or for a finished hypothesis that
     * sum / (generated tokens)^lengthPenalty, as transformers' {@code BeamHypotheses.add} scores it.
     */
    public double rankedScore(Node node) {
        return node.fate() == Fate.FINISHED ? node.score() / Math.pow(node.step() + 1, lengthPenalty) : node.score();
    }

    /** Whether {@code node} lies on the path of a returned sequence (the highlighted part of the tree). */
    public boolean kept(Node node) {
        return keptSet().get(node.index());
    }

    /** The nodes on the paths of the returned sequences, by index. */
    public java.util.BitSet keptSet() {
        java.util.BitSet kept = new java.util.BitSet(nodes.size());
        for (int last : finals) {
            for (int i = last; i >= 0 && !kept.get(i); i = nodes.get(i).parent()) kept.set(i);
        }
        return kept;
    }

    /** What became of a candidate. */
    public enum Fate {
        /** It was kept as a running beam. */
        CONTINUED,
        /** It ended and entered the finished hypotheses (a better one may have displaced it later). */
        FINISHED,
        /** It was neither kept nor finished. */
        DROPPED
    }

    /**
     * @param index    its index in {@link #nodes()}
     * @param parent   index of the beam it extends, or −1 for an extension of the prompt
     * @param step     position among the new tokens, from 0
     * @param token    the token it adds
     * @param text     the token's display text (partial bytes as {@code \xNN})
     * @param logprob  the transition score of that token ({@code processor(log_softmax(logits))[token]})
     * @param score    running sum of transition scores from the prompt to here
     * @param fate     what became of it
     */
    public record Node(int index, int parent, int step, int token, String text, double logprob, double score, Fate fate) {
    }

    /** The nodes from step 0 to {@code node}. */
    public List<Node> path(int node) {
        List<Node> path = new ArrayList<>();
        for (int i = node; i >= 0; i = nodes.get(i).parent()) path.add(nodes.get(i));
        Collections.reverse(path);
        return List.copyOf(path);
    }

    /** The nodes of one step. */
    public List<Node> atStep(int step) {
        return nodes.stream().filter(n -> n.step() == step).toList();
    }
}
