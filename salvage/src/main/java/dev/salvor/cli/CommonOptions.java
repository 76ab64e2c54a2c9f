package dev.salvor.cli;

import dev.salvor.formats.core.Limits;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options several commands share, each declared once. A command mixes in ({@code @Mixin}) the groups it
 * honours, so it never accepts an option it would ignore:
 * <ul>
 *   <li>{@link Progress} ({@code --[no-]progress}): every long-running command;</li>
 *   <li>{@link Json} ({@code --json}): every command with a report or result;</li>
 *   <li>{@link Engine} ({@code --threads}, {@code --max-block-mib}): every command that runs the format engines
 *       (identify, check, salvage, carve, backup, restore).</li>
 * </ul>
 */
final class CommonOptions {
    private CommonOptions() {
    }

    /** {@code --[no-]progress}: the progress line on stderr. */
    static final class Progress {
        @Option(names = "--progress", negatable = true,
                description = "Show a progress bar on stderr (default: only when stderr is a terminal; elsewhere"
                        + " --progress writes a line per phase and every " + PhaseProgress.LOG_EVERY_SECONDS
                        + " s).")
        Boolean progress;

        /** When stderr is a terminal, unless the flag says otherwise. */
        boolean enabled() {
            return progress != null ? progress : PhaseProgress.stderrIsTerminal();
        }
    }

    /** {@code --json}: the report (or result) as one JSON document. */
    static final class Json {
        @Option(names = "--json", description = "Print the report as JSON on stdout (salvage writing its records to"
                + " stdout: on stderr, so the two never mix).")
        boolean json;
    }

    /** {@code --threads} and {@code --max-block-mib}: how many cores and how much memory the engines may use. */
    static final class Engine {
        @Option(names = "--threads", paramLabel = "N", description = "Worker threads for hashing, checking and"
                + " carving (default: all cores; 1 to " + 256 + ").")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--max-block-mib", paramLabel = "MIB", defaultValue = "64", description = "Largest block or"
                + " record held in memory, by every reader and the carver (default: ${DEFAULT-VALUE}).")
        int maxBlockMib;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        /** Most worker threads accepted: more would only cost memory and switching. */
        static final int MAX_THREADS = 256;

        /**
         * Worker threads: {@code --threads}.
         *
         * @throws CommandLine.ParameterException for a value outside 1..{@value #MAX_THREADS}
         */
        int threads() {
            if (threads < 1 || threads > MAX_THREADS) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--threads " + threads
                        + ": out of range (valid: 1 to " + MAX_THREADS + "; default: the number of cores, "
                        + Runtime.getRuntime().availableProcessors() + ")");
            }
            return threads;
        }

        /**
         * The allocation limits: {@code --max-block-mib} as the largest block and the largest record.
         *
         * @throws CommandLine.ParameterException for a value below 1 or above 2047 MiB
         */
        Limits limits() {
            if (maxBlockMib < 1 || maxBlockMib > 2047) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-block-mib " + maxBlockMib
                        + ": out of range (valid: 1 to 2047; default: 64)");
            }
            try {
                int bytes = Math.multiplyExact(maxBlockMib, 1 << 20);
                return Limits.DEFAULT.withMaxBlockBytes(bytes).withMaxRecordBytes(bytes);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-block-mib " + maxBlockMib
                        + ": out of range (valid: 1 to 2047; default: 64)");
            }
        }
    }
}
