package dev.salvor.salvage;

import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogHandler;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of salvor over its inputs, as a library call that returns the status tree ({@link RunReport}); the CLI
 * only maps the report to its summary, {@code --json} and exit code. The phases, in order:
 * <ol>
 *   <li>{@link #prepare}: each input named once is checked (exists, readable, a file or directory), its format
 *       detected by content (or forced), its files listed once as a {@link SourceSet} (inputs the caller assembled,
 *       such as regions carved out of an image, come as sets of a known format), the files its format reads listed,
 *       and every file fingerprinted (size, mtime, SHA-256) before anything reads it;</li>
 *   <li>{@link #run}: the {@link Verb} runs on each input in turn (then on the live table, if any), the inputs are
 *       fingerprinted again, an input that changed during the run is noted (and makes the verdict damaged), and the
 *       report is finished.</li>
 * </ol>
 * Between the two, callers may open their outputs with {@link #fingerprints()} in hand, so that an output inside the
 * evidence is refused before a byte is read.
 */
public final class Pipeline {
    private final Request request;
    private final RunReport report;
    private final List<DetectedInput> inputs;
    private final List<InputFile> fingerprints;

    private Pipeline(Request request, RunReport report, List<DetectedInput> inputs, List<InputFile> fingerprints) {
        this.request = request;
        this.report = report;
        this.inputs = inputs;
        this.fingerprints = fingerprints;
    }

    /**
     * What to run on and how.
     *
     * @param command     the command named in the report ({@code identify}, {@code check}, {@code salvage})
     * @param toolVersion salvor's version, recorded in the report
     * @param inputs      database directories and files in the order given (a path named twice is read once)
     * @param sets        inputs assembled by the caller (regions of a raw image), each of a known format, read
     *                    after {@code inputs}
     * @param format      the format forced on every input, or null to detect each by content
     * @param table       a live ledger table ({@code --jdbc}), run after the inputs, or null
     * @param env         where a live table's credentials come from when its URL has none
     * @param limits      allocation limits for every parser
     * @param threads     worker threads for fingerprints and engines (at least 1)
     * @param rehash      true: the after-fingerprint is a second SHA-256; false: size and mtime only
     * @param options     format-specific settings keyed by their type (see {@link RunContext#options()})
     */
    public record Request(String command, String toolVersion, List<Path> inputs, List<SetInput> sets, String format,
                          JdbcInput table, Map<String, String> env, Limits limits, int threads, boolean rehash,
                          Map<Class<?>, Object> options) {
        public Request {
            Objects.requireNonNull(command);
            Objects.requireNonNull(limits);
            inputs = List.copyOf(inputs);
            sets = List.copyOf(sets);
            env = Map.copyOf(env);
            options = Map.copyOf(options);
            threads = Math.max(1, threads);
        }
    }

    /**
     * An input the caller assembled, not a path: e.g. the tables and logs carved out of an image as one LevelDB set,
     * or a carved SQLite database with its WAL. Its format is known to whoever assembled it (it is not detected).
     *
     * @param input  the files
     * @param format the format's name ({@code leveldb}, {@code sqlite}, {@code jsonlog})
     */
    public record SetInput(SourceSet input, String format) {
    }

    /** {@code --format} names no format salvor knows (the message lists the known ones). */
    public static final class UnknownFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownFormatException(String message) {
            super(message);
        }
    }

    /**
     * Checks, detects, lists and fingerprints every input (see the class comment).
     *
     * @throws UnreadableInputException an input is missing, unreadable, not a regular file or directory, or of no
     *                                  recognised format
     * @throws UnknownFormatException   the forced format is unknown
     */
    public static Pipeline prepare(Request request) throws IOException {
        return prepare(request, Progress.NONE);
    }

    /**
     * As {@link #prepare(Request)}; the fingerprints are the progress phase {@value Fingerprinter#HASH_PHASE}.
     */
    public static Pipeline prepare(Request request, Progress progress) throws IOException {
        RunReport report = new RunReport(request.command(), request.toolVersion());
        Map<Path, FormatHandler> handlers = new LinkedHashMap<>();
        for (Path p : request.inputs()) {
            handlers.put(p, detect(p, request.format()));
        }
        List<DetectedInput> inputs = new ArrayList<>();
        for (Map.Entry<Path, FormatHandler> e : handlers.entrySet()) {
            inputs.add(DetectedInput.list(e.getKey(), e.getValue()));
        }
        for (SetInput s : request.sets()) {
            inputs.add(DetectedInput.list(null, s.input(), byName(s.format())));
        }
        List<SourceSet.Member> files = new ArrayList<>();
        for (DetectedInput in : inputs) {
            for (SourceSet.Member f : in.files()) {
                if (f.path().isPresent() && !Files.isReadable(f.path().get())) {
                    throw new UnreadableInputException("cannot read " + f.path().get() + ": permission denied");
                }
                files.add(f);
            }
        }
        List<InputFile> fingerprints;
        try {
            fingerprints = Fingerprinter.before(files, request.threads(), progress);
        } catch (AccessDeniedException ex) {
            throw new UnreadableInputException("cannot read " + ex.getFile() + ": permission denied");
        }
        report.inputs().addAll(fingerprints);
        return new Pipeline(request, report, List.copyOf(inputs), fingerprints);
    }

    /** The format of {@code p}: the forced one, else the first whose content detection accepts it. */
    private static FormatHandler detect(Path p, String format) throws IOException {
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
            return byName(format);
        }
        return Formats.detect(p).orElseThrow(() -> new UnreadableInputException(p
                + ": no supported format recognised by content (known: " + String.join(", ", Formats.names())
                + "); use --format to force one"));
    }

    /** The handler of the format named {@code format}. */
    private static FormatHandler byName(String format) {
        return Formats.byName(format).orElseThrow(() -> new UnknownFormatException("unknown format '" + format
                + "' (known: " + String.join(", ", Formats.names()) + ")"));
    }

    /** The inputs, each detected and listed once, in the order given. */
    public List<DetectedInput> inputs() {
        return inputs;
    }

    /** Every file read, fingerprinted before the run. */
    public List<InputFile> fingerprints() {
        return fingerprints;
    }

    /** Bytes of every fingerprinted file (the total for progress). */
    public long totalBytes() {
        return fingerprints.stream().mapToLong(InputFile::size).sum();
    }

    /**
     * Runs {@code verb} on every input and the live table, fingerprints again and finishes the report.
     *
     * @param progress the engines' phases over each input (named with the input's number when there are several),
     *                 then {@value Fingerprinter#REHASH_PHASE}
     * @throws UnreadableInputException the live table cannot be read at all
     */
    public RunReport run(Verb verb, Progress progress) throws IOException {
        for (int i = 0; i < inputs.size(); i++) {
            DetectedInput in = inputs.get(i);
            verb.run(in.handler(), in.input(), context(ofInput(progress, i, inputs.size())), report);
        }
        if (request.table() != null) {
            try {
                verb.runTable(new JsonLogHandler(), request.table(), request.env(), context(progress), report);
            } catch (JdbcInput.Unreadable e) {
                throw new UnreadableInputException(e.getMessage());
            }
        }
        Fingerprinter.after(fingerprints, request.threads(), request.rehash(), progress);
        for (InputFile in : fingerprints) {
            if (in.changedDuringRun()) {
                report.notes().add("INPUT CHANGED DURING THE RUN: " + in.name() + " (sha256 " + in.sha256()
                        + " before, " + in.sha256After() + " after); results may mix both states");
            }
        }
        report.finish();
        return report;
    }

    /** {@code progress} for input {@code i} of {@code n}: its phases named {@code walk 2/3} when there are several. */
    private static Progress ofInput(Progress progress, int i, int n) {
        if (n < 2) {
            return progress;
        }
        String of = " " + (i + 1) + "/" + n;
        return new Progress() {
            @Override
            public void phase(String name, long totalBytes) {
                progress.phase(name + of, totalBytes);
            }

            @Override
            public void done(long bytes) {
                progress.done(bytes);
            }
        };
    }

    private RunContext context(Progress progress) {
        return new RunContext(request.limits(), request.threads(), progress, request.options());
    }
}
