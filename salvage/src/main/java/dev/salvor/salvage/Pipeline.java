package dev.salvor.salvage;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogHandler;
import dev.salvor.salvage.report.InputResult;
import dev.salvor.salvage.report.InputStatus;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One run of salvor over its inputs, as a library call that returns the status tree ({@link RunReport}); the CLI
 * only maps the report to its summary, {@code --json} and exit code. The phases, in order:
 * <ol>
 *   <li>{@link #prepare}: each input named once is checked (exists, readable, a file or directory), its format
 *       detected by content (or forced), its files listed once as a {@link SourceSet} (inputs the caller assembled,
 *       such as regions carved out of an image, come as sets of a known format), the files its format reads listed,
 *       every file opened read-only and its size and modification time taken before anything reads it, and the
 *       SHA-256 of every file started on threads of its own;</li>
 *   <li>{@link #run}: the {@link Verb} runs on each input in turn (then on the live table, if any) while the
 *       before-hashes are taken, the before-hashes are joined, the inputs are fingerprinted again, an input that
 *       changed during the run is noted (and makes the verdict damaged), and the report is finished.</li>
 * </ol>
 * The before-hash and the engines read the same bytes at the same time (on 2 cores, hashing and verifying overlap
 * instead of being two passes): the engines open every input read-only and map it, so the before-hash is of the bytes
 * as they were when the run began reading, unless something wrote the file during the run; such a write moves its
 * modification time or size, or changes its after-hash, and the after-fingerprint catches it
 * ({@link InputFile#changedDuringRun()}: {@code INPUT CHANGED DURING THE RUN} in the notes, the verdict damaged).
 * Between the two, callers may open their outputs with {@link #fingerprints()} in hand, so that an output inside the
 * evidence is refused before a byte is read.
 *
 * <p>Inputs are independent: an input that is missing, unreadable, unrecognised, or that does not verify as the
 * format forced on it gets its own {@link InputResult} and never stops the others; a file of a directory that cannot
 * be read is an {@link DamageKind#UNREADABLE} damage of that directory. Only an error writing the output
 * ({@link OutputException}) stops the run. The run's verdict is its worst input's.
 */
public final class Pipeline implements AutoCloseable {
    private final Request request;
    private final RunReport report;
    private final List<Entry> entries;
    private final List<InputFile> fingerprints;
    private final List<AutoCloseable> resources;
    private final List<Throwable> bugs = new ArrayList<>();
    private final Fingerprinter.Pending hashes;

    private Pipeline(Request request, RunReport report, List<Entry> entries, List<InputFile> fingerprints,
                     List<AutoCloseable> resources, Fingerprinter.Pending hashes) {
        this.hashes = hashes;
        this.request = request;
        this.report = report;
        this.entries = entries;
        this.fingerprints = fingerprints;
        this.resources = resources;
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
     * One input as given, prepared: the sets its format reads (usually one; a lone WAL carved as an image may give
     * more), or why it cannot be read at all.
     *
     * @param name       the input as given
     * @param path       the path given, or null for a set or the live table
     * @param detected   what the format reads, empty when {@code failure} is set
     * @param forced     true when the format was forced
     * @param failure    the outcome when nothing of it can be read, else null
     * @param options    settings for this input only, on top of the request's
     * @param unreadable results of files inside it that could not be read (each with an UNREADABLE damage)
     */
    private record Entry(String name, Path path, List<DetectedInput> detected, boolean forced, InputResult failure,
                         Map<Class<?>, Object> options, List<FileResult> unreadable) {
        static Entry failed(String name, Path path, String format, boolean forced, InputStatus status, String msg) {
            return new Entry(name, path, List.of(), forced, InputResult.failed(name, format, forced, status, msg),
                    Map.of(), List.of());
        }

        Entry withDetected(List<DetectedInput> d, List<FileResult> moreUnreadable) {
            List<FileResult> u = new ArrayList<>(unreadable);
            u.addAll(moreUnreadable);
            return new Entry(name, path, d, forced, failure, options, u);
        }

        String format() {
            return detected.isEmpty() ? null : detected.get(0).format();
        }
    }

    /** Why an input cannot be read at all; becomes its {@link InputResult}. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final InputStatus status;

        Refused(InputStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Checks, detects, lists and fingerprints every input (see the class comment). An input that cannot be read is
     * recorded with its reason and the others are prepared.
     *
     * @throws UnknownFormatException the forced format is unknown
     */
    public static Pipeline prepare(Request request) throws IOException {
        return prepare(request, Progress.NONE);
    }

    /**
     * As {@link #prepare(Request)}. The before-hashes run on; their progress phase {@value Fingerprinter#HASH_PHASE}
     * is reported by {@link #run} once the engines are done (complete at once when the hashes kept up).
     */
    public static Pipeline prepare(Request request, Progress progress) throws IOException {
        if (request.format() != null) {
            byName(request.format()); // a usage error before anything is read
        }
        RunReport report = new RunReport(request.command(), request.toolVersion());
        List<AutoCloseable> resources = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        Set<Path> given = new LinkedHashSet<>(request.inputs());
        for (Path p : given) {
            Entry e = prepareOne(p, given, request, resources, report);
            if (e != null) {
                entries.add(e);
            }
        }
        for (SetInput s : request.sets()) {
            DetectedInput in = DetectedInput.list(null, s.input(), byName(s.format()));
            entries.add(new Entry(s.input().name(), null, List.of(in), false, null, Map.of(), List.of()));
        }
        // Records and damages name their input when more than one was given (a companion read with its database is
        // not one of its own; the sets of a carved image belong to the one image).
        report.tagInputs(entries.stream().filter(e -> e.path() != null).count()
                + (request.table() != null ? 1 : 0) > 1);
        List<InputFile> fingerprints = fingerprint(entries, report);
        Fingerprinter.Pending hashes = Fingerprinter.start(fingerprints, request.threads());
        return new Pipeline(request, report, entries, new ArrayList<>(fingerprints), resources, hashes);
    }

    /** Detects and lists one path given by the user; null when it is a companion already read with its database. */
    private static Entry prepareOne(Path p, Set<Path> given, Request request, List<AutoCloseable> resources,
                                    RunReport report) {
        String name = p.toString();
        boolean forced = request.format() != null;
        try {
            checkPath(p);
            if ((!forced || request.format().equals("sqlite")) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                // a WAL or journal is never read as a database, even with --format sqlite
                java.util.Optional<String> kind = InputHints.companionKind(p);
                if (kind.isPresent()) {
                    return companion(p, kind.get(), given, request, resources, report);
                }
            }
            if (forced && request.format().equals("sqlite") && Files.isDirectory(p)) {
                throw new Refused(InputStatus.NOT_FORMAT, p + ": not sqlite: an SQLite database is a file, and this"
                        + " is " + InputHints.describe(p));
            }
            Listing listing = Listing.of(p);
            FormatHandler handler = forced ? byName(request.format()) : Formats.detect(p, listing.set())
                    .orElseThrow(() -> new Refused(InputStatus.UNRECOGNISED, p + ": not recognised: "
                            + InputHints.describe(p) + ". " + InputHints.EXPECTED + "."));
            DetectedInput in = DetectedInput.list(p, listing.set(), handler);
            return new Entry(name, p, List.of(in), forced, null, Map.of(), listing.unreadable());
        } catch (Refused r) {
            return Entry.failed(name, p, forced ? request.format() : null, forced, r.status, r.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return Entry.failed(name, p, forced ? request.format() : null, forced, InputStatus.UNREADABLE,
                    IoErrors.cannotRead(p, e));
        }
    }

    /** Refuses a path that is missing, unreadable, or neither a regular file nor a directory. */
    private static void checkPath(Path p) throws Refused {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(InputStatus.UNREADABLE, "cannot read " + p + ": no such file or directory");
        }
        if (!Files.isReadable(p)) {
            throw new Refused(InputStatus.UNREADABLE, "cannot read " + p + ": permission denied");
        }
        if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
            // A FIFO, socket or device: opening or reading it can block forever (or never end).
            throw new Refused(InputStatus.UNREADABLE, "cannot read " + p + ": not a regular file or directory"
                    + (Files.isSymbolicLink(p) ? " (a symbolic link to one)" : "")
                    + "; to read a disk or partition, image it first (salvor image) or carve it (salvor carve)");
        }
    }

    /**
     * An SQLite WAL or rollback journal given as a file of its own: read with its database when that is given too
     * (nothing to do here), refused with the database to give when it lies beside it, else read alone as carving
     * reads one (the file is the image: its frames or pages become records with their offsets in it).
     *
     * @param kind {@code WAL} or {@code journal}, as its header says
     * @return the input to read, or null when it is read with its database
     */
    private static Entry companion(Path p, String kind, Set<Path> given, Request request,
                                   List<AutoCloseable> resources, RunReport report) throws IOException, Refused {
        java.util.Optional<Path> db = InputHints.databaseOf(p);
        if (db.isPresent()) {
            if (given.stream().anyMatch(g -> sameFile(g, db.get()))) {
                report.notes().add(p + ": the " + kind + " of " + db.get() + ", read with it");
                return null;
            }
            throw new Refused(InputStatus.UNRECOGNISED, p + ": an SQLite " + kind + " given alone: give its"
                    + " database " + db.get() + " instead (its " + kind + " is read beside it)");
        }
        dev.salvor.salvage.carve.CarvedInputs carved;
        try {
            carved = dev.salvor.salvage.carve.CarvedInputs.carve(p, 1, request.limits(), b -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading " + p);
        } catch (dev.salvor.formats.core.CorruptionException e) {
            throw new Refused(InputStatus.UNRECOGNISED, p + ": an SQLite " + kind + " whose header does not"
                    + " verify (" + e.getMessage() + ")");
        }
        resources.add(carved);
        List<DetectedInput> sets = new ArrayList<>();
        for (SetInput s : carved.inputs()) {
            sets.add(DetectedInput.list(null, s.input(), byName(s.format())));
        }
        if (sets.isEmpty()) {
            throw new Refused(InputStatus.UNRECOGNISED, p + ": starts like an SQLite " + kind + " but no frame"
                    + " or page of it verifies");
        }
        report.notes().add(p + ": an SQLite " + kind + " without its database: read alone, as salvor salvage"
                + " --carve reads one (image_offset is the offset in " + p.getFileName() + ")");
        return new Entry(p.toString(), p, sets, false, null, carved.runOptions(), List.of());
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /**
     * The files of an input path, without those that cannot be opened: each of those becomes a file result with an
     * {@link DamageKind#UNREADABLE} damage, so the rest of a directory is still read.
     */
    private record Listing(SourceSet set, List<FileResult> unreadable) {
        static Listing of(Path p) throws IOException {
            SourceSet all = SourceSet.of(p);
            if (!all.isDirectory()) {
                return new Listing(all, List.of());
            }
            List<FileResult> unreadable = new ArrayList<>();
            Set<String> refused = new java.util.HashSet<>();
            for (SourceSet.Member m : all.members()) {
                String why = m.path().map(Listing::whyUnopenable).orElse(null);
                if (why != null) {
                    refused.add(m.name());
                    unreadable.add(unreadableFile(m.name(), m.size(), why));
                }
            }
            SourceSet set = all.without(m -> refused.contains(m.name()), refused.size()
                    + " file(s) could not be read and were left out: " + String.join(", ", refused));
            return new Listing(set, unreadable);
        }

        /** Null when {@code file} opens for reading, else why not. */
        private static String whyUnopenable(Path file) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return null;
            } catch (IOException e) {
                return IoErrors.reason(e);
            }
        }
    }

    /** The result of a file that could not be read: one {@link DamageKind#UNREADABLE} damage over all of it. */
    static FileResult unreadableFile(String name, long size, String why) {
        FileResult r = new FileResult(name, "unknown", "unreadable", size);
        r.addDamage(new Damage(name, 0, size, DamageKind.UNREADABLE, "readable", why,
                "the file could not be read: nothing in it was verified"));
        return r;
    }

    /**
     * Takes the size and modification time of every file of every prepared input, each opened read-only first, and
     * starts their SHA-256 on threads of their own (joined by {@link #run}). A file that cannot be opened is left out
     * of its input (a damage of a directory, the end of a single-file input).
     */
    private static List<InputFile> fingerprint(List<Entry> entries, RunReport report) {
        List<SourceSet.Member> files = new ArrayList<>();
        for (Entry e : entries) {
            for (DetectedInput in : e.detected()) {
                in.files().stream().filter(m -> !m.isStandIn()).forEach(files::add);
            }
        }
        Map<SourceSet.Member, IOException> failed = new HashMap<>();
        Map<SourceSet.Member, InputFile> byMember = new java.util.IdentityHashMap<>();
        for (SourceSet.Member m : files) {
            try {
                byMember.put(m, InputFile.stat(m));
            } catch (IOException e) {
                failed.put(m, e);
            } catch (UncheckedIOException e) {
                failed.put(m, e.getCause());
            }
        }
        List<InputFile> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            List<DetectedInput> kept = new ArrayList<>();
            List<FileResult> unreadable = new ArrayList<>();
            boolean lost = false;
            for (DetectedInput in : e.detected()) {
                Set<String> refused = new java.util.HashSet<>();
                for (SourceSet.Member m : in.files()) {
                    if (m.isStandIn()) {
                        continue; // not evidence: nothing to fingerprint
                    }
                    InputFile f = byMember.get(m);
                    if (f != null) {
                        report.attribute(f, e.name());
                        out.add(f);
                    } else {
                        refused.add(m.name());
                        unreadable.add(unreadableFile(m.name(), m.size(), IoErrors.reason(failed.get(m))));
                    }
                }
                if (refused.isEmpty()) {
                    kept.add(in);
                } else if (in.input().isDirectory()) {
                    SourceSet rest = in.input().without(m -> refused.contains(m.name()), refused.size()
                            + " file(s) could not be read and were left out: " + String.join(", ", refused));
                    kept.add(new DetectedInput(in.path(), rest, in.handler(), in.files().stream()
                            .filter(m -> !refused.contains(m.name())).toList(), in.bytes()));
                } else {
                    lost = true;
                }
            }
            if (lost) {
                String why = unreadable.isEmpty() ? "unknown" : unreadable.get(0).damages().get(0).actual();
                entries.set(i, Entry.failed(e.name(), e.path(), e.format(), e.forced(), InputStatus.UNREADABLE,
                        "cannot read " + unreadable.get(0).file() + ": " + why));
            } else if (!unreadable.isEmpty() || kept.size() != e.detected().size()) {
                entries.set(i, e.withDetected(kept, unreadable));
            }
        }
        report.inputs().addAll(out);
        return out;
    }

    /** The handler of the format named {@code format}. */
    private static FormatHandler byName(String format) {
        return Formats.byName(format).orElseThrow(() -> new UnknownFormatException("unknown format '" + format
                + "' (known: " + String.join(", ", Formats.names()) + ")"));
    }

    /**
     * Fingerprints {@code file} too, before and after the run, as evidence the inputs came from (the raw image the
     * inputs were carved out of): the report then proves which image was read.
     */
    public void fingerprintSource(Path file) throws IOException {
        InputFile f = InputFile.fingerprint(file, file.toString());
        fingerprints.add(0, f);
        report.inputs().add(0, f);
    }

    /** The inputs that will be read, each detected and listed once, in the order given. */
    public List<DetectedInput> inputs() {
        return entries.stream().flatMap(e -> e.detected().stream()).toList();
    }

    /** The paths given that could not be read at all, recognised, or listed, with why (before {@link #run}). */
    public List<InputResult> refused() {
        return entries.stream().map(Entry::failure).filter(Objects::nonNull).toList();
    }

    /**
     * Every file read, with its size and modification time from before the run (its SHA-256 is being taken: complete
     * once {@link #run} returns). Its paths are what outputs may not be.
     */
    public List<InputFile> fingerprints() {
        return fingerprints;
    }

    /** Bytes of every fingerprinted file (the total for progress). */
    public long totalBytes() {
        return fingerprints.stream().mapToLong(InputFile::size).sum();
    }

    /** The report being built (its per-input results are complete once {@link #run} returns). */
    public RunReport report() {
        return report;
    }

    /** Bugs in salvor that stopped an input (each input's result says {@code failed}); for a debug trace. */
    public List<Throwable> bugs() {
        return bugs;
    }

    /**
     * Runs {@code verb} on every input and the live table, fingerprints again and finishes the report.
     *
     * @param progress the engines' phases over each input (named with the input's number when there are several),
     *                 then {@value Fingerprinter#HASH_PHASE} (what is left of the before-hashes), then
     *                 {@value Fingerprinter#REHASH_PHASE}
     * @throws OutputException writing the output failed: the run cannot go on
     */
    public RunReport run(Verb verb, Progress progress) throws IOException {
        try {
            for (int i = 0; i < entries.size(); i++) {
                report.inputResults().add(runOne(entries.get(i), verb, ofInput(progress, i, entries.size())));
            }
            if (request.table() != null) {
                report.inputResults().add(runTable(verb, progress));
            }
        } catch (IOException | RuntimeException stopped) {
            try {
                unhashable(hashes.join(Progress.NONE)); // the report of a stopped run still proves what was read
            } catch (IOException | RuntimeException e) {
                stopped.addSuppressed(e);
            }
            throw stopped;
        }
        unhashable(hashes.join(progress));
        Fingerprinter.after(fingerprints, request.threads(), request.rehash(), progress);
        for (InputFile in : fingerprints) {
            if (in.changedDuringRun()) {
                report.notes().add("INPUT CHANGED DURING THE RUN: " + in.name() + " (" + howChanged(in)
                        + "); results may mix both states");
            }
        }
        report.finish();
        return report;
    }

    /** What differs between the before- and after-fingerprints of a file that changed during the run. */
    private static String howChanged(InputFile in) {
        List<String> what = new ArrayList<>();
        what.add("sha256 " + in.sha256() + " before, " + (in.sha256After() != null ? in.sha256After() : "not taken")
                + " after");
        if (in.sizeAfter() != in.size()) {
            what.add("size " + in.size() + " before, " + in.sizeAfter() + " after");
        }
        if (in.mtimeAfterMillis() >= 0 && in.sha256After() != null && in.sha256After().equals(in.sha256())
                && in.sizeAfter() == in.size()) {
            what.add("modified during the run: the before-hash, taken while the run read, may already hold the"
                    + " change");
        }
        return String.join("; ", what);
    }

    /**
     * Files that opened before the run but whose before-hash could not be read to the end (an I/O error while the
     * run read them): each is an {@link DamageKind#UNREADABLE} damage of its file (its result from the run, else one of
     * its own), its input at least damaged, and it has no fingerprint.
     */
    private void unhashable(Map<InputFile, IOException> failed) {
        for (Map.Entry<InputFile, IOException> f : failed.entrySet()) {
            InputFile in = f.getKey();
            String input = report.inputOf(in);
            fingerprints.remove(in);
            report.inputs().remove(in);
            Damage d = new Damage(in.name(), 0, in.size(), DamageKind.UNREADABLE, "readable",
                    IoErrors.reason(f.getValue()), "the custody hash could not read the file to its end: what the run"
                    + " read of it is not proven");
            FileResult r = report.files().stream().filter(x -> x.file().equals(in.name())
                    && Objects.equals(report.inputOf(x), input)).findFirst().orElse(null);
            if (r == null) {
                r = new FileResult(in.name(), "unknown", "unreadable", in.size());
                report.files().add(r);
                report.attribute(r, input);
            }
            r.addDamage(d);
            List<InputResult> results = report.inputResults();
            for (int i = 0; i < results.size(); i++) {
                InputResult ir = results.get(i);
                if (ir.input().equals(input) || input == null && results.size() == 1) {
                    results.set(i, new InputResult(ir.input(), ir.format(), ir.forced(),
                            ir.status().worst(InputStatus.DAMAGED), ir.message(), ir.files(), ir.unitsVerified(),
                            ir.damages() + 1));
                    break;
                }
            }
        }
    }

    /** Runs {@code verb} on one input and judges it (see {@link InputStatus}). */
    private InputResult runOne(Entry e, Verb verb, Progress progress) throws IOException {
        if (e.failure() != null) {
            return e.failure();
        }
        int first = report.files().size();
        report.files().addAll(e.unreadable());
        Map<Class<?>, Object> options = new HashMap<>(request.options());
        options.putAll(e.options());
        RunContext ctx = new RunContext(request.limits(), request.threads(), progress, options);
        Verb v = report.tagsInputs() ? verb.forInput(e.name()) : verb;
        InputStatus failedAs = null;
        String message = null;
        try {
            for (DetectedInput in : e.detected()) {
                v.run(in.handler(), in.input(), ctx, report);
            }
        } catch (IOException | UncheckedIOException ex) {
            OutputException out = OutputException.in(ex);
            if (out != null) {
                throw out;
            }
            if (ex instanceof dev.salvor.salvage.rebuild.Rebuilder.RebuildRefused refused) {
                throw refused; // the input cannot be rebuilt faithfully: the command says why (exit 2)
            }
            failedAs = InputStatus.UNREADABLE;
            message = IoErrors.cannotRead(e.path() != null ? e.path() : Path.of(e.name()), ex)
                    + " (what was read before is kept)";
        } catch (RuntimeException ex) {
            OutputException out = OutputException.in(ex);
            if (out != null) {
                throw out;
            }
            bugs.add(ex);
            failedAs = InputStatus.FAILED;
            message = "internal error while reading " + e.name() + " (a bug in salvor, please report it): " + ex;
        } finally {
            v.finishInput();
        }
        dropStandIns(e, first);
        List<FileResult> files = report.files().subList(first, report.files().size());
        for (FileResult f : files) {
            report.attribute(f, e.name());
        }
        return judge(e, verb, List.copyOf(files), failedAs, message);
    }

    /**
     * Removes the results of stand-in members (see {@link SourceSet.Member#isStandIn()}) that the run of {@code e}
     * added from index {@code first} on: a stand-in is not evidence, so nothing found in it is damage or verified.
     */
    private void dropStandIns(Entry e, int first) {
        Set<String> standIns = new java.util.HashSet<>();
        for (DetectedInput in : e.detected()) {
            in.input().members().stream().filter(SourceSet.Member::isStandIn).map(SourceSet.Member::name)
                    .forEach(standIns::add);
        }
        if (standIns.isEmpty()) {
            return;
        }
        List<FileResult> added = report.files().subList(first, report.files().size());
        long damages = added.stream().filter(f -> standIns.contains(f.file())).mapToLong(f -> f.damages().size())
                .sum();
        if (added.removeIf(f -> standIns.contains(f.file()))) {
            report.notes().add(e.name() + ": read beside a stand-in database (" + String.join(", ", standIns)
                    + ": not evidence, not reported" + (damages > 0 ? "; " + damages + " finding(s) about it left out"
                    : "") + ")");
        }
    }

    /** The status of an input from what its run found (see {@link InputStatus}). */
    private InputResult judge(Entry e, Verb verb, List<FileResult> files, InputStatus failedAs, String message) {
        long units = files.stream().mapToLong(FileResult::unitsVerified).sum();
        long damages = files.stream().mapToLong(f -> f.damages().size()).sum();
        String format = e.format();
        InputStatus status;
        if (failedAs != null) {
            status = failedAs;
        } else if (verb.verifies() && units == 0 && e.forced()) {
            status = InputStatus.NOT_FORMAT;
            message = e.name() + ": not " + format + ": nothing in it verified as " + format
                    + (damages > 0 ? " (" + damages + " damage(s) when read as " + format + ")" : "")
                    + "; found instead: " + foundInstead(e);
        } else if (verb.verifies() && units == 0 && damages == 0) {
            status = InputStatus.NOTHING_VERIFIED;
            message = e.name() + ": read as " + format + ", but not one block, page, frame or event in it could be"
                    + " verified";
        } else {
            status = damages > 0 ? InputStatus.DAMAGED : InputStatus.CLEAN;
        }
        return new InputResult(e.name(), format, e.forced(), status, message, files.size(), units, damages);
    }

    /** For "not &lt;format&gt;": the format content detection finds, or what the input looks like. */
    private static String foundInstead(Entry e) {
        if (e.path() == null) {
            return "nothing recognisable";
        }
        try {
            java.util.Optional<FormatHandler> h = Formats.detect(e.path());
            if (h.isPresent() && !h.get().name().equals(e.format())) {
                return "content detection recognises it as " + h.get().name() + " (drop --format)";
            }
        } catch (IOException | RuntimeException ignored) {
            // the description below still says what it is
        }
        return InputHints.describe(e.path());
    }

    /** Runs the verb on the live ledger table. */
    private InputResult runTable(Verb verb, Progress progress) throws IOException {
        String name = request.table().displayName();
        int first = report.files().size();
        try {
            verb.runTable(new JsonLogHandler(), request.table(), request.env(),
                    new RunContext(request.limits(), request.threads(), progress, request.options()), report);
        } catch (JdbcInput.Unreadable e) {
            return InputResult.failed(name, "jsonlog", false, InputStatus.UNREADABLE, e.getMessage());
        }
        List<FileResult> files = List.copyOf(report.files().subList(first, report.files().size()));
        files.forEach(f -> report.attribute(f, name));
        long units = files.stream().mapToLong(FileResult::unitsVerified).sum();
        long damages = files.stream().mapToLong(f -> f.damages().size()).sum();
        InputStatus status = damages > 0 ? InputStatus.DAMAGED
                : units > 0 || !verb.verifies() ? InputStatus.CLEAN : InputStatus.NOTHING_VERIFIED;
        return new InputResult(name, "jsonlog", false, status, status == InputStatus.NOTHING_VERIFIED
                ? name + ": no event in the table could be verified" : null, files.size(), units, damages);
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

    @Override
    public void close() throws IOException {
        hashes.cancel();
        IOException first = null;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof IOException io ? io : new IOException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
