package org.tokenscope.remote;

/**
 * A saved remote model: its address ({@code http://host:8000/v1#model-name}) and where its API key
 * comes from. What the app remembers of a server; never the key itself.
 */
public record Connection(String spec, KeySource key) {

    public Connection {
        RemoteSpec.parse(spec); // refuses what is not a server address, with a sentence
        spec = spec.strip();
        key = key == null ? KeySource.NONE : key;
    }
}
