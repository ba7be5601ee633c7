package org.tokenscope.service;

import org.tokenscope.backend.Backend;

/**
 * A model opened from a {@link ModelRequest}; closing it closes the backend.
 *
 * @param name     what to call it (a folder's name, the Hub id, the bundled model's or the server's model id)
 * @param revision what exports record to reproduce it: a Hub snapshot's commit, the revision asked for,
 *                 "local" for a folder, "server" for a remote model
 * @param note     a sentence for the status bar when the model is not the one asked for, else null
 */
public record OpenedModel(Backend backend, String name, String revision, String note) implements AutoCloseable {

    @Override
    public void close() {
        backend.close();
    }
}
