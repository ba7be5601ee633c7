package org.tokenscope.cli;

import org.tokenscope.service.UserMessages;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the command line: {@code java -jar tokenscope.jar SUBCOMMAND ...}. */
@Command(name = "tokenscope", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "What a language model thinks of a text, token by token.",
        subcommands = {ScoreCommand.class, CorpusCommand.class, GenerateCommand.class, ClassifyCommand.class, BranchCommand.class, BenchCommand.class, ExportCommand.class, InspectCommand.class, AttributeCommand.class, InterveneCommand.class, PatchCommand.class, PullCommand.class, ModelsCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
public final class TokenscopeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the exit code; errors are one sentence on stderr. */
    public static int run(String[] args) {
        return run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    public static int run(String[] args, java.util.Map<String, Object> extra) {
        return run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), extra);
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, java.util.Map.of());
    }

    /**
     * Runs the command line with extra subcommands that live outside this package (the app's
     * {@code screenshot}, which needs a window and so cannot be a dependency of the CLI).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, Object> extra) {
        CommandLine cli = new CommandLine(new TokenscopeCommand());
        extra.forEach(cli::addSubcommand);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("Error: " + UserMessages.sentence(e));
            return 1;
        });
        return cli.execute(args);
    }
}
