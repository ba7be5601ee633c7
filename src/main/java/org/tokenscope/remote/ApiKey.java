package org.tokenscope.remote;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An API key for a remote server. It is sent only as an {@code Authorization: Bearer} header to the
 * server it was given for, and never shown: {@link #toString()} masks it, and every message that
 * quotes the server is passed through {@link #redact(String)} first.
 */
public final class ApiKey {

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /** A key given directly (tests, the app's keyring). */
    public static ApiKey of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) throw new IllegalArgumentException("The API key is empty.");
        return new ApiKey(value.strip());
    }

    /**
     * The key held by environment variable {@code name}.
     *
     * @throws IllegalArgumentException when the variable is not set or empty (the message names the
     *                                  variable, never a value)
     */
    public static ApiKey fromEnvironment(String name) {
        return fromEnvironment(name, System::getenv);
    }

    static ApiKey fromEnvironment(String name, UnaryOperator<String> environment) {
        String value = environment.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The environment variable " + name
                    + " that should hold the API key is not set.");
        }
        return new ApiKey(value.strip());
    }

    /** The {@code Authorization} header's value. */
    String bearer() {
        return "Bearer " + value;
    }

    /** {@code text} with every occurrence of the key replaced by {@code ****}. */
    String redact(String text) {
        return text == null ? null : text.replace(value, "****");
    }

    @Override
    public String toString() {
        return "ApiKey[****]";
    }
}
