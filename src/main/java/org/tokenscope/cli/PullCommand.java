package org.tokenscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.tokenscope.hub.ByteSizes;
import org.tokenscope.hub.DownloadListener;
import org.tokenscope.hub.HubClient;
import org.tokenscope.hub.HubException;
import org.tokenscope.hub.HubSettings;
import org.tokenscope.hub.ModelNotAvailableException;
import org.tokenscope.hub.ProgressMeter;
import org.tokenscope.hub.RepoIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tokenscope pull MODEL [--revision R]}: downloads a model into the Hugging Face cache (the
 * one Python uses) with a progress bar on stderr, and prints its snapshot folder on stdout.
 * Interrupting it (Ctrl-C) leaves the cache valid; the next pull resumes the partial download.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a model from the Hugging Face Hub into the shared cache and print its folder.")
public final class PullCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "A Hub id, such as gpt2, distilgpt2 or openai-community/gpt2-large.")
    private String model;

    @Option(names = "--revision", paramLabel = "R", defaultValue = "main",
            description = "A branch, tag or commit hash (default: ${DEFAULT-VALUE}).")
    private String revision;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> env;

    public PullCommand() {
        this(System.getenv());
    }

    /** A command that reads {@code HF_HOME}, {@code HF_TOKEN} and so on from {@code env}. */
    public PullCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!RepoIds.isValid(model)) {
            err.println("Error: " + model + " is not a Hugging Face model id (like gpt2 or openai-community/gpt2-large).");
            return 1;
        }
        HubSettings settings = HubSettings.fromEnvironment(env);
        ProgressBar bar = new ProgressBar(err, System::nanoTime);
        try (HubClient client = HubClient.create(settings)) {
            if (settings.offline()) {
                Optional<Path> cached = client.cache().modelSnapshot(model, revision);
                if (cached.isEmpty()) {
                    err.println("Error: offline mode is on (HF_HUB_OFFLINE), so " + model
                            + " cannot be downloaded: unset HF_HUB_OFFLINE and run pull again.");
                    return 1;
                }
                out.println(cached.get());
                return 0;
            }
            Path snapshot = client.downloadModel(model, revision, bar, () -> false);
            bar.finish();
            out.println(snapshot);
            return 0;
        } catch (ModelNotAvailableException e) {
            bar.finish();
            // the message's advice is to run pull, which is what just failed: the situation alone
            err.println("Error: " + e.situation() + ".");
            return 1;
        } catch (HubException e) {
            bar.finish();
            err.println("Error: " + e.getMessage());
            return 1;
        } catch (AccessDeniedException e) {
            bar.finish();
            err.println("Error: cannot write " + e.getFile() + " in the Hugging Face cache: set HF_HUB_CACHE (or HF_HOME)"
                    + " to a folder you may write to.");
            return 1;
        } catch (IOException e) {
            bar.finish();
            err.println("Error: could not download " + model + ": " + e.getMessage() + ".");
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * One line per file, redrawn in place at most ten times a second:
     * {@code model.safetensors   45% [##########          ]  246.6 MB / 548.1 MB   12.3 MB/s  ETA 0:24}.
     */
    static final class ProgressBar implements DownloadListener {
        private static final int BAR_WIDTH = 24;
        private static final long REDRAW_NANOS = Duration.ofMillis(100).toNanos();

        private final PrintWriter err;
        private final LongSupplier clock;
        private final Set<String> finished = new HashSet<>();
        private String file;
        private ProgressMeter meter;
        private long lastDraw;
        private int lastLength;

        ProgressBar(PrintWriter err, LongSupplier clock) {
            this.err = err;
            this.clock = clock;
        }

        @Override
        public void onProgress(String name, long done, long total) {
            if (finished.contains(name)) {
                return;
            }
            long now = clock.getAsLong();
            if (!name.equals(file)) {
                finish();
                file = name;
                meter = new ProgressMeter();
                lastDraw = now - REDRAW_NANOS;
            }
            meter.update(done, now);
            boolean complete = total >= 0 && done >= total;
            if (complete || now - lastDraw >= REDRAW_NANOS) {
                draw(done, total);
                lastDraw = now;
            }
            if (complete) {
                finished.add(name);
                finish();
            }
        }

        /** Ends the current line, if one is open. */
        void finish() {
            if (file != null) {
                err.println();
                err.flush();
                file = null;
                lastLength = 0;
            }
        }

        private void draw(long done, long total) {
            StringBuilder line = new StringBuilder();
            line.append(String.format(Locale.ROOT, "%-26s", shorten(file, 26)));
            if (total > 0) {
                int percent = (int) Math.min(100, done * 100 / total);
                int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
                line.append(String.format(Locale.ROOT, " %3d%% [%s%s] %9s / %-9s", percent, "#".repeat(filled),
                        " ".repeat(BAR_WIDTH - filled), ByteSizes.format(done), ByteSizes.format(total)));
            } else {
                line.append(String.format(Locale.ROOT, " %9s", ByteSizes.format(done)));
            }
            double rate = meter.bytesPerSecond();
            if (rate > 0) {
                line.append(String.format(Locale.ROOT, " %11s/s", ByteSizes.format((long) rate)));
                meter.timeLeft(total).filter(left -> done < total)
                        .ifPresent(left -> line.append("  ETA ").append(clockTime(left)));
            }
            int length = line.length();
            line.append(" ".repeat(Math.max(0, lastLength - length))); // wipe a longer previous line
            lastLength = length;
            err.print("\r" + line);
            err.flush();
        }

        private static String shorten(String name, int width) {
            return name.length() <= width ? name : "…" + name.substring(name.length() - width + 1);
        }

        private static String clockTime(Duration left) {
            long seconds = left.toSeconds();
            return seconds >= 3600
                    ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                    : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        }
    }
}
