package org.tokenscope.app;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tokenscope.remote.Connection;
import org.tokenscope.remote.KeySource;

/** The remote servers the user saved: each address and where its API key comes from (never the key). */
final class SavedServers {

    private final ObservableList<Connection> list = FXCollections.observableArrayList();

    ObservableList<Connection> list() {
        return list;
    }

    /** Where the key for a remote {@code spec} comes from: its saved connection, else TOKENSCOPE_API_KEY if set. */
    KeySource keyFor(String spec) {
        for (Connection c : list) {
            if (c.spec().equals(spec.strip())) {
                return c.key();
            }
        }
        String key = System.getenv("TOKENSCOPE_API_KEY");
        return key != null && !key.isBlank() ? KeySource.env("TOKENSCOPE_API_KEY") : KeySource.NONE;
    }
}
