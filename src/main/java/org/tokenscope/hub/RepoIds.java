package org.tokenscope.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Hub model ids: validation, cache folder names, and the two spellings of GPT-2's names. */
public final class RepoIds {

    /** huggingface_hub's {@code REPO_ID_REGEX}: an optional namespace, then a name. */
    private static final Pattern REPO_ID = Pattern.compile("^(\\b[\\w\\-.]+\\b/)?\\b[\\w\\-.]+\\b$");
    private static final Pattern COMMIT_HASH = Pattern.compile("^[0-9a-f]{40}$");
    private static final String MODELS_PREFIX = "models--";

    /**
     * The GPT-2 checkpoints moved from the Hub's root to organisations; the Hub redirects the old
     * names, and Python caches a download under the name it was asked for, so either folder may hold
     * them.
     */
    private static final Map<String, String> MOVED = Map.of(
            "gpt2", "openai-community/gpt2",
            "gpt2-medium", "openai-community/gpt2-medium",
            "gpt2-large", "openai-community/gpt2-large",
            "gpt2-xl", "openai-community/gpt2-xl",
            "distilgpt2", "distilbert/distilgpt2");

    private RepoIds() {
    }

    /** Whether {@code id} is a valid Hub repository id (the checks of {@code validate_repo_id}). */
    public static boolean isValid(String id) {
        return id != null && id.length() <= 96 && REPO_ID.matcher(id).matches()
                && !id.contains("--") && !id.contains("..");
    }

    /** Whether {@code revision} is a full commit hash (then no ref needs resolving). */
    public static boolean isCommitHash(String revision) {
        return COMMIT_HASH.matcher(revision).matches();
    }

    /** {@code openai-community/gpt2} → {@code models--openai-community--gpt2}. */
    public static String folderName(String id) {
        return MODELS_PREFIX + id.replace("/", "--");
    }

    /** {@code models--openai-community--gpt2} → {@code openai-community/gpt2}, if it is a model folder. */
    public static Optional<String> fromFolderName(String folder) {
        if (!folder.startsWith(MODELS_PREFIX) || folder.length() == MODELS_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(folder.substring(MODELS_PREFIX.length()).replace("--", "/"));
    }

    /**
     * {@code id} first, then its other spelling if it is one of GPT-2's moved names:
     * {@code gpt2} → [gpt2, openai-community/gpt2]; {@code openai-community/gpt2} → [openai-community/gpt2, gpt2].
     */
    public static List<String> spellings(String id) {
        List<String> result = new ArrayList<>(2);
        result.add(id);
        if (MOVED.containsKey(id)) {
            result.add(MOVED.get(id));
        }
        MOVED.forEach((old, current) -> {
            if (current.equals(id)) {
                result.add(old);
            }
        });
        return List.copyOf(result);
    }

    /** Whether a revision or a file name is a safe relative path: no absolute paths, no {@code ..}. */
    static boolean isSafeRelativePath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
