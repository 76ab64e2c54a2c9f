package dev.salvor.cli;

import dev.salvor.salvage.AtomicOutput;
import dev.salvor.salvage.InputFile;
import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.UnreadableInputException;
import dev.salvor.salvage.Verb;
import dev.salvor.salvage.carve.CarvedInputs;
import dev.salvor.salvage.carve.Carver;
import dev.salvor.salvage.report.ReportJson;
import dev.salvor.salvage.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
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

    @Option(names = "--carve", paramLabel = "IMAGE",
            description = "Carve LevelDB tables and logs and SQLite databases, WALs, journals and lone pages out of a"
                    + " raw image (see salvor carve)"
                    + " and salvage them; every record gets image_offset. No PATH with --carve.")
    Path carveImage;

    @picocli.CommandLine.Mixin
    HtmlOption html = new HtmlOption();

    @Override
    HtmlOption html() {
        return html;
    }

    @Override
    List<Path> otherOutputs() {
        List<Path> outs = new ArrayList<>(super.otherOutputs());
        outs.add(output);
        outs.add(reportFile);
        return outs;
    }

    @Override
    List<Path> otherEvidence() {
        return carveImage == null ? List.of() : List.of(carveImage);
    }

    /** With {@code --carve}: the image's map (where each artifact lies, and their damage) heads the page. */
    @Override
    List<dev.salvor.formats.core.FileResult> htmlImages(RunReport report) {
        return carved == null ? List.of() : List.of(carved.imageMap(report));
    }

    private AtomicOutput atomic;
    private OutputStream data;
    private CarvedInputs carved;

    /** With records on stdout, a --json report goes to stderr so the two never mix. */
    @Override
    java.io.PrintStream jsonStream() {
        return output == null ? System.err : main.stdout;
    }

    @Override
    List<Path> paths() {
        return paths;
    }

    /** With {@code --carve}: the carved artifacts, as sets of regions of the image (see {@link CarvedInputs}). */
    @Override
    List<Pipeline.SetInput> sets() {
        return carved != null ? carved.inputs() : List.of();
    }

    /** With {@code --carve}: records state where they lie in the image (see {@link CarvedInputs#runOptions}). */
    @Override
    Map<Class<?>, Object> runOptions() {
        return carved != null ? carved.runOptions() : Map.of();
    }

    @Override
    Verb verb(Pipeline pipeline) throws IOException {
        return Verb.salvage(data(pipeline.fingerprints()));
    }

    /** The records' stream, opened once the inputs are known (every file fingerprinted is refused as output). */
    private OutputStream data(List<InputFile> fingerprinted) throws IOException {
        if (data == null) {
            if (output != null) {
                try {
                    atomic = AtomicOutput.open(output, allInputs(fingerprinted));
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

    /** Every input path and every file they name, as fingerprinted before the run (no second detection). */
    private List<Path> allInputs(List<InputFile> fingerprinted) {
        List<Path> all = new ArrayList<>(inputPaths());
        if (carveImage != null) {
            all.add(carveImage);
        }
        fingerprinted.stream().map(InputFile::path).filter(java.util.Objects::nonNull).forEach(all::add);
        return all;
    }

    @Override
    public Integer call() throws IOException {
        try {
            if (carveImage != null) {
                Integer early = carve();
                if (early != null) {
                    return early;
                }
            }
            return super.call();
        } finally {
            try {
                if (atomic != null) {
                    atomic.close(); // deletes the temp file unless committed
                }
            } finally {
                if (carved != null) {
                    carved.close(); // closes the image
                }
            }
        }
    }

    /** {@code --carve IMAGE}: carves the image; the artifacts, read where they lie in it, become the inputs. */
    private Integer carve() throws IOException {
        if (paths != null && !paths.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--carve takes no PATH");
        }
        if (!Files.exists(carveImage)) {
            throw new UnreadableInputException("cannot read " + carveImage + ": no such file");
        }
        if (output != null && Files.exists(output) && Files.isSameFile(output, carveImage)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "the output is the image");
        }
        java.io.PrintWriter err = spec.commandLine().getErr();
        try (PhaseProgress bar = new PhaseProgress(err, "salvage --carve", progress.enabled())) {
            long size = Carver.imageSize(carveImage);
            bar.phase("scan", size);
            carved = CarvedInputs.carve(carveImage, engine.threads(), engine.limits(), bar::done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while carving");
        } catch (dev.salvor.formats.core.CorruptionException e) {
            throw new UnreadableInputException("cannot read " + carveImage + ": " + e.getMessage());
        }
        err.printf("salvor salvage --carve: %d artifact(s) in %s%n", carved.artifacts().size(), carveImage);
        if (carved.inputs().isEmpty()) {
            data(List.of()); // nothing carved: no input files besides the image
            if (atomic != null) {
                atomic.commit();
            } else {
                data.flush();
            }
            return ExitCodes.CLEAN;
        }
        return null;
    }

    @Override
    void afterAll(RunReport report) throws IOException {
        if (carved != null) {
            // Carved tables and logs are loose files: the database directory (CURRENT, MANIFEST) they came from is not
            // part of the image's evidence, so its absence is not damage of what was carved.
            boolean dropped = report.files().removeIf(f -> f.role().equals("current") && f.size() == 0
                    && !f.damages().isEmpty() && f.damages().stream()
                    .allMatch(d -> d.kind() == dev.salvor.formats.core.DamageKind.MISSING_FILE));
            if (dropped) {
                report.notes().add("carved LevelDB files have no CURRENT/MANIFEST of their own: not counted as damage");
            }
        }
        if (atomic != null) {
            atomic.commit();
        } else if (data != null) {
            data.flush();
        }
        if (reportFile != null) {
            AtomicOutput opened;
            try {
                opened = AtomicOutput.open(reportFile, allInputs(report.inputs()));
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
