package dev.salvor.cli;

import dev.salvor.formats.core.Damage;
import dev.salvor.salvage.OutputException;
import dev.salvor.salvage.OutputTarget;
import dev.salvor.salvage.report.InputResult;
import dev.salvor.salvage.report.InputStatus;
import dev.salvor.salvage.Formats;
import dev.salvor.salvage.DetectedInput;
import dev.salvor.salvage.InputFile;
import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
import dev.salvor.salvage.jsonlog.ChainExtras;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogOptions;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.report.HtmlReport;
import dev.salvor.salvage.report.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** What the run does with each input, once the inputs are fingerprinted (salvage opens its output here). */
    abstract Verb verb(Pipeline pipeline) throws IOException;

    /** True when the ledger truncation plan is wanted even for an intact chain ({@code check --truncation-plan}). */
    boolean truncationPlan() {
        return false;
    }

    @Option(names = "--force", description = "Replace output files that already exist (never an input).")
    boolean force;

    /** The outputs written so far, in order (their size and SHA-256 go into the report). */
    final List<OutputTarget> written = new ArrayList<>();

    /** This command's output files by option name, to refuse two that are the same file (none by default). */
    Map<String, Path> outputOptions() {
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("--prometheus", chain.prometheus);
        if (html() != null) {
            m.put("--html", html().file);
        }
        return m;
    }

    @Override
    public Integer call() throws IOException {
        Pipeline.Request request = request();
        try {
            OutputTarget.requireDistinct(outputOptions());
        } catch (OutputTarget.Refused e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // From the first byte hashed to the last byte rehashed; closed (the line cleared) before the summary.
        PhaseProgress bar = new PhaseProgress(spec.commandLine().getErr(), spec.name(), progress.enabled());
        try (Pipeline pipeline = prepare(request, bar)) {
            return report(pipeline, bar);
        } finally {
            bar.close();
        }
    }

    private Pipeline prepare(Pipeline.Request request, PhaseProgress bar) throws IOException {
        try {
            return Pipeline.prepare(request, bar);
        } catch (Pipeline.UnknownFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The {@code --html} option of the commands that have it (check, salvage); null for the others. */
    HtmlOption html() {
        return null;
    }

    /** Maps drawn before the files' in the HTML page (salvage --carve: the image). */
    List<FileResult> htmlImages(RunReport report) {
        return List.of();
    }

    /** Writes and commits the {@code --html} page (opened before the run), listing it among the outputs. */
    private void writeHtml(OutputTarget page, RunReport report) throws IOException {
        if (page != null) {
            HtmlReport.write(page.stream(), report, htmlImages(report));
            page.commit();
            report.outputs().add(page.written());
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

    /**
     * The options in effect that change what is read or how, for the report: a forced format, chain fields and
     * anchors, the live table, engine limits.
     */
    Map<String, Object> optionsInEffect() {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "format", format);
        putIf(m, "id_field", chain.idField);
        putIf(m, "hash_field", chain.hashField);
        putIf(m, "prev_field", chain.prevField);
        putIf(m, "anchor", chain.anchors);
        putIf(m, "column_type", chain.csvTypes);
        if (chain.jdbc != null) {
            m.put("jdbc", chain.toTable().displayName());
        }
        putIf(m, "order", chain.order);
        m.put("threads", engine.threads());
        m.put("max_block_mib", engine.maxBlockMib);
        m.put("rehash", rehash);
        if (force) {
            m.put("force", true);
        }
        return m;
    }

    static void putIf(Map<String, Object> m, String key, Object value) {
        if (value != null && !(value instanceof List<?> l && l.isEmpty())) {
            m.put(key, value);
        }
    }

    /** Every input path and every file it names, as fingerprinted (outputs may be none of them). */
    List<Path> allInputs(Pipeline pipeline) {
        List<Path> inputs = new ArrayList<>(inputPaths());
        pipeline.inputs().stream().map(DetectedInput::path).filter(Objects::nonNull).forEach(inputs::add);
        pipeline.fingerprints().stream().map(InputFile::path).filter(Objects::nonNull).forEach(inputs::add);
        return inputs;
    }

    /**
     * Opens an output of the run (see {@link OutputTarget}): refused (a usage error) when it is an input or exists
     * without {@code --force}; the report lists it with its size and SHA-256 once committed.
     */
    OutputTarget openOutput(String role, Path target, Pipeline pipeline) throws IOException {
        try {
            OutputTarget t = OutputTarget.open(role, target, allInputs(pipeline), force, main.stdout);
            written.add(t);
            return t;
        } catch (OutputTarget.Refused e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Called once all inputs ran, before the summary (salvage commits its records here). */
    void afterAll(Pipeline pipeline, RunReport report) throws IOException {
    }

    /** Runs the pipeline and maps its report to the outputs and the exit code. */
    private int report(Pipeline pipeline, PhaseProgress bar) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        RunReport report = pipeline.report();
        report.options().putAll(optionsInEffect());
        try {
            OutputTarget metrics = chain.prometheus == null ? null
                    : openOutput("metrics", chain.prometheus, pipeline);
            OutputTarget page = html() == null || html().file == null ? null
                    : openOutput("html", html().file, pipeline);
            try {
                try (bar) {
                    pipeline.run(verb(pipeline), bar);
                }
                afterAll(pipeline, report);
                if (metrics != null) {
                    metrics.stream().write(ChainExtras.prometheus(report).getBytes(StandardCharsets.UTF_8));
                    metrics.commit();
                }
                for (OutputTarget t : written) {
                    if (t.committed()) {
                        report.outputs().add(t.written());
                    }
                }
                writeHtml(page, report);
                writeReportFiles(pipeline, report);
            } catch (OutputException e) {
                report.notes().add("OUTPUT FAILED: " + e.getMessage() + "; the outputs are incomplete");
                if (report.finishedAt() == null) {
                    report.finish();
                }
                printJson(out, report);
                if (!report.inputResults().isEmpty()) {
                    printSummary(err, report); // the run had started: what was read is still told
                }
                err.println("salvor: " + printable(e.getMessage()));
                err.flush();
                return ExitCodes.UNREADABLE;
            }
        } finally {
            for (OutputTarget t : written) {
                t.close();
            }
        }
        printJson(out, report);
        printSummary(err, report);
        debugTraces(err, pipeline);
        return report.exitCode();
    }

    /** Outputs written from the finished report (salvage's {@code --report}); none by default. */
    void writeReportFiles(Pipeline pipeline, RunReport report) throws IOException {
    }

    /** {@code --json}: the report on stdout, whatever the exit code. */
    private void printJson(PrintWriter out, RunReport report) throws IOException {
        if (jsonOption.json) {
            out.flush();
            java.io.PrintStream js = main.stdout;
            js.print(dev.salvor.salvage.report.ReportJson.toJson(report));
            js.println();
            js.flush();
        }
    }

    /** With SALVOR_DEBUG set, the stack trace of every bug that stopped an input. */
    private static void debugTraces(PrintWriter err, Pipeline pipeline) {
        if (pipeline.bugs().isEmpty()) {
            return;
        }
        if (System.getenv("SALVOR_DEBUG") != null) {
            pipeline.bugs().forEach(t -> t.printStackTrace(err));
        } else {
            err.println("Set SALVOR_DEBUG=1 for the stack trace.");
        }
        err.flush();
    }

    void printSummary(PrintWriter err, RunReport r) {
        err.printf("salvor %s: %d file(s), %d unit(s) verified, %d damaged, %s verified%n", r.command(),
                r.files().size(), r.unitsVerified(), r.unitsDamaged(), human(r.bytesVerified()));
        if (r.tagsInputs()) {
            for (InputResult in : r.inputResults()) {
                err.printf("  %s: %s%s%n", printable(in.input()), in.status().display(in.format()),
                        in.format() != null && in.status() != InputStatus.NOT_FORMAT ? " (" + in.format() + ", "
                                + in.unitsVerified() + " unit(s) verified, " + in.damages() + " damage(s))" : "");
                printInputMessage(err, in, "    ");
                printDamages(err, r, in.input(), "    ");
            }
        } else {
            r.inputResults().forEach(in -> printInputMessage(err, in, "  "));
            printDamages(err, r, null, "  ");
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
        for (dev.salvor.salvage.report.OutputFile o : r.outputs()) {
            err.printf("  wrote %s: %s, %s, sha256 %s%n", o.role(), printable(o.path()), human(o.size()), o.sha256());
        }
        int exit = r.exitCode();
        err.println("  verdict: " + r.status().display(r.worstFormat()) + (exit == 0 ? "" : " (exit " + exit + ")"));
        err.flush();
    }

    private static void printInputMessage(PrintWriter err, InputResult in, String indent) {
        if (in.message() != null) {
            err.println(indent + printable(in.message()));
        }
    }

    /** True when {@code f} belongs to an input that was not of its forced format (its damages are only noise). */
    private static boolean notFormat(RunReport r, FileResult f) {
        String input = r.inputOf(f);
        return r.inputResults().stream().anyMatch(in -> in.status() == InputStatus.NOT_FORMAT
                && in.input().equals(input));
    }

    /** The damages of the files of {@code input} (all files when null), at most 20 per file. */
    private static void printDamages(PrintWriter err, RunReport r, String input, String indent) {
        for (FileResult f : r.files()) {
            if (f.damages().isEmpty() || input != null && !input.equals(r.inputOf(f)) || notFormat(r, f)) {
                continue;
            }
            err.printf("%s%s (%s %s): %d damage(s)%n", indent, printable(f.file()), f.format(), f.role(),
                    f.damages().size());
            int shown = 0;
            for (Damage d : f.damages()) {
                if (shown++ == 20) {
                    err.printf("%s  … %d more (see --json)%n", indent, f.damages().size() - 20);
                    break;
                }
                err.println(indent + "  " + printable(d));
            }
        }
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
