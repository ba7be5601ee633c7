package org.tokenscope.app;

/** What an empty pane says to do. */
final class Hints {

    /** Before there is an analysis. */
    static final String ANALYSE = "Type or paste a text above and pick a model: it is analysed as you type "
            + "(or press Analyse, Ctrl+Enter).";

    private Hints() {
    }
}
