package org.tokenscope;

import org.tokenscope.cli.TokenscopeCommand;

/**
 * Entry point of {@code tokenscope.jar}: with no arguments opens the desktop app, with a
 * subcommand runs headless. (Not a JavaFX {@code Application} itself, so that the jar starts
 * from the class path without the JavaFX launcher's module checks.)
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        quietLibraries();
        if (args.length == 0 || (args.length == 1 && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(args[0])))) {
            // no arguments, or a text file to open (as the desktop entry passes it): the window
            org.tokenscope.app.TokenscopeApp.launchApp(args);
            return;
        }
        System.exit(TokenscopeCommand.run(args));
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
