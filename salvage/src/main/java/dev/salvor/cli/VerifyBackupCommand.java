package dev.salvor.cli;

import dev.salvor.salvage.backup.ArchiveReader;
import dev.salvor.salvage.backup.BackupException;
import dev.salvor.salvage.backup.BackupManifest;
import dev.salvor.salvage.backup.DiskImage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code salvor verify-backup ARCHIVE}: re-hash every entry against the manifest. */
@Command(name = "verify-backup", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Read a backup archive from its first byte to its last and check it against its manifest:"
                + " every entry re-hashed; missing, extra and changed entries listed; links, devices, unsafe names,"
                + " duplicates, a truncated or extended gzip or tar refused; the manifest beside the archive compared"
                + " with the one inside. An image (salvor image) is re-hashed against the manifest beside it.",
                "Exit 0 intact, 1 any mismatch, 3 the archive cannot be read at all."})
final class VerifyBackupCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ARCHIVE", description = "A .tar.gz written by salvor backup, or an image.")
    Path archive;

    @CommandLine.Mixin
    CommonOptions.Json jsonOption = new CommonOptions.Json();

    @CommandLine.Mixin
    CommonOptions.Progress progress = new CommonOptions.Progress();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main main;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try (PhaseProgress bar = new PhaseProgress(err, "verify-backup", progress.enabled())) {
            if (DiskImage.hasImageManifest(archive)) {
                return image(err, bar);
            }
            ArchiveReader.Result r;
            try {
                bar.phase("verifying", archive.toFile().length());
                r = ArchiveReader.verify(archive, bar::done);
            } catch (BackupException e) {
                err.println("salvor: " + e.getMessage());
                return BackupSupport.exitCode(e);
            }
            bar.close();
            if (jsonOption.json) {
                BackupSupport.json(main.stdout, g -> {
                    g.writeStartObject();
                    g.writeStringField("tool", "salvor");
                    g.writeStringField("version", Version.get());
                    g.writeStringField("command", "verify-backup");
                    g.writeStringField("verdict", r.intact() ? "intact" : "mismatch");
                    BackupSupport.writeFindings(g, r);
                    g.writeEndObject();
                });
            }
            err.printf("salvor verify-backup: %s (%s%s)%n", archive, ReportingCommand.human(r.archiveSize()),
                    r.archiveSha256() == null ? "" : ", sha256 " + r.archiveSha256());
            BackupManifest m = r.manifest();
            if (m != null) {
                err.printf("  manifest: created %s from %s, label %s, %d file(s), %s; check at backup: %s%n",
                        m.createdAt(), m.source(), m.label(), m.files().size(), ReportingCommand.human(m.totalBytes()),
                        m.checkVerdict().toUpperCase(Locale.ROOT));
                err.printf("  verified: %d of %d file(s), %s; manifest beside the archive: %s%n", r.filesVerified(),
                        m.files().size(), ReportingCommand.human(r.bytesVerified()), r.besideManifest());
            }
            BackupSupport.printProblems(err, r.problems());
            err.println("  verdict: " + (r.intact() ? "INTACT" : "MISMATCH (exit 1): do not restore from this"
                    + " archive without understanding why"));
            err.flush();
            return r.intact() ? ExitCodes.CLEAN : ExitCodes.DAMAGE;
        }
    }

    private int image(PrintWriter err, PhaseProgress bar) throws IOException {
        List<String> problems;
        try {
            problems = DiskImage.verify(archive, bar);
        } catch (BackupException e) {
            err.println("salvor: " + e.getMessage());
            return BackupSupport.exitCode(e);
        }
        bar.close();
        if (jsonOption.json) {
            BackupSupport.json(main.stdout, g -> {
                g.writeStartObject();
                g.writeStringField("tool", "salvor");
                g.writeStringField("version", Version.get());
                g.writeStringField("command", "verify-backup");
                g.writeStringField("image", archive.toString());
                g.writeStringField("manifest_file", DiskImage.manifestPath(archive).toString());
                g.writeStringField("verdict", problems.isEmpty() ? "intact" : "mismatch");
                BackupSupport.writeStrings(g, "problems", problems);
                g.writeEndObject();
            });
        }
        err.printf("salvor verify-backup: image %s against %s%n", archive, DiskImage.manifestPath(archive));
        BackupSupport.printProblems(err, problems);
        err.println("  verdict: " + (problems.isEmpty() ? "INTACT" : "MISMATCH (exit 1)"));
        err.flush();
        return problems.isEmpty() ? ExitCodes.CLEAN : ExitCodes.DAMAGE;
    }
}
