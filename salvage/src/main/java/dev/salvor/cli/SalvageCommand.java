package dev.salvor.cli;

import dev.salvor.salvage.OutputTarget;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    private OutputTarget records;
    private OutputTarget reportTarget;

    @picocli.CommandLine.Mixin
    HtmlOption html = new HtmlOption();

    @Override
    HtmlOption html() {
        return html;
    }

    /** With {@code --carve}: the image's map (where each artifact lies, and their damage) heads the page. */
    @Override
    List<dev.salvor.formats.core.FileResult> htmlImages(RunReport report) {
        return carved == null ? List.of() : List.of(carved.imageMap(report));
    }
    private CarvedInputs carved;

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
    Map<String, Path> outputOptions() {
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("-o", output == null ? Path.of("-") : output);
        m.put("--report", reportFile);
        m.putAll(super.outputOptions());
        return m;
    }

    @Override
    Map<String, Object> optionsInEffect() {
        Map<String, Object> m = super.optionsInEffect();
        if (carveImage != null) {
            m.put("carve", carveImage.toString());
        }
        return m;
    }

    @Override
    List<Path> allInputs(Pipeline pipeline) {
        List<Path> all = super.allInputs(pipeline);
        if (carveImage != null) {
            all.add(carveImage);
        }
        return all;
    }

    @Override
    Verb verb(Pipeline pipeline) throws IOException {
        if (carveImage != null) {
            pipeline.fingerprintSource(carveImage); // the image itself is the evidence: its SHA-256 in the report
        }
        records = openOutput("records", output == null ? Path.of("-") : output, pipeline);
        if (reportFile != null) {
            reportTarget = openOutput("report", reportFile, pipeline); // refused now, not after a long run
        }
        return Verb.salvage(records.stream());
    }

    @Override
    public Integer call() throws IOException {
        if (jsonOption.json && (output == null || OutputTarget.isStdout(output))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json prints the report on stdout,"
                    + " where the records go without -o: give -o FILE for the records (or --report FILE instead of"
                    + " --json)");
        }
        try {
            if (carveImage != null) {
                Integer early = carve();
                if (early != null) {
                    return early;
                }
            }
            return super.call();
        } finally {
            if (carved != null) {
                carved.close(); // closes the image
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
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "refusing to write " + output
                    + ": it is the image (evidence is never overwritten)");
        }
        if (Files.isDirectory(carveImage)) {
            throw new UnreadableInputException("cannot carve " + carveImage + ": it is a directory; carve a raw"
                    + " image or device (salvor image makes one), or salvage the directory itself: salvor salvage "
                    + carveImage);
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
            err.printf("salvor salvage --carve: no artifact of a known format in %s: nothing written%n", carveImage);
            return ExitCodes.UNREADABLE;
        }
        return null;
    }

    @Override
    void afterAll(Pipeline pipeline, RunReport report) throws IOException {
        if (records != null && nothingRead(report)) {
            // every input was refused before a byte was read: no empty file that looks like a result
            report.notes().add("no input could be read: no records written");
        } else if (records != null) {
            records.commit();
        }
    }

    /** True when every input was refused (unreadable, unrecognised) before anything was read. */
    private static boolean nothingRead(RunReport report) {
        return !report.inputResults().isEmpty() && report.inputResults().stream()
                .allMatch(r -> r.files() == 0 && r.exitCode() == ExitCodes.UNREADABLE);
    }

    @Override
    void writeReportFiles(Pipeline pipeline, RunReport report) throws IOException {
        if (reportTarget != null) {
            ReportJson.write(reportTarget.stream(), report);
            reportTarget.commit();
            report.outputs().add(reportTarget.written());
        }
    }
}
