package dev.salvor.cli;

import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.backup.Backup;
import dev.salvor.salvage.backup.BackupException;
import dev.salvor.salvage.backup.BackupManifest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code salvor backup SRC -o DIR}: a cold, verified tar.gz with a SHA-256 manifest. */
@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Cold backup of a data directory or database file (LevelDB directory; SQLite database with its"
                + " -wal and -journal; event-log directory; any directory) to DIR/<label>-YYYYMMDD-HHMMSS.tar.gz,"
                + " whose first entry is manifest.json (every file's path, size, SHA-256 and mtime; each database's"
                + " format summary and check verdict), with the same manifest beside it.",
                "Runs check first and records the verdict: damaged data is backed up all the same. A file that"
                        + " changes while it is read makes salvor read everything again once, then fail: a cold"
                        + " backup is consistent or it is nothing. SQLite is never opened, so never checkpointed."
                        + " The archive is written to a hidden temporary file, read back and verified, then"
                        + " published under its name; nothing is ever overwritten.",
                "Prints the archive's path on stdout (or the report with --json).",
                "Exit 0 backed up and clean (or no database recognised), 1 backed up but check found damage,"
                        + " 2 usage (bad option, output inside the source), 3 source unreadable or changing: no"
                        + " archive written."})
final class BackupCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SRC", description = "The directory or database file to back up.")
    Path source;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true,
            description = "Directory for the archive and its manifest (created if missing; not inside SRC).")
    Path output;

    @Option(names = "--keep", paramLabel = "N", description = "After the new backup is verified, remove older"
            + " backups of the same label in DIR so that N remain (the new one included). Default: keep all.")
    Integer keep;

    @Option(names = "--label", paramLabel = "L", description = "Archive name prefix (default: backup-<name of SRC>);"
            + " letters, digits, '.', '_', '-'.")
    String label;

    @Option(names = "--level", paramLabel = "1-9", defaultValue = "6",
            description = "gzip compression level (default: ${DEFAULT-VALUE}, as gzip and tar czf).")
    int level;

    @CommandLine.Mixin
    CommonOptions.Json jsonOption = new CommonOptions.Json();

    @CommandLine.Mixin
    CommonOptions.Engine engine = new CommonOptions.Engine();

    @CommandLine.Mixin
    CommonOptions.Progress progress = new CommonOptions.Progress();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main main;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (keep != null && keep < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keep must be at least 1, got " + keep);
        }
        Limits limits = engine.limits();
        Backup.Options o;
        try {
            o = new Backup.Options(source, output, label, keep == null ? 0 : keep, level, engine.threads(), limits,
                    null, null, "salvor " + Version.get());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Backup.Result r;
        try (PhaseProgress bar = new PhaseProgress(err, "backup", progress.enabled())) {
            r = Backup.run(o.withProgress(bar));
        } catch (BackupException e) {
            err.println("salvor: " + e.getMessage());
            return BackupSupport.exitCode(e);
        } catch (IOException e) {
            return BackupSupport.ioError(err, e, "no archive was published");
        }
        BackupManifest m = r.manifest();
        String verdict = m.checkVerdict();
        boolean damaged = verdict.equals("damaged") || verdict.equals("failed");
        if (jsonOption.json) {
            BackupSupport.json(main.stdout, g -> {
                g.writeStartObject();
                g.writeStringField("tool", "salvor");
                g.writeStringField("version", Version.get());
                g.writeStringField("command", "backup");
                g.writeStringField("archive", r.archive().toString());
                g.writeStringField("manifest_file", r.manifestFile().toString());
                g.writeNumberField("archive_size", r.archiveBytes());
                g.writeStringField("archive_sha256", r.archiveSha256());
                g.writeStringField("source", m.source());
                g.writeStringField("label", m.label());
                g.writeStringField("created_at", m.createdAt());
                g.writeNumberField("files", m.files().size());
                g.writeNumberField("bytes", m.totalBytes());
                g.writeNumberField("attempts", r.attempts());
                g.writeBooleanField("verified", true);
                g.writeStringField("check_verdict", verdict);
                g.writeArrayFieldStart("components");
                for (BackupManifest.Component c : m.components()) {
                    g.writeStartObject();
                    BackupSupport.writeComponent(g, c);
                    g.writeEndObject();
                }
                g.writeEndArray();
                BackupSupport.writeStrings(g, "removed", r.removed().stream().map(Path::toString).toList());
                BackupSupport.writeStrings(g, "notes", r.notes());
                g.writeEndObject();
            });
        } else {
            main.stdout.println(r.archive());
            main.stdout.flush();
        }
        err.printf("salvor backup: %s -> %s%n", m.source(), r.archive());
        err.printf("  %d file(s), %s; archive %s, sha256 %s%n", m.files().size(),
                ReportingCommand.human(m.totalBytes()), ReportingCommand.human(r.archiveBytes()), r.archiveSha256());
        err.printf("  manifest: %s (also the archive's first entry)%n", r.manifestFile());
        err.println("  verified: the archive was read back and every entry re-hashed against the manifest");
        if (m.components().isEmpty()) {
            err.println("  check: no database recognised (files backed up and hashed; nothing to check)");
        }
        for (BackupManifest.Component c : m.components()) {
            err.println("  check " + BackupSupport.componentLine(c));
        }
        for (Path p : r.removed()) {
            err.println("  removed (--keep " + keep + "): " + p);
        }
        for (String n : r.notes()) {
            err.println("  note: " + n);
        }
        err.println("  verdict: " + verdict.toUpperCase(Locale.ROOT) + (damaged
                ? " (exit 1): the data was backed up as found, damage included" : ""));
        err.flush();
        return damaged ? ExitCodes.DAMAGE : ExitCodes.CLEAN;
    }
}
