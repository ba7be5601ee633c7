package org.tokenscope.analysis;

/** One candidate token at a position: its id, display text and natural log-probability. */
public record Alternative(int id, String text, double logprob) {
}
