package dev.salvor.cli;

import dev.salvor.salvage.backup.BackupException;
import dev.salvor.salvage.backup.DiskImage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code salvor image SRC -o FILE.img}: a read-only, bit-exact, hashed copy of a file or block device. */
@Command(name = "image", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Copy a file or block device bit for bit (opened read-only, read once) to FILE.img with its"
                + " SHA-256, and write FILE.manifest.json beside it. The copy is fsynced, read back and re-hashed"
                + " before it gets its name; an existing FILE is never overwritten. Check it later with"
                + " salvor verify-backup FILE.img.",
                "Exit 0 imaged, 2 usage (output exists), 3 source unreadable, changing or a read error: no image."})
final class ImageCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SRC", description = "A file or a block device (e.g. /dev/sdb).")
    Path source;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.img", required = true,
            description = "The image to create (must not exist).")
    Path output;

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
        DiskImage.Result r;
        try (PhaseProgress bar = new PhaseProgress(err, "image", progress.enabled())) {
            r = DiskImage.run(source, output, bar, null, "salvor " + Version.get());
        } catch (BackupException e) {
            err.println("salvor: " + e.getMessage());
            return BackupSupport.exitCode(e);
        } catch (IOException e) {
            return BackupSupport.ioError(err, e, "no image was published");
        }
        if (jsonOption.json) {
            BackupSupport.json(main.stdout, g -> {
                g.writeStartObject();
                g.writeStringField("tool", "salvor");
                g.writeStringField("version", Version.get());
                g.writeStringField("command", "image");
                g.writeStringField("source", source.toString());
                g.writeStringField("source_kind", r.sourceKind());
                g.writeStringField("image", r.image().toString());
                g.writeStringField("manifest_file", r.manifestFile().toString());
                g.writeNumberField("size", r.bytes());
                g.writeStringField("sha256", r.sha256());
                BackupSupport.writeStrings(g, "notes", r.notes());
                g.writeEndObject();
            });
        } else {
            main.stdout.println(r.image());
            main.stdout.flush();
        }
        err.printf("salvor image: %s (%s) -> %s%n", source, r.sourceKind(), r.image());
        err.printf("  %s (%d bytes), sha256 %s; read back and re-hashed%n", ReportingCommand.human(r.bytes()),
                r.bytes(), r.sha256());
        err.printf("  manifest: %s%n", r.manifestFile());
        for (String n : r.notes()) {
            err.println("  note: " + n);
        }
        err.flush();
        return ExitCodes.CLEAN;
    }
}
