package org.tokenscope.figure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What is needed to reproduce an export: written into SVG {@code <metadata>}, PNG text chunks and
 * JSON data files.
 *
 * @param appVersion the version of tokenscope that made it ("dev" when run from classes)
 * @param models     the models, A first (their names as given and their revisions)
 * @param textSha256 SHA-256 of the text's UTF-8 bytes, in lower-case hex (null when there is no text)
 * @param settings   everything else that shaped it, in order (measure, palette, scale, generation settings, seed...)
 */
public record ExportMetadata(String appVersion, List<ModelRef> models, String textSha256, Map<String, String> settings) {

    /** No models, no text: for a figure made outside an export. */
    public static final ExportMetadata NONE = new ExportMetadata("dev", List.of(), null, Map.of());

    /**
     * A model as a user can get it back.
     *
     * @param name     its Hub id or folder name
     * @param revision its Hub commit or revision, or "local" for a folder
     */
    public record ModelRef(String name, String revision) {
        public ModelRef {
            Objects.requireNonNull(name, "name");
        }
    }

    public ExportMetadata {
        Objects.requireNonNull(appVersion, "appVersion");
        models = List.copyOf(models);
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The metadata of an export of {@code text} (null for none) by {@code models}. */
    public static ExportMetadata of(String appVersion, String text, List<ModelRef> models) {
        return new ExportMetadata(appVersion, models, text == null ? null : sha256(text), Map.of());
    }

    /** SHA-256 of the text's UTF-8 bytes, lower-case hex. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JDK has no SHA-256.", e);
        }
    }

    /** With one more setting (replacing one of the same key). */
    public ExportMetadata withSetting(String key, String value) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put(key, value);
        return new ExportMetadata(appVersion, models, textSha256, s);
    }

    /** With more settings, in their order. */
    public ExportMetadata withSettings(Map<String, String> more) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.putAll(more);
        return new ExportMetadata(appVersion, models, textSha256, s);
    }

    /**
     * As flat key–value pairs: {@code software}, {@code model.A}, {@code model.A.revision}, {@code model.B}...,
     * {@code text.sha256}, then each setting as it is.
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("software", "tokenscope " + appVersion);
        for (int i = 0; i < models.size(); i++) {
            String key = "model." + (char) ('A' + i);
            m.put(key, models.get(i).name());
            if (models.get(i).revision() != null) m.put(key + ".revision", models.get(i).revision());
        }
        if (textSha256 != null) m.put("text.sha256", textSha256);
        m.putAll(settings);
        return m;
    }
}
