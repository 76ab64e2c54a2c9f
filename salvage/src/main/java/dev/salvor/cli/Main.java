package dev.salvor.cli;

import dev.salvor.salvage.UnreadableInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code salvor}: forensic salvage of damaged LevelDB, SQLite and hash-chained JSON logs. */
@Command(name = "salvor", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Forensic toolkit for damaged databases: identify, check and salvage every intact record.%n"
                + "Inputs are only ever read; outputs are written atomically and never over an input.",
        subcommands = {IdentifyCommand.class, CheckCommand.class, SalvageCommand.class, RebuildCommand.class,
                BackupCommand.class,
                VerifyBackupCommand.class, RestoreCommand.class, ImageCommand.class, CarveCommand.class},
        footer = {"", "Exit codes: 0 clean, 1 damage found (salvage still succeeded), 2 usage error,",
                "3 an input or output unreadable or unwritable, or not of the forced format (each input is read on its",
                "own: the worst one decides), 4 internal error (a bug in salvor)."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Raw stdout for data (JSON Lines, JSON reports). */
    java.io.PrintStream stdout = System.out;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (identify, check, salvage)");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests). */
    public static int run(String[] args, java.io.PrintStream stdout, java.io.PrintStream stderr) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(stdout, java.nio.charset.StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(stderr, java.nio.charset.StandardCharsets.UTF_8), true);
        Main main = new Main();
        main.stdout = stdout;
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("salvor: " + ex.getMessage());
            err.println("Try 'salvor --help' or 'salvor " + (ex.getCommandLine().getCommandName().equals("salvor")
                    ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            if (ex instanceof CommandLine.ParameterException pe) {
                err.println("salvor: " + pe.getMessage());
                return ExitCodes.USAGE;
            }
            if (ex instanceof UnreadableInputException || ex instanceof dev.salvor.salvage.OutputException) {
                err.println("salvor: " + ex.getMessage());
                return ExitCodes.UNREADABLE;
            }
            if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                // An input or output the system refused (permission, disk full, I/O error): not a bug in salvor.
                err.println("salvor: " + dev.salvor.salvage.IoErrors.reason(ex));
                return ExitCodes.UNREADABLE;
            }
            err.println("salvor: internal error (a bug in salvor, please report it): " + ex);
            if (System.getenv("SALVOR_DEBUG") != null) {
                ex.printStackTrace(err);
            } else {
                err.println("Set SALVOR_DEBUG=1 for the stack trace.");
            }
            return ExitCodes.INTERNAL;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            err.println("salvor: internal error (a bug in salvor): " + e);
            if (System.getenv("SALVOR_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return ExitCodes.INTERNAL;
        } finally {
            out.flush();
            err.flush();
            stdout.flush();
        }
    }
}
