package dev.salvor.cli;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.UnreadableInputException;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.salvage.carve.CarveOutput;
import dev.salvor.salvage.carve.Carver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code salvor carve IMAGE -o DIR}: finds LevelDB tables and logs and SQLite databases in a raw image. */
@Command(name = "carve", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Scan a raw disk image (memory-mapped, read-only, in parallel) for LevelDB tables (footer"
                + " magic), LevelDB logs (32 KiB blocks whose record CRCs verify), SQLite databases (header"
                + " string), SQLite WALs and rollback journals (checksums) and runs of lone SQLite b-tree pages"
                + " (page structure). Every candidate is confirmed by the format's own checks before it is written to DIR,"
                + " with carve-manifest.json (image offset, length, SHA-256, how it was confirmed).",
                "Exit 0 done (whatever was found), 2 usage (DIR already holds a carve), 3 image unreadable."})
final class CarveCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IMAGE", description = "A raw image (e.g. made by salvor image or dd).")
    Path image;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true,
            description = "Directory for the carved files (created if absent; must not hold a carve-manifest.json).")
    Path output;

    @CommandLine.Mixin
    CommonOptions.Engine engine = new CommonOptions.Engine();

    @CommandLine.Mixin
    CommonOptions.Progress progress = new CommonOptions.Progress();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main main;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(image)) {
            throw new UnreadableInputException("cannot read " + image + ": no such file");
        }
        if (Files.isDirectory(image)) {
            throw new UnreadableInputException("cannot carve " + image + ": it is a directory; carve a raw image or"
                    + " device (salvor image makes one), or read the directory itself: salvor salvage " + image);
        }
        if (Files.exists(output.resolve(CarveOutput.MANIFEST))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    output + " already holds a " + CarveOutput.MANIFEST + " (choose a new directory)");
        }
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new CommandLine.ParameterException(spec.commandLine(), output + " is not a directory");
        }
        int threads = engine.threads();
        Limits limits = engine.limits();
        List<CarveOutput.Written> written;
        long size;
        double scanSecs;
        double scanCpu;
        long t0 = System.nanoTime();
        try (ByteSource src = open(image);
             PhaseProgress bar = new PhaseProgress(err, "carve", progress.enabled())) {
            size = src.size();
            bar.phase("scan", size);
            long s0 = System.nanoTime();
            long c0 = processCpuNanos();
            List<Artifact> found = new Carver(src, threads, limits).carve(bar::done);
            scanSecs = Math.max(1e-3, (System.nanoTime() - s0) / 1e9);
            scanCpu = (processCpuNanos() - c0) / 1e9;
            bar.phase("write", found.stream().mapToLong(Artifact::length).sum());
            written = CarveOutput.write(src, image, found, output, "salvor " + Version.get());
        } catch (CorruptionException e) {
            throw new UnreadableInputException("cannot read " + image + ": " + e.getMessage());
        } catch (IOException e) {
            return BackupSupport.ioError(err, e, "the carve may be incomplete (no manifest unless it finished)");
        }
        double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
        for (CarveOutput.Written w : written) {
            main.stdout.println(w.file());
        }
        main.stdout.flush();
        err.printf("salvor carve: %s (%s) -> %s: %d artifact(s) in %.1f s (%.1f MB/s)%n", image,
                ReportingCommand.human(size), output, written.size(), secs, size / 1e6 / secs);
        // Wall and CPU time of the scan: on a shared machine the wall clock also counts waiting for a core.
        err.printf("  scan pass (signatures and confirmation, %d thread(s)): %.2f s (%.1f MB/s), CPU %.2f s%n", threads,
                scanSecs, size / 1e6 / scanSecs, scanCpu);
        for (CarveOutput.Written w : written) {
            Artifact a = w.artifact();
            err.printf("  %s at 0x%x, %d bytes: %s%n", a.kind().id(), a.offset(), a.length(), a.confirmedBy());
        }
        err.flush();
        return ExitCodes.CLEAN;
    }

    /** CPU time of the whole JVM so far (all threads), or 0 where the platform does not tell. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static ByteSource open(Path image) {
        try {
            return ByteSource.open(image);
        } catch (IOException e) {
            throw new UnreadableInputException(dev.salvor.salvage.IoErrors.cannotRead(image, e));
        }
    }
}
