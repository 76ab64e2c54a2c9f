package dev.salvor.cli;

import dev.salvor.salvage.OutputTarget;
import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
import dev.salvor.salvage.rebuild.RebuildStaging;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.rebuild.Rebuilder;
import dev.salvor.salvage.report.InputStatus;
import dev.salvor.salvage.report.ReportJson;
import dev.salvor.salvage.report.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code salvor rebuild INPUT -o OUTPUT}: a working database out of everything intact, beside
 * {@code OUTPUT.salvor/} holding the report and everything left out (see {@link RebuildStaging}).
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Write a new database the real engine opens from everything intact in INPUT (SQLite: a"
                + " database file; LevelDB: a database directory; event logs: a segment directory or chain file),"
                + " and beside it OUTPUT.salvor/ with report.json and left-out.jsonl (every record not in OUTPUT,"
                + " with why). OUTPUT must not exist; it appears only when complete. The evidence is only read."
                + " Exit 0 clean, 1 damage found (OUTPUT still written), 2 usage or cannot be rebuilt faithfully,"
                + " 3 unreadable.")
final class RebuildCommand extends ReportingCommand {

    @Parameters(paramLabel = "INPUT", arity = "0..1", description = "The database directory or file to rebuild.")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, paramLabel = "OUTPUT", description = "The new database (a file for SQLite,"
            + " a directory for LevelDB and event logs); must not exist.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE (it is in"
            + " OUTPUT.salvor/report.json too).")
    Path reportFile;

    @Option(names = "--with-deleted", description = "SQLite: also keep deleted, superseded and uncommitted rows, in a"
            + " table salvor_recovered (state, source, page, offset).")
    boolean withDeleted;

    @Option(names = "--include-unverified", description = "LevelDB: also write entries found only in blocks whose"
            + " checksum failed (their values may be wrong).")
    boolean includeUnverified;

    private RebuildStaging staging;
    private RebuildTarget target;
    private OutputTarget reportTarget;

    @Override
    List<Path> paths() {
        return paths;
    }

    @Override
    Map<String, Path> outputOptions() {
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("-o", output);
        m.put("--report", reportFile);
        m.putAll(super.outputOptions());
        return m;
    }

    @Override
    Map<String, Object> optionsInEffect() {
        Map<String, Object> m = super.optionsInEffect();
        if (withDeleted) {
            m.put("with_deleted", true);
        }
        if (includeUnverified) {
            m.put("include_unverified", true);
        }
        return m;
    }

    @Override
    public Integer call() throws IOException {
        if (output == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "rebuild needs -o OUTPUT (the new"
                    + " database; it must not exist)");
        }
        try {
            return super.call();
        } catch (Rebuilder.RebuildRefused e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot rebuild: " + e.getMessage());
        } finally {
            if (staging != null) {
                staging.close(); // removes the staging directory unless committed
            }
        }
    }

    @Override
    Verb verb(Pipeline pipeline) throws IOException {
        try {
            staging = RebuildStaging.open(output, allInputs(pipeline));
        } catch (OutputTarget.Refused e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (reportFile != null) {
            reportTarget = openOutput("report", reportFile, pipeline);
        }
        target = new RebuildTarget(staging.database(), staging.leftOut(),
                new RebuildTarget.Options(withDeleted, includeUnverified));
        return Verb.rebuild(target);
    }

    @Override
    void afterAll(Pipeline pipeline, RunReport report) throws IOException {
        if (target != null) {
            report.extras().put("rebuild", target.facts());
        }
    }

    /** Commits OUTPUT (report.json first inside the staging side-car), then the --report copy. */
    @Override
    void writeReportFiles(Pipeline pipeline, RunReport report) throws IOException {
        InputStatus status = report.status();
        boolean built = staging != null && staging.databaseWritten()
                && (status == InputStatus.CLEAN || status == InputStatus.DAMAGED);
        if (!built) {
            report.notes().add("nothing rebuilt: " + output + " not written");
        } else {
            report.outputs().addAll(staging.commit(ReportJson.toJson(report).getBytes(StandardCharsets.UTF_8)));
        }
        if (reportTarget != null) {
            ReportJson.write(reportTarget.stream(), report);
            reportTarget.commit();
            report.outputs().add(reportTarget.written());
        }
    }
}
