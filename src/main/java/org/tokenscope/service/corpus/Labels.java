package org.tokenscope.service.corpus;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** The two classes of a labelled corpus, and which one is machine-written (the positive class). */
public final class Labels {

    /** Labels taken as machine-written when {@code --positive} does not say, in this order. */
    public static final List<String> MACHINE = List.of("machine", "ai", "generated", "1", "true");

    private Labels() {
    }

    /**
     * The positive label among {@code labels}, or null when there are fewer than two classes (then no
     * ROC can be drawn).
     *
     * @param requested the label the user named, or null
     * @throws IllegalArgumentException with more than two classes, a requested label that is absent, or
     *     two classes of which none is a known machine label and none was named
     */
    public static String positive(Set<String> labels, String requested) {
        TreeSet<String> sorted = new TreeSet<>(labels);
        if (sorted.size() > 2) {
            throw new IllegalArgumentException("The corpus has " + sorted.size() + " labels (" + shown(sorted)
                    + "); detection needs exactly two: machine-written and human.");
        }
        if (requested != null) {
            if (!sorted.contains(requested)) {
                throw new IllegalArgumentException("--positive " + requested + " is not one of the corpus's labels ("
                        + shown(sorted) + ").");
            }
            return sorted.size() == 2 ? requested : null;
        }
        if (sorted.size() < 2) {
            return null;
        }
        for (String machine : MACHINE) {
            for (String label : sorted) {
                if (label.toLowerCase(Locale.ROOT).equals(machine)) {
                    return label;
                }
            }
        }
        throw new IllegalArgumentException("Neither label (" + shown(sorted) + ") says machine-written; name it "
                + "with --positive LABEL.");
    }

    private static String shown(Set<String> labels) {
        return labels.size() <= 6 ? String.join(", ", labels)
                : String.join(", ", labels.stream().limit(6).toList()) + ", ...";
    }
}
