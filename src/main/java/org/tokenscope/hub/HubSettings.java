package org.tokenscope.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the Hugging Face cache is, which Hub to talk to, with which token, and whether to talk to
 * it at all — read from the same environment variables, in the same order, as Python's
 * {@code huggingface_hub/constants.py}:
 *
 * <ul>
 *   <li>cache: {@code HF_HUB_CACHE}, else the legacy {@code HUGGINGFACE_HUB_CACHE}, else
 *       {@code HF_HOME/hub}, where {@code HF_HOME} defaults to
 *       {@code ${XDG_CACHE_HOME:-~/.cache}/huggingface};
 *   <li>endpoint: {@code HF_ENDPOINT} (trailing slashes removed), else https://huggingface.co;
 *   <li>token: {@code HF_TOKEN}, else the legacy {@code HUGGING_FACE_HUB_TOKEN}, else the file
 *       {@code HF_TOKEN_PATH}, else {@code HF_HOME/token};
 *   <li>offline: {@code HF_HUB_OFFLINE}, else {@code TRANSFORMERS_OFFLINE}, true for 1/ON/YES/TRUE.
 * </ul>
 *
 * @param cacheRoot the hub cache folder (holds {@code models--org--name} folders)
 * @param endpoint the Hub, without a trailing slash
 * @param token a bearer token for gated or private repositories, if any
 * @param offline when true no request is ever made
 */
public record HubSettings(Path cacheRoot, URI endpoint, Optional<String> token, boolean offline) {

    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$(\\w+|\\{([^}]+)})");

    public HubSettings {
        Objects.requireNonNull(cacheRoot, "cacheRoot");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
    }

    /** The settings of this process's environment. */
    public static HubSettings fromSystem() {
        return fromEnvironment(System.getenv());
    }

    /** The settings that {@code env} describes; the token file, if any, is read now. */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String home = nonEmpty(env.get("HOME")).orElse(System.getProperty("user.home"));
        String xdgCache = nonEmpty(env.get("XDG_CACHE_HOME")).orElse(home + "/.cache");
        Path hfHome = expand(nonEmpty(env.get("HF_HOME")).orElse(xdgCache + "/huggingface"), env, home);
        Path cache = nonEmpty(env.get("HF_HUB_CACHE"))
                .or(() -> nonEmpty(env.get("HUGGINGFACE_HUB_CACHE")))
                .map(value -> expand(value, env, home))
                .orElse(hfHome.resolve("hub"));

        URI endpoint = nonEmpty(env.get("HF_ENDPOINT"))
                .map(value -> URI.create(value.replaceAll("/+$", "")))
                .orElse(DEFAULT_ENDPOINT);

        Optional<String> token = nonEmpty(env.get("HF_TOKEN"))
                .or(() -> nonEmpty(env.get("HUGGING_FACE_HUB_TOKEN")))
                .flatMap(HubSettings::cleanToken)
                .or(() -> readToken(nonEmpty(env.get("HF_TOKEN_PATH"))
                        .map(value -> expand(value, env, home))
                        .orElse(hfHome.resolve("token"))));

        // Python reads `HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE`: a set HF_HUB_OFFLINE wins, even "0".
        String offline = nonEmpty(env.get("HF_HUB_OFFLINE")).orElse(env.get("TRANSFORMERS_OFFLINE"));
        return new HubSettings(cache, endpoint, token, isTrue(offline));
    }

    /** These settings with offline mode switched on or off (a {@code --offline} flag, say). */
    public HubSettings withOffline(boolean value) {
        return new HubSettings(cacheRoot, endpoint, token, value);
    }

    public HubSettings withCacheRoot(Path value) {
        return new HubSettings(value, endpoint, token, offline);
    }

    @Override
    public String toString() {
        // Never print the token.
        return "HubSettings[cacheRoot=" + cacheRoot + ", endpoint=" + endpoint
                + ", token=" + (token.isPresent() ? "<set>" : "<none>") + ", offline=" + offline + "]";
    }

    static boolean isTrue(String value) {
        return value != null && TRUE_VALUES.contains(value.trim().toUpperCase(java.util.Locale.ROOT));
    }

    private static Optional<String> nonEmpty(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** {@code os.path.expandvars(os.path.expanduser(value))}. */
    private static Path expand(String value, Map<String, String> env, String home) {
        String expanded = value;
        if (expanded.equals("~") || expanded.startsWith("~/")) {
            expanded = home + expanded.substring(1);
        }
        Matcher matcher = ENV_REFERENCE.matcher(expanded);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(2) != null ? matcher.group(2) : matcher.group(1);
            String replacement = env.get(name);
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement != null ? replacement : matcher.group()));
        }
        matcher.appendTail(result);
        return Path.of(result.toString());
    }

    private static Optional<String> readToken(Path file) {
        try {
            return Files.isRegularFile(file)
                    ? cleanToken(Files.readString(file, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // an unreadable token file is the same as none, as in Python
        }
    }

    private static Optional<String> cleanToken(String raw) {
        return nonEmpty(raw.replace("\r", "").replace("\n", "").strip());
    }
}
