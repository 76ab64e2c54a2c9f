package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.ProgressCounter;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.UnitState;
import dev.salvor.formats.jsonlog.ChainBreak;
import dev.salvor.formats.jsonlog.ChainEvent;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainHead;
import dev.salvor.formats.jsonlog.ChainReport;
import dev.salvor.formats.jsonlog.ChainVerifier;
import dev.salvor.formats.jsonlog.CsvLedgerSource;
import dev.salvor.formats.jsonlog.CsvLine;
import dev.salvor.formats.jsonlog.EventSource;
import dev.salvor.formats.jsonlog.SegmentEvent;
import dev.salvor.formats.jsonlog.SegmentReader;
import dev.salvor.formats.jsonlog.Snapshot;
import dev.salvor.formats.jsonlog.TruncationPlan;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.RunContext;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Hash-chained JSON event logs and ledgers ({@code jsonlog}): an EventLog directory ({@code segment-NNNNNN.json}
 * files, optional {@code event-log-snapshot.json}), or one JSON array / JSON Lines / CSV export whose events carry
 * the chain members. Recognised by content ({@link ChainInput}); verified by
 * {@link dev.salvor.formats.jsonlog.ChainVerifier}; settings from {@link JsonLogOptions} in the run context.
 *
 * <p>Report: one result per file (role {@code segment}, {@code snapshot} or {@code export}) with the readers'
 * damage and every chain break as a {@link DamageKind#CHAIN_BREAK} damage at its file and offset; for a directory
 * a {@code chain} result with the chain's figures; notes naming the first break, the last good event, a forgery
 * caught only by an anchor and an unanchored start; and the section {@code chains} of the report's extras
 * ({@link ChainExtras}). Salvage writes every event read, with its chain status ({@link ChainRows}).
 */
public final class JsonLogHandler implements FormatHandler {

    /** Breaks listed in the report's {@code chains} section (all are counted, and all become damage). */
    static final int BREAKS_LISTED = 100;
    /** Verifier notes copied into the report. */
    static final int NOTES_COPIED = 200;

    /** The handler; it keeps no state between inputs. */
    public JsonLogHandler() {
    }

    @Override
    public String name() {
        return "jsonlog";
    }

    @Override
    public boolean detect(Path path) throws IOException {
        try {
            return ChainInput.of(path).recognised();
        } catch (IOException | UncheckedIOException e) {
            return false; // cannot even be listed or probed: not recognised as this format
        }
    }

    @Override
    public List<SourceSet.Member> inputFiles(SourceSet input) throws IOException {
        return take(input).readFiles();
    }

    /** The description of {@code input} as the pipeline listed it (the set it hands to every verb). */
    private static ChainInput take(SourceSet input) throws IOException {
        return ChainInput.of(input, onDisk(input));
    }

    /**
     * The directory or file {@code input} was listed from, or {@code null} for files assembled by the caller (their
     * members have no file on disk).
     */
    private static Path onDisk(SourceSet input) {
        boolean assembled = !input.members().isEmpty() && input.members().get(0).path().isEmpty();
        return assembled ? null : Path.of(input.name());
    }

    @Override
    public void identify(SourceSet input, RunContext ctx, RunReport report) throws IOException {
        // Identification needs the chain verdict and the head, which a full pass gives (cheap: one read).
        new Run(take(input), ctx, report).execute(null, false);
    }

    @Override
    public void check(SourceSet input, RunContext ctx, RunReport report) throws IOException {
        new Run(take(input), ctx, report).execute(null, true);
    }

    @Override
    public void salvage(SourceSet input, RunContext ctx, OutputStream out, RunReport report) throws IOException {
        salvage(input, ctx, out, report, (in, chain, rows) -> rows);
    }

    @Override
    public dev.salvor.salvage.rebuild.Rebuilder rebuilder() {
        return new JsonLogRebuilder(this);
    }

    /**
     * Where salvage's events go once the whole chain is verified: {@code salvage} writes every one as a row; a
     * rebuild writes the intact prefix into the new chain and the rest as rows (see {@link JsonLogRebuilder}).
     */
    interface EventRoute {
        /**
         * The consumer of every event, in chain order, for the input {@code in} whose verification gave
         * {@code chain}; {@code rows} writes salvage's rows and counts every event by its chain status.
         */
        Consumer<ChainEvent> route(ChainInput in, ChainReport chain, ChainRows rows) throws IOException;
    }

    /**
     * Salvage of {@code input}, with its events routed by {@code route}: the report gets the same results, damage,
     * notes and counts by state whatever the route does with the events.
     */
    void salvage(SourceSet input, RunContext ctx, OutputStream out, RunReport report, EventRoute route)
            throws IOException {
        Run run = new Run(take(input), ctx, report);
        try (ChainRows rows = run.rows(out)) {
            try {
                run.executeThen(chain -> {
                    try {
                        return route.route(run.in, chain, rows);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, true);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            rows.counts().forEach((k, v) -> report.recordsByState().merge(k, v, Long::sum));
            if (rows.fallbacks() > 0) {
                report.notes().add(input.name() + ": " + rows.fallbacks() + " event(s) written with \"event\":null and their"
                        + " raw bytes (their object could not be rebuilt exactly)");
            }
        }
    }

    /**
     * {@code identify} of a live PostgreSQL ledger table ({@code --jdbc}); credentials from {@code env}
     * ({@code PGPASSWORD}, {@code PGUSER}) when the URL has none.
     *
     * @throws JdbcInput.Unreadable when the table cannot be read at all
     */
    public void identifyTable(JdbcInput table, Map<String, String> env, RunContext ctx, RunReport report)
            throws IOException {
        onTable(table, env, ctx, report, run -> run.execute(null, false));
    }

    /** {@code check} of a live table (see {@link #identifyTable}). */
    public void checkTable(JdbcInput table, Map<String, String> env, RunContext ctx, RunReport report)
            throws IOException {
        onTable(table, env, ctx, report, run -> run.execute(null, true));
    }

    /** {@code salvage} of a live table: every row as an event row (see {@link #identifyTable}). */
    public void salvageTable(JdbcInput table, Map<String, String> env, RunContext ctx, OutputStream out,
                             RunReport report) throws IOException {
        onTable(table, env, ctx, report, run -> {
            try (ChainRows rows = run.rows(out)) {
                try {
                    run.execute(rows, true);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                rows.counts().forEach((k, v) -> report.recordsByState().merge(k, v, Long::sum));
            }
        });
    }

    private interface RunAction {
        void run(Run run) throws IOException;
    }

    /** Connects, lists the columns to choose the chain's members, runs {@code action}, and disconnects. */
    private static void onTable(JdbcInput table, Map<String, String> env, RunContext ctx, RunReport report,
                                RunAction action) throws IOException {
        try (Connection c = table.connect(env)) {
            List<String> columns;
            try {
                columns = JdbcLedgerSource.describe(c, table.table(), Map.of()).stream()
                        .map(JdbcLedgerSource.Column::name).toList();
            } catch (SQLException e) {
                throw table.unreadable("cannot list the table's columns", e, null);
            }
            Run run = new Run(ChainInput.ofTable(table, columns), ctx, report);
            run.connection = c;
            action.run(run);
        } catch (SQLException e) {
            throw table.unreadable("closing the connection failed", e, null);
        }
    }

    /** One input's verification. */
    private static final class Run {
        private final ChainInput in;
        private final RunContext ctx;
        private final RunReport report;
        private final JsonLogOptions options;
        private final ChainFields fields;
        private final SegmentReader reader;
        private final Map<String, FileResult> results = new LinkedHashMap<>();
        private final Map<String, Tracked> tracked = new LinkedHashMap<>();
        private FileResult chainResult;
        /** The open connection of a {@link ChainInput.Kind#TABLE} input (owned by the caller). */
        private Connection connection;

        Run(ChainInput in, RunContext ctx, RunReport report) {
            this.in = in;
            this.ctx = ctx;
            this.report = report;
            this.options = ctx.option(JsonLogOptions.class, JsonLogOptions.DEFAULTS);
            this.fields = in.fields(options);
            int maxEvent = Math.max(1 << 16, ctx.limits().maxRecordBytes());
            this.reader = new SegmentReader(SegmentReader.Options.defaults(fields).withMaxEventBytes(maxEvent)
                    .withMaxNestingDepth(ctx.limits().maxNestingDepth()));
        }

        ChainRows rows(OutputStream out) throws IOException {
            Function<ChainEvent, byte[]> csv = null;
            if (in.kind() == ChainInput.Kind.CSV) {
                List<String> header = null;
                try (ByteSource s = in.eventFiles().get(0).open()) {
                    header = CsvLine.header(s.read(0, (int) Math.min(s.size(), Math.max(ChainHead.MAX_HEAD_BYTES,
                            ctx.limits().maxRecordBytes()))));
                } catch (CorruptionException e) {
                    // The header cannot be read: rows are written with their raw bytes.
                }
                csv = ChainRows.csv(header, options.csvTypesFor(fields));
            }
            return new ChainRows(out, reader.canonicalizer(), fields.hash(), csv,
                    ctx.option(ImageOffsets.class, ImageOffsets.NONE));
        }

        private FileResult result(String name, String role, long size) {
            return results.computeIfAbsent(name, n -> {
                FileResult r = new FileResult(n, "jsonlog", role, size);
                report.files().add(r);
                return r;
            });
        }

        /** Where a damage or break of {@code resource} goes. */
        private FileResult resultFor(String resource) {
            FileResult r = results.get(resource);
            return r != null ? r : chainResult();
        }

        private FileResult chainResult() {
            if (chainResult == null) {
                if (in.kind() == ChainInput.Kind.DIRECTORY) {
                    long size = 0;
                    for (FileResult r : results.values()) {
                        size += r.size(); // the segments and the snapshot, as opened
                    }
                    chainResult = new FileResult(in.name(), "jsonlog", "chain", size);
                    report.files().add(chainResult);
                } else {
                    chainResult = results.values().iterator().next();
                }
            }
            return chainResult;
        }

        void execute(Consumer<ChainEvent> out, boolean plan) throws IOException {
            executeThen(out == null ? null : chain -> out, plan);
        }

        /**
         * Verifies; with {@code rows} not null, reads the events again and sends each with its final status to the
         * consumer {@code rows} returns for the chain's verdict.
         */
        void executeThen(Function<ChainReport, Consumer<ChainEvent>> rows, boolean plan) throws IOException {
            List<ByteSource> open = new ArrayList<>();
            try {
                List<EventSource> sources = new ArrayList<>();
                Passes passes = new Passes(ctx.progress(), in.eventFiles().stream()
                        .mapToLong(SourceSet.Member::size).sum());
                if (in.kind() == ChainInput.Kind.TABLE) {
                    table = openTable();
                    Tracked t = new Tracked(table, fields.id(), 0, passes, null);
                    tracked.put(in.name(), t);
                    sources.add(t);
                }
                for (SourceSet.Member file : in.eventFiles()) {
                    String name = file.name();
                    ByteSource src = file.open();
                    open.add(src);
                    FileResult r = result(name, in.kind() == ChainInput.Kind.DIRECTORY ? "segment" : "export",
                            src.size());
                    r.fact("layout", in.kind() == ChainInput.Kind.CSV ? "csv" : "json");
                    EventSource es = in.kind() == ChainInput.Kind.CSV
                            ? new CsvLedgerSource(src, new CsvLedgerSource.Options(fields,
                            options.csvTypesFor(fields), Set.of(), Math.max(1 << 16, ctx.limits().maxRecordBytes())),
                            reader.canonicalizer())
                            : EventSource.segment(src, reader);
                    Tracked t = new Tracked(es, fields.id(), src.size(), passes, r);
                    tracked.put(name, t);
                    sources.add(t);
                }
                DamageSink sink = d -> resultFor(d.resource()).addDamage(d);
                Snapshot snapshot = readSnapshot(sink);
                chainResult(); // a directory's chain result follows its files
                if (in.kind() == ChainInput.Kind.DIRECTORY && in.dir().segments().isEmpty()) {
                    chainResult().addDamage(Damage.of(in.name(), -1, 0, DamageKind.MISSING_FILE,
                            "no segment-NNNNNN.json file in the directory: no event to verify"));
                }
                ChainVerifier verifier = new ChainVerifier(ChainVerifier.Options.defaults(fields)
                        .withAnchors(options.anchors()).withThreads(Math.max(1, ctx.threads())));
                ChainReport cr;
                try {
                    cr = rows == null ? verifier.verify(sources, snapshot, sink)
                            : verifier.verifyThen(sources, snapshot, sink, chain -> markChain(rows.apply(chain)));
                } catch (CorruptionException e) {
                    // Not expected from the readers (they report and resynchronise); keep it as damage, never a crash.
                    sink.report(e.damage());
                    report.notes().add(in.name() + ": verification stopped early: " + e.damage());
                    return;
                } catch (JdbcLedgerSource.ReadFailure e) {
                    throw in.table().unreadable("reading the rows failed", e.getCause(), null);
                }
                passes.finish();
                summarise(cr, snapshot, plan);
            } finally {
                for (ByteSource s : open) {
                    s.close();
                }
                if (table != null) {
                    try {
                        table.close(); // ROLLBACK: the read-only transaction ends without a commit
                    } catch (SQLException e) {
                        report.notes().add(in.name() + ": rollback of the read-only transaction failed: "
                                + e.getMessage());
                    }
                }
            }
        }

        private JdbcLedgerSource table;

        /**
         * {@code out}, after drawing each event the chain could not vouch for in its file's map: broken events
         * damaged, unlinked ones unverified (the reader drew every event it parsed verified).
         */
        private Consumer<ChainEvent> markChain(Consumer<ChainEvent> out) {
            return e -> {
                FileResult r = results.get(e.file());
                if (r != null && e.offset() >= 0) {
                    if (ChainEvent.BROKEN.equals(e.chain())) {
                        r.map().mark(e.offset(), e.length(), UnitState.DAMAGED);
                    } else if (ChainEvent.UNVERIFIED.equals(e.chain())) {
                        r.map().mark(e.offset(), e.length(), UnitState.UNVERIFIED);
                    }
                }
                out.accept(e);
            };
        }

        /** Starts the read-only transaction on the table and records how it is read. */
        private JdbcLedgerSource openTable() throws IOException {
            JdbcInput j = in.table();
            String order = j.order() != null ? j.order() : '"' + fields.id().replace("\"", "\"\"") + '"';
            JdbcLedgerSource src;
            try {
                src = JdbcLedgerSource.open(connection, in.name(), new JdbcLedgerSource.Options(fields, j.table(),
                        order, options.csvTypes(), Set.of(), 1000, Math.max(1 << 16, ctx.limits().maxRecordBytes())),
                        reader.canonicalizer());
            } catch (SQLException e) {
                throw j.unreadable("cannot start a read-only transaction on the table", e, null);
            }
            FileResult r = result(in.name(), "table", 0);
            r.fact("layout", "table").fact("query", src.query()).fact("transaction", src.isolation()
                    + (src.readOnly() ? ", read only" : "")).fact("columns", String.join(", ", src.columns().stream()
                    .map(c -> c.name() + " " + c.sqlType() + " as " + c.type().name().toLowerCase(Locale.ROOT))
                    .toList()));
            return src;
        }

        private Snapshot readSnapshot(DamageSink sink) throws IOException {
            if (in.kind() != ChainInput.Kind.DIRECTORY || in.dir().snapshot() == null) {
                return null;
            }
            SourceSet.Member file = in.dir().snapshot();
            String name = file.name();
            try (ByteSource s = file.open()) {
                FileResult r = result(name, "snapshot", s.size());
                r.units(1, 0, s.size());
                Snapshot snap = Snapshot.read(s, sink);
                if (snap.damaged()) {
                    r.units(0, 1, 0);
                }
                r.map().mark(0, s.size(), snap.damaged() ? UnitState.DAMAGED : UnitState.VERIFIED);
                r.fact("version", snap.version()).fact("total_events", snap.totalEvents())
                        .fact("last_event_id", snap.lastEventId()).fact("last_current_hash", snap.lastHash());
                return snap;
            } catch (CorruptionException e) {
                // Over the snapshot size limit (or changed while read): reported, not used as an anchor.
                sink.report(e.damage());
                return null;
            }
        }

        private void summarise(ChainReport cr, Snapshot snapshot, boolean plan) {
            String input = in.name();
            // Per-file figures and every break as damage where it is.
            Map<String, Long> breaksPerFile = new LinkedHashMap<>();
            Map<String, Long> unhashedPerFile = new LinkedHashMap<>();
            for (ChainBreak b : cr.breaks()) {
                resultFor(b.file()).addDamage(toDamage(b));
                breaksPerFile.merge(b.file(), 1L, Long::sum);
                if (b.reasons().contains(dev.salvor.formats.jsonlog.BreakReason.HASH_MISMATCH)
                        || b.reasons().contains(dev.salvor.formats.jsonlog.BreakReason.UNPARSEABLE)) {
                    unhashedPerFile.merge(b.file(), 1L, Long::sum); // its own hash does not verify
                }
            }
            for (Map.Entry<String, Tracked> e : tracked.entrySet()) {
                Tracked t = e.getValue();
                FileResult r = results.get(e.getKey());
                // Damaged units: events at a break, damaged regions that hid events, and torn events kept.
                // A table has no file size: the bytes verified are those of its rows' objects.
                // Verified units: events whose own hash verifies (an event that only breaks a link is intact itself).
                long verified = Math.max(0, t.events - unhashedPerFile.getOrDefault(e.getKey(), 0L));
                r.units(verified, breaksPerFile.getOrDefault(e.getKey(), 0L) + t.torn, t.size > 0 ? t.size : t.bytes);
                r.fact("events", t.events).fact("first_id", t.firstId).fact("last_id", t.lastId);
            }
            FileResult chain = chainResult();
            chain.fact("fields", fields.id() + "," + fields.hash() + "," + fields.prev())
                    .fact("events", cr.events());
            if (in.kind() == ChainInput.Kind.DIRECTORY) {
                chain.fact("segments", in.dir().segments().size());
            }
            String firstId = tracked.values().stream().map(t -> t.firstId).filter(x -> x != null).findFirst()
                    .orElse(null);
            chain.fact("first_id", firstId).fact("last_id", cr.headId()).fact("last_hash", cr.headHash())
                    .fact("chain_valid", cr.intact()).fact("breaks", cr.breakCount())
                    .fact("last_good_id", cr.lastGoodId()).fact("last_good_hash", cr.lastGoodHash());
            if (cr.forgerySuspected()) {
                chain.fact("forgery_suspected", true);
            }
            if (cr.unanchoredStart() != null) {
                chain.fact("unanchored_start", cr.unanchoredStart());
            }

            // Notes for the specialist.
            if (!options.fieldsGiven() && !fields.equals(ChainFields.EVENT_LOG)) {
                report.notes().add(input + ": chain members " + fields.id() + "/" + fields.hash() + "/"
                        + fields.prev() + " recognised from the content (set --id-field/--hash-field/--prev-field"
                        + " to override)");
            }
            report.notes().addAll(in.kind() == ChainInput.Kind.DIRECTORY ? in.dir().notes() : List.of());
            if (cr.intact()) {
                report.notes().add(input + ": hash chain verified: " + cr.events() + " event(s), last id "
                        + cr.headId() + ", hash " + cr.headHash()
                        + (cr.unanchoredStart() != null ? " (start unanchored, see below)" : ""));
            } else {
                ChainBreak first = cr.firstBreak();
                report.notes().add(input + ": hash chain BROKEN: " + cr.breakCount() + " break(s); first break: "
                        + (first == null ? "(not listed)" : first.reason().id() + " at " + first.file()
                        + (first.index() >= 0 ? " index " + first.index() : "")
                        + (first.id() != null ? " id " + first.id() : "")
                        + (first.offset() >= 0 ? " offset 0x" + Long.toHexString(first.offset()) : "")));
                report.notes().add(input + ": last good event: " + (cr.lastGoodId() == null
                        ? "none (no intact prefix)" : "id " + cr.lastGoodId() + ", hash " + cr.lastGoodHash()
                        + " (" + cr.prefixEvents() + " event(s) intact before the first break)"));
            }
            if (cr.forgerySuspected()) {
                report.notes().add(input + ": FORGERY SUSPECTED: every hash and link verifies, but an anchor"
                        + " disagrees; only an anchor caught it (the chain was edited and re-hashed after the last"
                        + " matching anchor; events since then are unverified)");
            }
            if (cr.unanchoredStart() != null) {
                report.notes().add(input + ": chain start unanchored: the first event's " + fields.prev() + " is "
                        + cr.unanchoredStart() + ", not null and known to no anchor (early segments pruned?);"
                        + " reported as unanchored, not as broken; give --anchor ID=HASH to tie it");
            }
            if (cr.breakCount() > cr.breaks().size()) {
                report.notes().add(input + ": " + (cr.breakCount() - cr.breaks().size())
                        + " more break(s) counted but not listed");
            }
            List<String> vnotes = cr.notes();
            report.notes().addAll(vnotes.subList(0, Math.min(vnotes.size(), NOTES_COPIED)));
            if (vnotes.size() > NOTES_COPIED) {
                report.notes().add(input + ": " + (vnotes.size() - NOTES_COPIED) + " more verifier note(s)");
            }

            // Structured section.
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", input);
            m.put("fields", mapOf("id", fields.id(), "hash", fields.hash(), "prev", fields.prev()));
            m.put("events", cr.events());
            m.put("valid", cr.valid());
            m.put("broken", cr.broken());
            m.put("unverified", cr.unverified());
            m.put("intact", cr.intact());
            m.put("breaks", cr.breakCount());
            m.put("first_break", cr.firstBreak() == null ? null : breakMap(cr.firstBreak()));
            m.put("breaks_listed", cr.breaks().stream().limit(BREAKS_LISTED).map(JsonLogHandler::breakMap).toList());
            m.put("last_good", cr.lastGoodId() == null && cr.lastGoodHash() == null ? null
                    : mapOf("id", cr.lastGoodId(), "hash", cr.lastGoodHash(), "events", cr.prefixEvents()));
            m.put("head", mapOf("id", cr.headId(), "hash", cr.headHash()));
            m.put("forgery_suspected", cr.forgerySuspected());
            m.put("unanchored_start", cr.unanchoredStart());
            m.put("anchors", options.anchors().stream().map(a -> mapOf("id", a.id(), "hash", a.hash())).toList());
            if (snapshot != null) {
                m.put("snapshot", mapOf("file", snapshot.resource(), "damaged", snapshot.damaged(),
                        "last_event_id", snapshot.lastEventId(), "last_current_hash", snapshot.lastHash(),
                        "total_events", snapshot.totalEvents()));
            }
            boolean ledger = in.kind() != ChainInput.Kind.DIRECTORY;
            if (plan && (options.truncationPlan() || (ledger && !cr.intact()))) {
                TruncationPlan tp = TruncationPlan.of(cr, planNames());
                m.put("truncation_plan", mapOf("last_good_sequence", tp.lastGoodSequence(), "last_good_hash",
                        tp.lastGoodHash(), "entries_after", tp.entriesAfter(), "sql", tp.sql(), "executed", false));
            }
            ChainExtras.add(report, m);
        }

        private TruncationPlan.Names planNames() {
            return JsonLogHandler.planNames(in, fields);
        }
    }

    /**
     * Seed 004's table names for the ledger {@code in} with members {@code fields}: the table read (when it is a
     * plain, unquoted name) and the id member as the sequence column (when it is a plain identifier).
     */
    static TruncationPlan.Names planNames(ChainInput in, ChainFields fields) {
        TruncationPlan.Names n = TruncationPlan.Names.INVARIO;
        String entries = n.entriesTable();
        if (in.kind() == ChainInput.Kind.TABLE) {
            try {
                // The table read, when it is a plain (unquoted) name.
                entries = new TruncationPlan.Names(in.table().table(), n.sequenceColumn(), n.headTable(),
                        n.headSequence(), n.headHash(), n.headKeyColumn(), n.headKey()).entriesTable();
            } catch (IllegalArgumentException e) {
                // A quoted name: the runbook's table name is kept.
            }
        }
        try {
            return new TruncationPlan.Names(entries, fields.id(), n.headTable(), n.headSequence(),
                    n.headHash(), n.headKeyColumn(), n.headKey());
        } catch (IllegalArgumentException e) {
            return n;
        }
    }

    static Damage toDamage(ChainBreak b) {
        String reasons = String.join(",", b.reasons().stream().map(r -> r.id()).toList());
        StringBuilder d = new StringBuilder("chain break (").append(reasons).append(')');
        if (b.index() >= 0) {
            d.append(" at index ").append(b.index());
        }
        if (b.id() != null) {
            d.append(b.index() >= 0 ? ", id " : " at id ").append(b.id());
        }
        d.append(": ").append(b.detail());
        return new Damage(b.file(), b.offset(), 0, DamageKind.CHAIN_BREAK, b.expected(), b.found(), d.toString());
    }

    static Map<String, Object> breakMap(ChainBreak b) {
        return mapOf("file", b.file(), "index", b.index(), "offset", b.offset(), "id", b.id(),
                "reason", b.reason().id(), "reasons", b.reasons().stream().map(r -> r.id()).toList(),
                "expected", b.expected(), "found", b.found(), "detail", b.detail(), "message", b.toString());
    }

    /** An insertion-ordered map that allows null values. */
    static Map<String, Object> mapOf(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The progress phase of the chain's verification (every event file read, parsed, hashed and linked). */
    static final String CHAIN_PHASE = "chain";
    /** The progress phase of salvage's second reading, which writes every event with its final status. */
    static final String ROWS_PHASE = "rows";

    /**
     * The verifier's readings of the event files as progress phases: the first is {@value #CHAIN_PHASE}, the second
     * (salvage only: per-event results are known once the whole chain is verified) {@value #ROWS_PHASE}; each over the
     * bytes of every event file. A reading starts when the first source is read for that time: the verifier reads all
     * sources once before it starts again.
     */
    private static final class Passes {
        private final Progress progress;
        private final long bytes;
        private int reading;
        private ProgressCounter counter;

        Passes(Progress progress, long bytes) {
            this.progress = progress;
            this.bytes = bytes;
        }

        /** The counter of reading {@code n} (1 or 2), started (and the previous one finished) on first use. */
        synchronized ProgressCounter reading(int n) {
            if (n > reading) {
                finish();
                reading = n;
                counter = ProgressCounter.start(progress, n == 1 ? CHAIN_PHASE : ROWS_PHASE, bytes);
            }
            return counter;
        }

        /** The last reading is over. */
        synchronized void finish() {
            if (counter != null) {
                counter.finish();
            }
        }
    }

    /**
     * An event source that records, on its first read, the events and first/last ids of its file, and counts the
     * bytes of every read as its events go by (the verifier reads twice when per-event results are wanted).
     */
    private static final class Tracked implements EventSource {
        private final EventSource inner;
        private final String idField;
        private final long size;
        private final Passes passes;
        private final FileResult result;
        private int reads;
        long events;
        long torn;
        long bytes;
        String firstId;
        String lastId;

        /** {@code result}: the file's result, whose map gets each event's bytes; null for a table. */
        Tracked(EventSource inner, String idField, long size, Passes passes, FileResult result) {
            this.result = result;
            this.inner = inner;
            this.idField = idField;
            this.size = size;
            this.passes = passes;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void read(DamageSink sink, Consumer<SegmentEvent> out) {
            ProgressCounter.Sequential position = passes.reading(++reads).sequential(size);
            try {
                if (reads > 1) {
                    inner.read(sink, e -> {
                        position.at(e.offset() + e.length());
                        out.accept(e);
                    });
                } else {
                    firstRead(sink, out, position);
                }
            } finally {
                position.end(); // sources may be read on several threads: the counter is shared and synchronised
            }
        }

        private void firstRead(DamageSink sink, Consumer<SegmentEvent> out, ProgressCounter.Sequential position) {
            inner.read(sink, e -> {
                events++;
                bytes += e.length();
                if (e.status() == SegmentEvent.Status.TORN_HASH) {
                    torn++;
                }
                if (result != null) {
                    // Complete and hashable: verified until the chain says otherwise (torn or rejected: never).
                    result.map().mark(e.offset(), e.length(), e.status() == SegmentEvent.Status.OK
                            ? UnitState.VERIFIED : UnitState.DAMAGED);
                }
                String id = id(e);
                if (id != null) {
                    if (firstId == null) {
                        firstId = id;
                    }
                    lastId = id;
                }
                position.at(e.offset() + e.length());
                out.accept(e);
            });
        }

        private String id(SegmentEvent e) {
            if (e.canonical() == null) {
                return null;
            }
            var s = e.canonical().scalar(idField);
            return s == null || s.isNull() ? null : s.text();
        }
    }
}
