package org.tokenscope.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every candidate beam search considered, with its parent, so that the search can be drawn.
 * At step {@code s} the candidates are the best {@code 2·beams} one-token extensions of the beams
 * running at step {@code s} (whose nodes are at step {@code s − 1}; the prompt is the parent of step 0).
 *
 * @param nodes  all candidates, by index; a node's {@code parent} is an index into this list, or −1
 * @param finals the last node of each returned sequence, in the order of the sequences
 */
public record BeamTree(List<Node> nodes, List<Integer> finals) {

    public BeamTree {
        nodes = List.copyOf(nodes);
        finals = List.copyOf(finals);
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
     * @param logprob  the transition score of that token ({@code processor(log_softmax(logits))[token]})
     * @param score    running sum of transition scores from the prompt to here
     * @param fate     what became of it
     */
    public record Node(int index, int parent, int step, int token, double logprob, double score, Fate fate) {
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
