package dev.salvor.cli;

import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.backup.ArchiveReader;
import dev.salvor.salvage.backup.BackupException;
import dev.salvor.salvage.backup.BackupManifest;
import dev.salvor.salvage.backup.Restore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code salvor restore ARCHIVE TARGET}: verify everything, then write atomically, then check. */
@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Restore a backup archive into TARGET (any directory: restore to an alternate place is the"
                + " normal case). The whole archive is verified before a byte is written: every entry named in the"
                + " manifest with its size and SHA-256; absolute paths, '..', links, devices, FIFOs, duplicates,"
                + " unlisted entries, a truncated or extended gzip/tar all refuse the archive.",
                "A non-empty TARGET is refused unless --force, which moves its content aside to"
                        + " TARGET.salvor-aside-<time> (never deleted). Files are written into a staging directory"
                        + " beside TARGET, fsynced, re-hashed, and renamed into place atomically; then check runs on"
                        + " every restored database (chain verification for event logs) and the verdict is printed"
                        + " next to the one at backup time.",
                "Exit 0 restored and clean, 1 restored but check found damage, 2 usage (TARGET not empty without"
                        + " --force, a link, holds the archive), 3 archive refused or unreadable: nothing written."})
final class RestoreCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "A .tar.gz written by salvor backup.")
    Path archive;

    @Parameters(index = "1", paramLabel = "TARGET", description = "Directory to restore into (created if missing).")
    Path target;

    @Option(names = "--force", description = "Restore into a non-empty TARGET by first moving its content aside to"
            + " TARGET.salvor-aside-<time> (never deleted).")
    boolean force;

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
        Limits limits = engine.limits();
        Restore.Result r;
        try (PhaseProgress bar = new PhaseProgress(err, "restore", progress.enabled())) {
            r = Restore.run(new Restore.Options(archive, target, force, engine.threads(), limits, bar, null));
        } catch (Restore.Refused e) {
            ArchiveReader.Result f = e.findings();
            if (jsonOption.json) {
                BackupSupport.json(main.stdout, g -> {
                    g.writeStartObject();
                    head(g);
                    g.writeBooleanField("restored", false);
                    g.writeStringField("error", e.getMessage());
                    BackupSupport.writeFindings(g, f);
                    g.writeEndObject();
                });
            }
            err.println("salvor: " + e.getMessage());
            err.println("  problems:");
            BackupSupport.printProblems(err, f.problems());
            err.println("  TARGET untouched: " + target);
            err.flush();
            return ExitCodes.UNREADABLE;
        } catch (BackupException e) {
            if (jsonOption.json) {
                BackupSupport.json(main.stdout, g -> {
                    g.writeStartObject();
                    head(g);
                    g.writeBooleanField("restored", false);
                    g.writeStringField("error", e.getMessage());
                    g.writeEndObject();
                });
            }
            err.println("salvor: " + e.getMessage());
            return BackupSupport.exitCode(e);
        } catch (IOException e) {
            return BackupSupport.ioError(err, e, "TARGET was not replaced (a hidden staging directory beside it may"
                    + " remain)");
        }
        BackupManifest m = r.verified().manifest();
        boolean clean = r.verdict().equals("clean");
        if (jsonOption.json) {
            BackupSupport.json(main.stdout, g -> {
                g.writeStartObject();
                head(g);
                g.writeBooleanField("restored", true);
                g.writeStringField("aside", r.aside() == null ? null : r.aside().toString());
                g.writeNumberField("files", m.files().size());
                g.writeNumberField("bytes", m.totalBytes());
                g.writeStringField("archive_sha256", r.verified().archiveSha256());
                g.writeStringField("verdict", r.verdict());
                g.writeArrayFieldStart("checks");
                for (Restore.Checked c : r.checks()) {
                    g.writeStartObject();
                    BackupSupport.writeComponent(g, c.now());
                    g.writeStringField("verdict_at_backup", c.atBackup());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            });
        }
        err.printf("salvor restore: %s -> %s%n", archive, r.target());
        err.printf("  verified before writing: %d file(s), %s, archive sha256 %s (backup of %s, %s)%n",
                m.files().size(), ReportingCommand.human(m.totalBytes()), r.verified().archiveSha256(), m.source(),
                m.createdAt());
        if (r.aside() != null) {
            err.println("  previous content of TARGET moved aside (not deleted): " + r.aside());
        }
        err.println("  written to a staging directory, fsynced, re-hashed, renamed into place");
        if (r.checks().isEmpty()) {
            err.println("  check: no database recorded in the manifest (every file's SHA-256 verified)");
        }
        for (Restore.Checked c : r.checks()) {
            err.println("  check " + BackupSupport.componentLine(c.now()) + " (at backup: "
                    + c.atBackup().toUpperCase(Locale.ROOT) + ")");
            if (!c.now().verdict().equals("clean")) {
                c.now().notes().stream().limit(BackupSupport.SHOWN).forEach(n -> err.println("    " + n));
            }
        }
        err.println("  verdict: " + r.verdict().toUpperCase(Locale.ROOT) + (clean ? ""
                : " (exit 1): restored byte for byte, but check finds damage (run salvor check on it)"));
        err.flush();
        return clean ? ExitCodes.CLEAN : ExitCodes.DAMAGE;
    }

    private void head(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
        g.writeStringField("tool", "salvor");
        g.writeStringField("version", Version.get());
        g.writeStringField("command", "restore");
        g.writeStringField("archive", archive.toString());
        g.writeStringField("target", target.toAbsolutePath().normalize().toString());
    }
}
