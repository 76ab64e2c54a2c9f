package dev.salvor.cli;

import dev.salvor.formats.core.Damage;
import dev.salvor.salvage.AtomicOutput;
import dev.salvor.salvage.Formats;
import dev.salvor.salvage.DetectedInput;
import dev.salvor.salvage.InputFile;
import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
import dev.salvor.salvage.jsonlog.ChainExtras;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogOptions;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.report.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What every command that reads inputs and reports shares: its options, its output streams, and the mapping of the
 * {@link Pipeline}'s report to the human summary on stderr, {@code --json} and the exit code. The run itself (inputs,
 * fingerprints, detection, engines, rehash, verdict) is the pipeline's.
 */
abstract class ReportingCommand implements Callable<Integer> {

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Force the format instead of detecting it by content (${COMPLETION-CANDIDATES}).",
            completionCandidates = FormatNames.class)
    String format;

    @CommandLine.Mixin
    CommonOptions.Json jsonOption = new CommonOptions.Json();

    @CommandLine.Mixin
    CommonOptions.Engine engine = new CommonOptions.Engine();

    @CommandLine.Mixin
    CommonOptions.Progress progress = new CommonOptions.Progress();

    @Option(names = "--rehash", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Hash every input again after reading to prove it did not change (default). "
                    + "--no-rehash compares size and mtime instead: about twice as fast on large inputs.")
    boolean rehash = true;

    @CommandLine.Mixin
    ChainOptions chain = new ChainOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main main;

    /** Inputs in the order given (null when none was given). */
    abstract List<Path> paths();

    /** {@link #paths()}, never null. */
    final List<Path> inputPaths() {
        return paths() == null ? List.of() : paths();
    }

    /** Where {@code --json} reports go. */
    java.io.PrintStream jsonStream() {
        return main.stdout;
    }

    /** What the run does with each input, once the inputs are fingerprinted (salvage opens its output here). */
    abstract Verb verb(Pipeline pipeline) throws IOException;

    /** True when the ledger truncation plan is wanted even for an intact chain ({@code check --truncation-plan}). */
    boolean truncationPlan() {
        return false;
    }

    /** Called once all inputs ran, before the summary (salvage commits its output here). */
    void afterAll(RunReport report) throws IOException {
    }

    @Override
    public Integer call() throws IOException {
        Pipeline.Request request = request();
        // From the first byte hashed to the last byte rehashed; closed (the line cleared) before the summary.
        try (PhaseProgress bar = new PhaseProgress(spec.commandLine().getErr(), spec.name(), progress.enabled())) {
            Pipeline pipeline;
            try {
                pipeline = Pipeline.prepare(request, bar);
            } catch (Pipeline.UnknownFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try (AtomicOutput metrics = openPrometheus(pipeline)) {
                return report(pipeline, metrics, bar);
            }
        }
    }

    /** The pipeline's request from the options; a malformed option is a usage error. */
    private Pipeline.Request request() {
        JsonLogOptions chainOptions;
        JdbcInput table;
        try {
            chainOptions = chain.toOptions(truncationPlan());
            table = chain.toTable();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (inputPaths().isEmpty() && sets().isEmpty() && table == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'PATH'"
                    + " (or --jdbc URL --table TABLE)");
        }
        Map<Class<?>, Object> options = new java.util.HashMap<>(runOptions());
        options.put(JsonLogOptions.class, chainOptions);
        return new Pipeline.Request(spec.name(), Version.get(), inputPaths(), sets(), format, table, System.getenv(),
                engine.limits(), engine.threads(), rehash, options);
    }

    /** Inputs the command assembled itself (regions of an image), read after the paths; none by default. */
    List<Pipeline.SetInput> sets() {
        return List.of();
    }

    /** Format-specific settings a command adds to the run's (see {@code RunContext#options}); none by default. */
    Map<Class<?>, Object> runOptions() {
        return Map.of();
    }

    /** Opens the --prometheus file before the run, so a target inside the evidence is refused up front. */
    private AtomicOutput openPrometheus(Pipeline pipeline) throws IOException {
        if (chain.prometheus == null) {
            return null;
        }
        List<Path> inputs = new ArrayList<>();
        pipeline.inputs().stream().map(DetectedInput::path).filter(Objects::nonNull).forEach(inputs::add);
        pipeline.fingerprints().stream().map(InputFile::path).filter(Objects::nonNull).forEach(inputs::add);
        try {
            return AtomicOutput.open(chain.prometheus, inputs);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Runs the pipeline and maps its report to the outputs and the exit code. */
    private int report(Pipeline pipeline, AtomicOutput metrics, PhaseProgress bar) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        RunReport report;
        try (bar) {
            report = pipeline.run(verb(pipeline), bar);
        }
        afterAll(report);
        if (metrics != null) {
            metrics.stream().write(ChainExtras.prometheus(report).getBytes(StandardCharsets.UTF_8));
            metrics.commit();
        }
        if (jsonOption.json) {
            out.flush();
            java.io.PrintStream js = jsonStream();
            js.print(dev.salvor.salvage.report.ReportJson.toJson(report));
            js.println();
            js.flush();
        }
        printSummary(err, report);
        return "clean".equals(report.verdict()) ? ExitCodes.CLEAN : ExitCodes.DAMAGE;
    }

    void printSummary(PrintWriter err, RunReport r) {
        err.printf("salvor %s: %d file(s), %d unit(s) verified, %d damaged, %s verified%n", r.command(),
                r.files().size(), r.unitsVerified(), r.unitsDamaged(), human(r.bytesVerified()));
        for (FileResult f : r.files()) {
            if (!f.damages().isEmpty()) {
                err.printf("  %s (%s %s): %d damage(s)%n", printable(f.file()), f.format(), f.role(),
                        f.damages().size());
                int shown = 0;
                for (Damage d : f.damages()) {
                    if (shown++ == 20) {
                        err.printf("    … %d more (see --json)%n", f.damages().size() - 20);
                        break;
                    }
                    err.println("    " + printable(d));
                }
            }
        }
        if (!r.recordsByState().isEmpty()) {
            StringBuilder sb = new StringBuilder("  records:");
            r.recordsByState().forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v));
            err.println(sb);
        }
        for (String n : r.notes()) {
            err.println("  note: " + printable(n));
        }
        for (String plan : ChainExtras.truncationPlans(r)) {
            plan.lines().forEach(l -> err.println("  " + l));
        }
        err.println("  verdict: " + r.verdict().toUpperCase(java.util.Locale.ROOT)
                + ("clean".equals(r.verdict()) ? "" : " (exit 1)"));
        err.flush();
    }

    /**
     * {@code o} as text with every control character (C0 including TAB, CR and LF, DEL, C1) shown as {@code \\uXXXX}:
     * text taken from the evidence (CURRENT contents, names, keys in damage details) must never drive the
     * terminal (escape sequences) or split one summary line into several.
     */
    static String printable(Object o) {
        String s = String.valueOf(o);
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // TAB too: evidence holding "\tat " would read like a stack trace line, and columns would shift
            boolean control = c < 0x20 || c >= 0x7f && c <= 0x9f;
            if (control && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (control) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format("%.1f %s", v, u[i]);
    }

    /** Candidates for --format. */
    static final class FormatNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        FormatNames() {
            super(Formats.names());
        }
    }
}
