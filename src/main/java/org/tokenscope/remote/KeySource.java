package org.tokenscope.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Where a saved connection's API key comes from; the key itself is never written anywhere. Said as
 * text in the settings: {@code none}, {@code env:NAME} (an environment variable) or
 * {@code keyring:ACCOUNT} (the OS keyring, service {@code tokenscope}: on Linux libsecret's
 * {@code secret-tool}, on macOS the login keychain's {@code security}; store a key with
 * {@code secret-tool store --label=tokenscope service tokenscope account ACCOUNT} or
 * {@code security add-generic-password -s tokenscope -a ACCOUNT -w}).
 *
 * @param kind  none, env or keyring
 * @param name  the variable or the keyring account (empty for none)
 */
public record KeySource(Kind kind, String name) {

    public enum Kind { NONE, ENV, KEYRING }

    public static final KeySource NONE = new KeySource(Kind.NONE, "");
    static final String SERVICE = "tokenscope";

    public KeySource {
        name = name == null ? "" : name.strip();
        if (kind != Kind.NONE && name.isEmpty()) {
            throw new IllegalArgumentException("Name the " + (kind == Kind.ENV ? "environment variable" : "keyring account")
                    + " that holds the API key.");
        }
        if (kind == Kind.ENV && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(name + " is not an environment variable's name.");
        }
    }

    /** The variable tokenscope reads first, and the one OpenAI-compatible clients read. */
    public static final String TOKENSCOPE_VARIABLE = "TOKENSCOPE_API_KEY";
    public static final String OPENAI_VARIABLE = "OPENAI_API_KEY";

    /**
     * Where the key comes from when nothing was saved for the server, in the same order everywhere:
     * the variable the user named ({@code --api-key-env NAME}; null: none named), else
     * {@value #TOKENSCOPE_VARIABLE} when set, else {@value #OPENAI_VARIABLE} when set, else no key.
     */
    public static KeySource fromEnvironment(String named) {
        return fromEnvironment(named, System::getenv);
    }

    static KeySource fromEnvironment(String named, UnaryOperator<String> environment) {
        if (named != null) {
            return env(named);
        }
        for (String variable : List.of(TOKENSCOPE_VARIABLE, OPENAI_VARIABLE)) {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                return env(variable);
            }
        }
        return NONE;
    }

    public static KeySource env(String variable) {
        return new KeySource(Kind.ENV, variable);
    }

    public static KeySource keyring(String account) {
        return new KeySource(Kind.KEYRING, account);
    }

    /** Reads {@code none}, {@code env:NAME} or {@code keyring:ACCOUNT}. */
    public static KeySource parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.equals("none")) return NONE;
        int colon = t.indexOf(':');
        String kind = colon < 0 ? t : t.substring(0, colon).toLowerCase(Locale.ROOT);
        String name = colon < 0 ? "" : t.substring(colon + 1);
        return switch (kind) {
            case "env" -> env(name);
            case "keyring" -> keyring(name);
            default -> throw new IllegalArgumentException("Not a key source: " + t
                    + " (say none, env:VARIABLE or keyring:ACCOUNT).");
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case ENV -> "env:" + name;
            case KEYRING -> "keyring:" + name;
        };
    }

    /** The key, or null for none. Blocks while the keyring answers (up to 10 s). */
    public ApiKey resolve() throws IOException {
        return resolve(System::getenv, System.getProperty("os.name", ""), KeySource::run);
    }

    /** Runs a command and returns its standard output, or null when it failed. */
    interface Runner {
        String run(List<String> command) throws IOException;
    }

    ApiKey resolve(UnaryOperator<String> environment, String os, Runner runner) throws IOException {
        return switch (kind) {
            case NONE -> null;
            case ENV -> ApiKey.fromEnvironment(name, environment);
            case KEYRING -> {
                String system = os.toLowerCase(Locale.ROOT);
                List<String> command;
                String how;
                if (system.startsWith("mac")) {
                    command = List.of("security", "find-generic-password", "-s", SERVICE, "-a", name, "-w");
                    how = "the login keychain (security add-generic-password -s tokenscope -a " + name + " -w)";
                } else if (system.startsWith("linux")) {
                    command = List.of("secret-tool", "lookup", "service", SERVICE, "account", name);
                    how = "the keyring (secret-tool store --label=tokenscope service tokenscope account " + name + ")";
                } else {
                    throw new IOException("The OS keyring is not supported on " + os
                            + " yet: keep the key in an environment variable instead.");
                }
                String out = runner.run(command);
                if (out == null || out.isBlank()) {
                    throw new IOException("No API key for account " + name + " in " + how + ".");
                }
                yield ApiKey.of(out.strip());
            }
        };
    }

    private static String run(List<String> command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " is not installed, so the OS keyring cannot be read"
                    + (command.get(0).equals("secret-tool") ? " (Debian/Ubuntu: apt install libsecret-tools)" : "")
                    + "; or keep the key in an environment variable.", e);
        }
        try (InputStream in = process.getInputStream()) {
            byte[] bytes = in.readNBytes(64 * 1024);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not answer in 10 s (is the keyring locked?).");
            }
            return process.exitValue() == 0 ? new String(bytes, StandardCharsets.UTF_8) : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("Interrupted while reading the keyring.", e);
        }
    }
}
