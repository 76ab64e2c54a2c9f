package dev.salvor.cli;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.AtomicOutput;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.Formats;
import dev.salvor.salvage.InputFile;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.jsonlog.ChainExtras;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogHandler;
import dev.salvor.salvage.jsonlog.JsonLogOptions;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.report.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Shared flow of every command that reads inputs and reports: resolve and fingerprint inputs, pick each input's
 * format by content (or {@code --format}), run, fingerprint again, print the human summary to stderr and return the
 * exit code.
 */
abstract class ReportingCommand implements Callable<Integer> {

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Force the format instead of detecting it by content (${COMPLETION-CANDIDATES}).",
            completionCandidates = FormatNames.class)
    String format;

    @Option(names = "--json", description = "Print the report as JSON on stdout (data, if any, goes to -o).")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--progress", negatable = true,
            description = "Show a progress bar on stderr (default: only on an interactive terminal).")
    Boolean progress;

    @Option(names = "--rehash", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Hash every input again after reading to prove it did not change (default). "
                    + "--no-rehash compares size and mtime instead: about twice as fast on large inputs.")
    boolean rehash = true;

    @Option(names = "--max-block-mib", paramLabel = "MIB", description = "Largest block or record held in memory "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int maxBlockMib;

    @CommandLine.Mixin
    ChainOptions chain = new ChainOptions();

    /** Bytes of the files each input path names, from the one listing taken before the run (for progress). */
    private final Map<Path, Long> inputBytes = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main main;

    /** Inputs in the order given (null when none was given). */
    abstract List<Path> paths();

    /** The live table ({@code --jdbc}), or null; set by {@link #call()}. */
    JdbcInput table;

    /** {@link #paths()}, never null. */
    final List<Path> inputPaths() {
        return paths() == null ? List.of() : paths();
    }

    /** Runs the command on the live table ({@code --jdbc}); {@code check} by default. */
    void runTable(JsonLogHandler handler, JdbcInput t, Map<String, String> env, RunContext ctx, RunReport report)
            throws IOException {
        handler.checkTable(t, env, ctx, report);
    }

    /** Where {@code --json} reports go. */
    java.io.PrintStream jsonStream() {
        return main.stdout;
    }

    /** Runs the command on one input. */
    abstract void runOne(FormatHandler handler, Path path, RunContext ctx, RunReport report) throws IOException;

    /** True when the ledger truncation plan is wanted even for an intact chain ({@code check --truncation-plan}). */
    boolean truncationPlan() {
        return false;
    }

    /** Called once all inputs ran, before the summary (salvage commits its output here). */
    void afterAll(RunReport report) throws IOException {
    }

    @Override
    public Integer call() throws IOException {
        RunReport report = new RunReport(spec.name(), Version.get());
        JsonLogOptions chainOptions;
        JdbcInput table;
        try {
            chainOptions = chain.toOptions(truncationPlan());
            table = chain.toTable();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (inputPaths().isEmpty() && table == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'PATH'"
                    + " (or --jdbc URL --table TABLE)");
        }
        this.table = table;
        Map<Path, FormatHandler> handlers = new LinkedHashMap<>();
        for (Path p : inputPaths()) {
            handlers.put(p, handlerFor(p));
        }
        List<dev.salvor.salvage.Fingerprinter.Named> named = new ArrayList<>();
        inputBytes.clear();
        for (Map.Entry<Path, FormatHandler> e : handlers.entrySet()) {
            List<Path> files = e.getValue().inputFiles(e.getKey()); // listed once: a LevelDB listing reads every file
            inputBytes.put(e.getKey(), files.stream().mapToLong(p -> p.toFile().length()).sum());
            for (Path f : files) {
                if (!Files.isReadable(f)) {
                    throw new UnreadableInputException("cannot read " + f + ": permission denied");
                }
                named.add(new dev.salvor.salvage.Fingerprinter.Named(f, displayName(e.getKey(), f)));
            }
        }
        List<InputFile> fingerprints;
        try {
            fingerprints = dev.salvor.salvage.Fingerprinter.before(named, Math.max(1, threads));
        } catch (AccessDeniedException ex) {
            throw new UnreadableInputException("cannot read " + ex.getFile() + ": permission denied");
        }
        long total = fingerprints.stream().mapToLong(InputFile::size).sum();
        report.inputs().addAll(fingerprints);
        try (AtomicOutput metrics = openPrometheus(handlers, fingerprints)) {
            return run(report, handlers, fingerprints, total, chainOptions, metrics);
        }
    }

    /** Opens the --prometheus file before the run, so a target inside the evidence is refused up front. */
    private AtomicOutput openPrometheus(Map<Path, FormatHandler> handlers, List<InputFile> fingerprints)
            throws IOException {
        if (chain.prometheus == null) {
            return null;
        }
        List<Path> inputs = new ArrayList<>(handlers.keySet());
        fingerprints.forEach(f -> inputs.add(f.path()));
        try {
            return AtomicOutput.open(chain.prometheus, inputs);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private int run(RunReport report, Map<Path, FormatHandler> handlers, List<InputFile> fingerprints, long total,
                    JsonLogOptions chainOptions, AtomicOutput metrics) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        boolean showProgress = progress != null ? progress : System.console() != null;
        Limits limits = Limits.DEFAULT.withMaxBlockBytes(Math.multiplyExact(maxBlockMib, 1 << 20))
                .withMaxRecordBytes(Math.multiplyExact(maxBlockMib, 1 << 20));
        try (PhaseProgress bar = new PhaseProgress(err, spec.name(), showProgress)) {
            bar.phase("", total);
            long[] base = {0};
            for (Map.Entry<Path, FormatHandler> e : handlers.entrySet()) {
                long b = base[0];
                RunContext ctx = new RunContext(limits, Math.max(1, threads), done -> bar.accept(b + done),
                        Map.of(JsonLogOptions.class, chainOptions));
                runOne(e.getValue(), e.getKey(), ctx, report);
                base[0] += inputBytes.getOrDefault(e.getKey(), 0L);
            }
            if (table != null) {
                RunContext ctx = new RunContext(limits, Math.max(1, threads), done -> { },
                        Map.of(JsonLogOptions.class, chainOptions));
                try {
                    runTable(new JsonLogHandler(), table, System.getenv(), ctx, report);
                } catch (JdbcInput.Unreadable e) {
                    throw new UnreadableInputException(e.getMessage());
                }
            }
        }
        dev.salvor.salvage.Fingerprinter.after(fingerprints, Math.max(1, threads), rehash);
        for (InputFile in : fingerprints) {
            if (in.changedDuringRun()) {
                report.notes().add("INPUT CHANGED DURING THE RUN: " + in.name() + " (sha256 " + in.sha256()
                        + " before, " + in.sha256After() + " after); results may mix both states");
            }
        }
        report.finish();
        afterAll(report);
        if (metrics != null) {
            metrics.stream().write(ChainExtras.prometheus(report).getBytes(StandardCharsets.UTF_8));
            metrics.commit();
        }
        if (json) {
            out.flush();
            java.io.PrintStream js = jsonStream();
            js.print(dev.salvor.salvage.report.ReportJson.toJson(report));
            js.println();
            js.flush();
        }
        printSummary(err, report);
        return "clean".equals(report.verdict()) ? ExitCodes.CLEAN : ExitCodes.DAMAGE;
    }

    FormatHandler handlerFor(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnreadableInputException("cannot read " + p + ": no such file or directory");
        }
        if (!Files.isReadable(p)) {
            throw new UnreadableInputException("cannot read " + p + ": permission denied");
        }
        if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
            // A FIFO, socket or device: opening or reading it can block forever (or never end).
            throw new UnreadableInputException("cannot read " + p + ": not a regular file or directory");
        }
        if (format != null) {
            return Formats.byName(format).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "unknown format '" + format + "' (known: " + String.join(", ", Formats.names()) + ")"));
        }
        return Formats.detect(p).orElseThrow(() -> new UnreadableInputException(p
                + ": no supported format recognised by content (known: " + String.join(", ", Formats.names())
                + "); use --format to force one"));
    }

    private static String displayName(Path root, Path file) {
        if (root.equals(file)) {
            return file.toString();
        }
        if (Files.isDirectory(root) && file.startsWith(root)) {
            return root.relativize(file).toString();
        }
        return file.toString();
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
