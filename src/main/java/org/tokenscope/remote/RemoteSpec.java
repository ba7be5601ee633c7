package org.tokenscope.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A model on an OpenAI-compatible server, named as {@code http://host:8000/v1#model-name}: the API's
 * base address (up to and including {@code /v1}) and, after {@code #}, the model's id on the server.
 * Without {@code #model-name} the server's only model is used.
 *
 * @param baseUri the API's base address, without a trailing slash ({@code http://host:8000/v1})
 * @param model   the model's id on the server, or null for the server's only model
 */
public record RemoteSpec(URI baseUri, String model) {

    public RemoteSpec {
        String scheme = baseUri.getScheme() == null ? "" : baseUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("A remote model's address must start with http:// or https://, not "
                    + baseUri + ".");
        }
        if (baseUri.getHost() == null) {
            throw new IllegalArgumentException("The remote model's address " + baseUri + " names no host.");
        }
        if (baseUri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Put no credentials in the model's address; "
                    + "give the API key through an environment variable instead.");
        }
        if (model != null && model.isBlank()) model = null;
    }

    /** Whether {@code spec} names a remote model (it starts with {@code http://} or {@code https://}). */
    public static boolean isRemote(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    /** Parses {@code http://host:8000/v1#model-name} (the model part is optional). */
    public static RemoteSpec parse(String spec) {
        String s = spec.strip();
        int hash = s.indexOf('#');
        String address = hash < 0 ? s : s.substring(0, hash);
        String model = hash < 0 ? null : s.substring(hash + 1);
        while (address.endsWith("/")) address = address.substring(0, address.length() - 1);
        try {
            return new RemoteSpec(new URI(address), model);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a valid server address: " + address + " (" + e.getReason() + ").");
        }
    }

    /** {@code baseUri + "/" + path}. */
    URI resolve(String path) {
        return URI.create(baseUri + "/" + path);
    }

    /** Scheme, host and port, for messages. */
    String server() {
        return baseUri.getScheme() + "://" + baseUri.getAuthority();
    }

    @Override
    public String toString() {
        return model == null ? baseUri.toString() : baseUri + "#" + model;
    }
}
