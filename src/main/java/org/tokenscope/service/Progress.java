package org.tokenscope.service;

/** How far a use case has come: a fraction in [0, 1] (negative: not known) and a short sentence. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (fraction, message) -> { };

    void update(double fraction, String message);
}
