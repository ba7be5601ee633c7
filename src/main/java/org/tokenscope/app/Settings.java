package org.tokenscope.app;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.tokenscope.remote.Connection;
import org.tokenscope.remote.KeySource;

/**
 * The app's remembered settings (window size, divider positions, the chosen tab and colours) as a
 * {@code settings.properties} file in the platform's place for them: {@code $XDG_CONFIG_HOME/tokenscope}
 * or {@code ~/.config/tokenscope} on Linux, {@code ~/Library/Application Support/tokenscope} on macOS,
 * {@code %APPDATA%\tokenscope} on Windows. A missing or unreadable file means defaults; a value that
 * does not parse is ignored. Saving writes a temporary file and moves it into place, so a crash never
 * leaves half a file. Touched on the FX thread only.
 */
public final class Settings {

    private final Path file;
    private final Properties values = new Properties();

    private Settings(Path file) {
        this.file = file;
    }

    /** The settings in {@code folder} (tests) — read now if the file exists. */
    public static Settings in(Path folder) {
        Settings settings = new Settings(folder.resolve("settings.properties"));
        if (Files.isRegularFile(settings.file)) {
            try (Reader in = Files.newBufferedReader(settings.file, StandardCharsets.UTF_8)) {
                settings.values.load(in);
            } catch (IOException | IllegalArgumentException e) {
                settings.values.clear(); // unreadable: start from the defaults, overwrite on save
            }
        }
        return settings;
    }

    /** The settings in this platform's usual folder. */
    public static Settings ofUser() {
        return in(folder(System.getProperty("os.name", ""), System.getenv(), System.getProperty("user.home")));
    }

    static Path folder(String os, Map<String, String> env, String home) {
        String name = os.toLowerCase(Locale.ROOT);
        if (name.startsWith("windows") && env.get("APPDATA") != null) {
            return Path.of(env.get("APPDATA"), "tokenscope");
        }
        if (name.startsWith("mac")) {
            return Path.of(home, "Library", "Application Support", "tokenscope");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "tokenscope") : Path.of(home, ".config", "tokenscope");
    }

    public Path file() {
        return file;
    }

    public double getDouble(String key, double fallback) {
        try {
            String v = values.getProperty(key);
            double d = v == null ? fallback : Double.parseDouble(v);
            return Double.isFinite(d) ? d : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public boolean getBoolean(String key, boolean fallback) {
        String v = values.getProperty(key);
        return v == null ? fallback : Boolean.parseBoolean(v);
    }

    public String get(String key, String fallback) {
        return values.getProperty(key, fallback);
    }

    public void put(String key, Object value) {
        values.setProperty(key, String.valueOf(value));
    }

    /** The saved remote servers; an entry that does not parse any more is skipped. */
    public List<Connection> connections() {
        List<Connection> out = new ArrayList<>();
        int count = (int) getDouble("connection.count", 0);
        for (int i = 0; i < count; i++) {
            String spec = values.getProperty("connection." + i + ".spec");
            try {
                out.add(new Connection(spec, KeySource.parse(values.getProperty("connection." + i + ".key", "none"))));
            } catch (IllegalArgumentException | NullPointerException e) {
                // written by another version, or edited by hand: leave it out
            }
        }
        return out;
    }

    /** Replaces the saved remote servers (addresses and key sources only: keys are never written). */
    public void putConnections(List<Connection> connections) {
        values.keySet().removeIf(k -> k.toString().startsWith("connection."));
        put("connection.count", connections.size());
        for (int i = 0; i < connections.size(); i++) {
            put("connection." + i + ".spec", connections.get(i).spec());
            put("connection." + i + ".key", connections.get(i).key());
        }
    }

    /** Writes the file; a failure is reported, never thrown (settings are a convenience). */
    public void save() {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "settings", ".tmp");
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                values.store(out, "tokenscope settings");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("tokenscope: could not save the settings to " + file + ": " + e.getMessage());
        }
    }
}
