package dev.salvor.cli;

import dev.salvor.salvage.AtomicOutput;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogHandler;
import dev.salvor.salvage.report.ReportJson;
import dev.salvor.salvage.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code salvor salvage PATH… -o OUT.jsonl}: every intact record, live, superseded and deleted, as JSON Lines. */
@Command(name = "salvage", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Extract every intact record (live, superseded and deleted) as JSON Lines with where it came "
                + "from, and report the damage. Exit 0 clean, 1 damage found (records still written).")
final class SalvageCommand extends ReportingCommand {

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Database directories or files (none with --jdbc).")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.jsonl",
            description = "Write records here (atomically: temp file + rename). Default: stdout.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE (atomically).")
    Path reportFile;

    private AtomicOutput atomic;
    private OutputStream data;

    /** With records on stdout, a --json report goes to stderr so the two never mix. */
    @Override
    java.io.PrintStream jsonStream() {
        return output == null ? System.err : main.stdout;
    }

    @Override
    List<Path> paths() {
        return paths;
    }

    @Override
    void runOne(FormatHandler handler, Path path, RunContext ctx, RunReport report) throws IOException {
        handler.salvage(path, ctx, data(), report);
    }

    @Override
    void runTable(JsonLogHandler handler, JdbcInput t, Map<String, String> env, RunContext ctx, RunReport report)
            throws IOException {
        handler.salvageTable(t, env, ctx, data(), report);
    }

    /** The records' stream, opened on first use. */
    private OutputStream data() throws IOException {
        if (data == null) {
            if (output != null) {
                try {
                    atomic = AtomicOutput.open(output, allInputs());
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                data = atomic.stream();
            } else {
                data = new java.io.FilterOutputStream(main.stdout) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                };
            }
        }
        return data;
    }

    private List<Path> allInputs() throws IOException {
        List<Path> all = new ArrayList<>(inputPaths());
        for (Path p : inputPaths()) {
            all.addAll(handlerFor(p).inputFiles(p));
        }
        return all;
    }

    @Override
    public Integer call() throws IOException {
        try {
            return super.call();
        } finally {
            if (atomic != null) {
                atomic.close(); // deletes the temp file unless committed
            }
        }
    }

    @Override
    void afterAll(RunReport report) throws IOException {
        if (atomic != null) {
            atomic.commit();
        } else if (data != null) {
            data.flush();
        }
        if (reportFile != null) {
            AtomicOutput opened;
            try {
                opened = AtomicOutput.open(reportFile, allInputs());
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try (AtomicOutput r = opened) {
                ReportJson.write(r.stream(), report);
                r.commit();
            }
        }
    }
}
