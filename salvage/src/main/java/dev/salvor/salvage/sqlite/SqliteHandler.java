package dev.salvor.salvage.sqlite;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.UnitSink;
import dev.salvor.formats.core.UnitState;
import dev.salvor.formats.sqlite.DatabaseHeader;
import dev.salvor.formats.core.CheckLevel;
import dev.salvor.formats.sqlite.SqliteChecker;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.sqlite.SqliteSalvager;
import dev.salvor.formats.sqlite.SqliteSignature;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog;
import dev.salvor.formats.sqlite.SchemaEntry;
import dev.salvor.formats.sqlite.SqliteDatabase;
import dev.salvor.formats.sqlite.TableTree;
import dev.salvor.salvage.chromium.IndexedDbIdentity;
import dev.salvor.salvage.chromium.IndexedDbSqliteJson;
import dev.salvor.salvage.chromium.IndexedDbSqliteSummary;
import dev.salvor.salvage.JsonBytes;
import dev.salvor.salvage.RunContext;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQLite: a database file, plus its {@code -wal} and {@code -journal} beside it when present. Recognised by the
 * 16-byte header string; a file whose header was destroyed needs {@code --format sqlite}.
 */
public final class SqliteHandler implements FormatHandler {
    /** The handler; it keeps no state between inputs. */
    public SqliteHandler() {
    }

    @Override
    public String name() {
        return "sqlite";
    }

