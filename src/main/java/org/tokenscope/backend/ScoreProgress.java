package org.tokenscope.backend;

/** Reports how many of a text's windows are scored. */
@FunctionalInterface
public interface ScoreProgress {

    ScoreProgress NONE = (done, total) -> { };

    void windowsDone(int done, int total);
}
