package org.tokenscope;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.tokenscope.cli.TokenscopeCommand;
import picocli.CommandLine;

/**
 * Entry point of {@code tokenscope.jar}: with no arguments opens the desktop app, with one
 * argument that names a file opens the app on that file, with a subcommand runs headless. (Not a
 * JavaFX {@code Application} itself, so that the jar starts from the class path without the
 * JavaFX launcher's module checks.)
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        quietLibraries();
        if (args.length == 0 || opensFile(args)) {
            org.tokenscope.app.TokenscopeApp.launchApp(args);
            return;
        }
        System.exit(TokenscopeCommand.run(args,
                java.util.Map.of("screenshot", new org.tokenscope.app.ScreenshotCommand())));
    }

    /**
     * {@code tokenscope FILE}: a single argument that names an existing file, and is neither an
     * option nor a subcommand, is a file to open in the app (a file manager's "Open with" and the
     * installers' desktop entry start it so). The app reads it from {@code getParameters().getRaw()}.
     */
    static boolean opensFile(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            return false;
        }
        try {
            return Files.isRegularFile(Path.of(args[0]))
                    && !new CommandLine(new TokenscopeCommand()).getSubcommands().containsKey(args[0]);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** DJL and friends log at INFO through slf4j-simple; users want only warnings. */
    static void quietLibraries() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "off");
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