    /**
     * The 100-byte database header first: most files are told apart by its 16-byte header string alone. Only when
     * the string is absent are page headers read, to recognise a database whose header was destroyed
     * ({@link SqliteSignature#looksLikeHeaderlessDatabase}: a few bytes at each candidate page boundary of the first
     * MiB).
     */
    @Override
    public boolean detect(Path path) throws IOException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(DatabaseHeader.SIZE);
        }
        if (SqliteSignature.matches(head)) {
            return true;
        }
        try (ByteSource file = ByteSource.open(path)) {
            return SqliteSignature.looksLikeHeaderlessDatabase(file);
        }
    }

    @Override
    public List<SourceSet.Member> inputFiles(SourceSet input) throws IOException {
        return SqliteFiles.of(input).all();
    }

    /**
     * The files of one SQLite input: the database, and its WAL and rollback journal when present. A single file on
     * disk finds them beside it ({@code <db>-wal}, {@code <db>-journal}, named as given); a set assembled by the
     * caller (e.g. carved out of an image) holds them as members named {@code <db>-wal} and {@code <db>-journal}.
     */
    private record SqliteFiles(SourceSet.Member db, SourceSet.Member wal, SourceSet.Member journal) {
        static SqliteFiles of(SourceSet input) throws IOException {
            if (input.members().size() == 1 && input.members().get(0).path().isPresent()) {
                SourceSet.Member db = input.members().get(0);
                Path p = db.path().get();
                return new SqliteFiles(db, sibling(p, "-wal"), sibling(p, "-journal"));
            }
            List<SourceSet.Member> main = input.members().stream().filter(m -> !m.name().endsWith("-wal")
                    && !m.name().endsWith("-journal")).toList();
            if (main.isEmpty()) {
                throw new IOException(input.name() + ": no SQLite database in the input");
            }
            SourceSet.Member db = main.get(0);
            return new SqliteFiles(db, input.member(db.name() + "-wal").orElse(null),
                    input.member(db.name() + "-journal").orElse(null));
        }

        private static SourceSet.Member sibling(Path db, String suffix) throws IOException {
            Path p = db.resolveSibling(db.getFileName() + suffix);
            return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    ? new SourceSet.FileMember(p, p.toString(), Files.size(p)) : null;
        }

        List<SourceSet.Member> all() {
            List<SourceSet.Member> files = new ArrayList<>();
            files.add(db);
            if (wal != null) {
                files.add(wal);
            }
            if (journal != null) {
                files.add(journal);
            }
            return files;
        }
    }

    /** Open sources for one run; each named as its member. */
    private static final class Sources implements AutoCloseable {
        final ByteSource db;
        final ByteSource wal;
        final ByteSource journal;
        final Map<String, FileResult> results = new LinkedHashMap<>();

        Sources(SourceSet input) throws IOException {
            SqliteFiles files = SqliteFiles.of(input);
            db = files.db().open();
            wal = files.wal() == null ? null : files.wal().open();
            journal = files.journal() == null ? null : files.journal().open();
            results.put(db.name(), new FileResult(db.name(), "sqlite", "database", db.size()));
            if (wal != null) {
                results.put(wal.name(), new FileResult(wal.name(), "sqlite", "wal", wal.size()));
            }
            if (journal != null) {
                results.put(journal.name(), new FileResult(journal.name(), "sqlite", "journal", journal.size()));
            }
        }

        /** Routes each damage to the result of the file it names (the database when unknown). */
        DamageSink sink() {
            return d -> results.getOrDefault(d.resource(), results.get(db.name())).addDamage(d);
        }

        /** Routes each unit to the map of the file it names (units of no file of the input are dropped). */
        UnitSink units() {
            return new UnitSink() {
                @Override
                public void unit(String resource, long offset, long length, UnitState state) {
                    FileResult r = results.get(resource);
                    if (r != null) {
                        r.map().mark(offset, length, state);
                    }
                }

                @Override
                public void unitSize(String resource, long bytes) {
                    FileResult r = results.get(resource);
                    if (r != null) {
                        r.map().unitSize(bytes);
                    }
                }
            };
        }

        @Override
        public void close() throws IOException {
            db.close();
            if (wal != null) {
                wal.close();
            }
            if (journal != null) {
                journal.close();
            }
        }
    }

    /**
     * Verifies as {@code check} does; one of Chromium's IndexedDB databases (recognised by its tables) is also named:
     * origin, database, version, object stores with their indexes and live record counts
     * ({@link IndexedDbSqliteSummary}), read from the live tables without decoding a record's key or value.
     */
    @Override
    public void identify(SourceSet input, RunContext ctx, RunReport report) throws IOException {
        try (Sources s = new Sources(input)) {
            checkInto(s, ctx, ctx.progress());
            report.files().addAll(s.results.values());
            // the check above reported every damage of these files: the catalog's own walks report none again
            SqliteDatabase db = SqliteDatabase.open(s.db, s.wal, s.journal, ctx.limits(), DamageSink.IGNORE);
            List<String> tables = TableTree.schema(db, DamageSink.IGNORE).stream().map(SchemaEntry::name)
                    .filter(java.util.Objects::nonNull).toList();
            if (IndexedDbSqliteCatalog.recognises(tables)) {
                IndexedDbSqliteSummary summary = new IndexedDbSqliteSummary(
                        IndexedDbSqliteJson.originOf(pathOf(input)), IndexedDbSqliteCatalog.read(db, DamageSink.IGNORE));
                IndexedDbIdentity.add(report, summary.identity(input.name()));
                report.notes().addAll(summary.lines());
            }
        }
    }

    @Override
    public void check(SourceSet input, RunContext ctx, RunReport report) throws IOException {
        try (Sources s = new Sources(input)) {
            checkInto(s, ctx, ctx.progress());
            report.files().addAll(s.results.values());
        }
    }

    /** Verifies the database, WAL and journal of {@code s} into its per-file results (units and damages). */
    private static void checkInto(Sources s, RunContext ctx, dev.salvor.formats.core.Progress progress) {
        FileResult main = s.results.get(s.db.name());
        try {
            SqliteChecker.Report r = new SqliteChecker(ctx.limits(), ctx.option(CheckLevel.class,
                    CheckLevel.STRUCTURE)).check(s.db, s.wal, s.journal, s.sink(), s.units(), progress);
            main.units(r.pagesChecked(), countDamaged(main), r.bytesChecked());
            main.fact("pages", r.pages()).fact("tables", r.tables()).fact("indexes", r.indexes());
            if (s.wal != null) {
                s.results.get(s.wal.name()).units(r.walFrames(), countDamaged(s.results.get(s.wal.name())),
                        s.wal.size()).fact("frames", r.walFrames());
            }
            if (s.journal != null) {
                s.results.get(s.journal.name()).units(r.journalRecords(),
                        countDamaged(s.results.get(s.journal.name())), s.journal.size())
                        .fact("page_records", r.journalRecords());
            }
        } catch (CorruptionException e) {
            main.addDamage(e.damage());
        }
    }

    /**
     * The units of {@code r} some damage lies in: pages for the database (several damages of one page, such as the
     * index entries of one leaf that point to no row, are one damaged page), distinct damaged offsets elsewhere.
     */
    private static long countDamaged(FileResult r) {
        long unit = r.map().unitSize();
        return r.damages().stream().mapToLong(d -> unit > 0 ? d.offset() / unit : d.offset()).distinct().count();
    }

    /**
     * Salvages every row, and verifies the files as {@code check} does on another thread meanwhile: the damage and
     * the units reported are exactly {@code check}'s (the salvager's own view of damage, which only concerns the rows
     * it could or could not read, is not reported twice).
     */
    @Override
    public void salvage(SourceSet input, RunContext ctx, OutputStream out, RunReport report) throws IOException {
        try (SqliteRowWriter writer = new SqliteRowWriter(out, ctx.threads(),
                ctx.option(ImageOffsets.class, ImageOffsets.NONE))) {
            salvageRows(input, ctx, report, new RowSink() {
                @Override
                public void begin(ByteSource db, ByteSource wal, ByteSource journal) {
                    // Chromium's IndexedDB on SQLite (Chrome 144+) is recognised by its tables, read from the schema
                    List<String> tables = new SqliteSalvager(ctx.limits()).schema(db, wal, journal).schema().stream()
                            .map(e -> e.name()).toList();
                    if (IndexedDbSqliteCatalog.recognises(tables)) {
                        writer.indexedDb(new IndexedDbSqliteJson(IndexedDbSqliteJson.originOf(pathOf(input))));
                        report.notes().add("Chromium IndexedDB on SQLite (recognised by its tables "
                                + IndexedDbSqliteCatalog.TABLES.stream().sorted().toList()
                                + "): records carry \"indexeddb\"");
                    }
                }

                @Override
                public void accept(SqliteRow row) {
                    writer.accept(row);
                }

                @Override
                public void finish(SqliteSalvager.Summary summary) throws IOException {
                    writer.finish();
                    out.flush();
                }
            });
        }
    }

    /** The file {@code input} names, when it is one on disk. */
    private static java.nio.file.Path pathOf(SourceSet input) {
        try {
            return java.nio.file.Path.of(input.name());
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    @Override
    public dev.salvor.salvage.rebuild.Rebuilder rebuilder() {
        return new SqliteRebuilder(this);
    }

    /**
     * Where {@link #salvageRows} sends the rows: {@link #begin} once the files are open and before the first row,
     * {@link #accept} for each row (restated as the run asks), {@link #finish} after the last (not called when the
     * salvage failed).
     */
    interface RowSink {
        /** The files are open; no row has been sent yet. */
        default void begin(ByteSource db, ByteSource wal, ByteSource journal) throws IOException {
        }

        /** One row, in the salvager's order (unchecked exceptions end the salvage). */
        void accept(SqliteRow row);

        /** Every row was sent; {@code summary} is null when the database could not be read at all. */
        void finish(SqliteSalvager.Summary summary) throws IOException;
    }

    /**
     * The one salvage of {@code input} both {@code salvage} and {@code rebuild} run: every row to {@code rows}, the
     * concurrent check's results and damage, the counts by state and the database facts to {@code report}, so the
     * two commands report exactly the same.
     */
    void salvageRows(SourceSet input, RunContext ctx, RunReport report, RowSink rows) throws IOException {
        SqliteRowRestatement restatement = ctx.option(SqliteRowRestatement.class, SqliteRowRestatement.NONE);
        try (Sources s = new Sources(input)) {
            rows.begin(s.db, s.wal, s.journal);
            java.util.concurrent.FutureTask<Void> checked = new java.util.concurrent.FutureTask<>(() -> {
                checkInto(s, ctx, dev.salvor.formats.core.Progress.NONE); // the salvage's phases are the bar
                return null;
            });
            Thread checker = new Thread(checked, "salvor-sqlite-check");
            checker.setDaemon(true);
            checker.start();
            Map<String, Long> counts = new LinkedHashMap<>();
            FileResult main = s.results.get(s.db.name());
            SqliteSalvager.Summary sum = null;
            try {
                sum = new SqliteSalvager(ctx.limits(), ctx.threads()).salvage(s.db, s.wal, s.journal,
                        DamageSink.IGNORE, salvaged -> {
                            SqliteRow row = restatement.restate(salvaged);
                            rows.accept(row);
                            if (row.isRow()) {
                                counts.merge(row.stateId(), 1L, Long::sum); // index entries: a fact, below
                            }
                        }, s.units(), ctx.progress());
            } catch (CorruptionException e) {
                // the check reports why the file cannot be read
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } finally {
                awaitCheck(checked);
            }
            if (sum != null) {
                main.fact("page_size", sum.pageSize()).fact("encoding", String.valueOf(sum.encoding()))
                        .fact("schema_entries", sum.schema().size());
                if (sum.indexEntries() > 0) {
                    main.fact("index_entries", sum.indexEntries());
                }
            }
            rows.finish(sum);
            counts.forEach((k, v) -> report.recordsByState().merge(k, v, Long::sum));
            report.files().addAll(s.results.values());
        }
    }

    /** Waits for the concurrent check; its failure is this salvage's. */
    private static void awaitCheck(java.util.concurrent.FutureTask<Void> checked) throws IOException {
        try {
            checked.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while checking");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * JSON Lines schema v1 SQLite row through Jackson: the reference {@link SqliteRowJson} is tested against (the
     * handler writes with {@link SqliteRowJson}, byte-identical and several times faster).
     */
    static void write(JsonGenerator g, SqliteRow r) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", "sqlite");
        g.writeStringField("file", r.file());
        g.writeStringField("table", r.table());
        if (r.rowid() == null) {
            g.writeNullField("rowid");
        } else {
            g.writeNumberField("rowid", r.rowid());
        }
        g.writeArrayFieldStart("values");
        for (Object v : r.values()) {
            if (v == null) {
                g.writeNull();
            } else if (v instanceof Long l) {
                g.writeNumber(l);
            } else if (v instanceof Double d) {
                if (d.isNaN() || d.isInfinite()) {
                    g.writeString(d.toString()); // JSON has no NaN/Infinity literals
                } else {
                    g.writeNumber(d);
                }
            } else if (v instanceof String str) {
                g.writeString(str);
            } else if (v instanceof byte[] b) {
                JsonBytes.writeBase64(g, b); // a blob is not text, even when its bytes are valid UTF-8
            } else {
                g.writeString(String.valueOf(v));
            }
        }
        g.writeEndArray();
        g.writeStringField("state", r.stateId());
        g.writeStringField("source", r.sourceId());
        g.writeNumberField("page", r.page());
        g.writeNumberField("offset", r.offset());
        if (r.walFrame() != null) {
            g.writeNumberField("wal_frame", r.walFrame());
        }
        if (r.unknownColumns() != null && !r.unknownColumns().isEmpty()) {
            g.writeArrayFieldStart("unknown_columns");
            for (int i : r.unknownColumns()) {
                g.writeNumber(i);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

}
