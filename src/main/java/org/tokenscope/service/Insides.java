package org.tokenscope.service;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.InsideRequest;

/**
 * Looks inside a model (attention, logit lens): the use case behind {@code inspect}, {@code export}'s
 * attention and lens figures and the app's Inside tab. Only a backend whose {@link
 * org.tokenscope.backend.Capabilities#internals()} says so can.
 */
public final class Insides {

    /** The side of a head's thumbnail in the grid of every head, in cells. */
    public static final int THUMBNAIL = 24;

    private Insides() {
    }

    /**
     * Runs {@code text} once through {@code backend} (without {@code <|endoftext|>}, cut to the context) and
     * keeps what {@code request} asks for.
     *
     * @throws IllegalArgumentException with one sentence when the backend cannot look inside or a layer asked
     *                                  for does not exist
     */
    public static Inspection inspect(Backend backend, String text, InsideRequest request, BooleanSupplier cancel)
            throws IOException {
        requireInternals(backend);
        int layers = backend.summary().layers();
        for (int layer : request.attentionLayers()) {
            if (layer < 0 || layer >= layers) {
                throw new IllegalArgumentException("--layer must be between 0 and " + (layers - 1) + ".");
            }
        }
        return backend.inspect(text, request, cancel);
    }

    /** Thumbnails of every head of every layer (see {@link Inspector#grid}). */
    public static AttentionGrid grid(Backend backend, String text, BooleanSupplier cancel, Inspector.Progress progress)
            throws IOException {
        requireInternals(backend);
        return Inspector.grid(request -> backend.inspect(text, request, cancel), backend.summary().layers(), THUMBNAIL,
                cancel, progress);
    }

    /**
     * Checks that {@code in} covers the whole text and that {@code head} and {@code position} exist; returns the
     * position (default: the last token).
     *
     * @param verb what the user does, for the sentence: "inspect", "export"
     */
    public static int target(Inspection in, Integer head, Integer position, String verb) {
        if (in.truncated()) {
            throw new IllegalArgumentException("The text has " + in.textTokens() + " tokens, more than the model's "
                    + "context of " + in.tokens().size() + "; " + verb + " a shorter text.");
        }
        if (head != null && (head < 0 || head >= in.heads())) {
            throw new IllegalArgumentException("--head must be between 0 and " + (in.heads() - 1) + ".");
        }
        int n = in.tokens().size();
        int at = position == null ? n - 1 : position;
        if (at < 0 || at >= n) {
            throw new IllegalArgumentException("--position " + at + " is outside the text's " + n + " tokens (0 to "
                    + (n - 1) + ").");
        }
        return at;
    }

    private static void requireInternals(Backend backend) {
        if (!backend.capabilities().internals()) {
            throw new IllegalArgumentException(backend.summary().name() + " does not expose its internals (attention, "
                    + "logit lens): use a local model folder or Hub id.");
        }
    }
}
