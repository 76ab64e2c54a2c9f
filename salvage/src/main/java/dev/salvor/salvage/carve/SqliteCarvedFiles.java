package dev.salvor.salvage.carve;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.sqlite.BtreePage;
import dev.salvor.formats.sqlite.Cell;
import dev.salvor.formats.sqlite.DatabaseHeader;
import dev.salvor.formats.sqlite.Record;
import dev.salvor.formats.sqlite.RollbackJournal;
import dev.salvor.formats.sqlite.SerialType;
import dev.salvor.formats.sqlite.SqlitePageProbe;
import dev.salvor.formats.sqlite.WalFrame;
import dev.salvor.formats.sqlite.WalReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SQLite part of {@code salvage --carve}: turns carved SQLite artifacts into files the SQLite salvager reads, in
 * a private temporary directory (never the image):
 * <ul>
 * <li>a database: its own directory, the carved file;</li>
 * <li>a WAL: beside the database it clearly belongs to, as {@code <db>-wal} (same page size, the database in WAL
 * mode, every frame's page number inside the database or the WAL's own commit size; the only such database, else
 * the nearest one before the WAL). Otherwise alone, beside a synthetic one-page database (a valid header with the
 * WAL's page size, an empty schema page): the salvager then reads the WAL's pages as it does any WAL (committed
 * frames are the current view, older frames history), its schema from a page-1 frame when there is one;</li>
 * <li>a rollback journal: beside the database whose last write transaction it belongs to (see
 * {@code journalOwner}), as {@code <db>-journal}; it is then salvaged as SQLite treats a hot journal (a journal
 * left behind by a committed transaction cannot be told from a hot one by content). Otherwise alone beside a synthetic database: its pages are older versions of pages, their
 * rows are reported {@code superseded} (the salvager's {@code live} for a lone journal's view is restated);</li>
 * <li>lone b-tree pages, one set per page size: a synthetic file whose page 1 is the schema page of a carved
 * database of the same page size (free space, freelist and auto-vacuum fields cleared; with pages 2..N of that
 * database as zero pages, so that no schema root lands on a lone page: every tree is then damaged and the
 * salvager attributes the lone pages' rows by record shape to the schema's tables), or a zero page when no such
 * database exists (a synthetic header with the page size and the encoding the pages' text suggests, see
 * {@link #guessEncoding}; the salvager names the rows {@code orphan_*}), followed by the
 * lone pages in image order. The overflow page pointers of their cells are cleared in the copy: a lone page's page
 * numbers are not the synthetic file's, and following them would read foreign bytes (those columns come back
 * unknown).</li>
 * </ul>
 * Each file gets an {@link OffsetMap} so every record's {@code image_offset} points into the image.
 */
final class SqliteCarvedFiles {
    /** Largest synthetic page-set file (zero pages included) for which a database's schema is used. */
    private static final long MAX_SCHEMA_PAD = 1L << 30;

    /** How the records of one file are restated. */
    record FileInfo(OffsetMap map, String liveAs, long pageBase) {
    }

    private SqliteCarvedFiles() {
    }

    private record Db(Artifact a, DatabaseHeader h, Path file) {
    }

    /** Writes the files for the SQLite artifacts into {@code tmp}; adds their paths and file infos. */
    static void prepare(ByteSource src, Path image, List<Artifact> artifacts, Path tmp, String version,
                        List<Path> paths, Map<String, FileInfo> files) throws IOException {
        List<Db> dbs = new ArrayList<>();
        for (Artifact a : artifacts) {
            if (a.kind() == Artifact.Kind.SQLITE_DATABASE) {
                List<CarveOutput.Written> w = CarveOutput.write(src, image, List.of(a),
                        tmp.resolve(String.format("sqlite-%016x", a.offset())), version);
                Path f = w.get(0).file();
                paths.add(f);
                files.put(f.getFileName().toString(), new FileInfo(OffsetMap.contiguous(a.offset(), a.length()),
                        null, -1));
                dbs.add(new Db(a, DatabaseHeader.parse(src.read(a.offset(), DatabaseHeader.SIZE), "db",
                        DamageSink.IGNORE), f));
            }
        }
        Set<Db> withWal = new HashSet<>();
        Set<Db> withJournal = new HashSet<>();
        Map<Integer, List<Artifact>> pageSets = new TreeMap<>();
        List<Artifact> runs = new ArrayList<>();
        for (Artifact a : artifacts) {
            switch (a.kind()) {
                case SQLITE_WAL -> {
                    Db db = walOwner(src, a, dbs, withWal);
                    if (db != null) {
                        withWal.add(db);
                        Path f = db.file().resolveSibling(db.file().getFileName() + "-wal");
                        copy(src, a.offset(), a.length(), f);
                        files.put(f.getFileName().toString(), contiguous(a));
                    } else {
                        alone(src, a, tmp, "wal", walPageSize(src, a), true, paths, files);
                    }
                }
                case SQLITE_JOURNAL -> {
                    Db db = journalOwner(src, a, dbs, withJournal);
                    if (db != null) {
                        withJournal.add(db);
                        Path f = db.file().resolveSibling(db.file().getFileName() + "-journal");
                        copy(src, a.offset(), a.length(), f);
                        files.put(f.getFileName().toString(), contiguous(a));
                    } else {
                        alone(src, a, tmp, "journal", journal(src, a).pageSize(), false, paths, files);
                    }
                }
                case SQLITE_PAGES -> runs.add(a);
                default -> {
                }
            }
        }
        for (Artifact a : runs) {
            int ps = SqlitePageProbe.pageSize(src, a.offset());
            Db grown = ps > 0 ? grownPast(a, ps, withJournal) : null;
            if (grown != null) {
                appendTail(src, a, grown, files);
            } else if (ps > 0) {
                pageSets.computeIfAbsent(ps, k -> new ArrayList<>()).add(a);
            }
        }
        for (Map.Entry<Integer, List<Artifact>> e : pageSets.entrySet()) {
            pageSet(src, e.getKey(), e.getValue(), dbs, tmp, paths, files);
        }
    }

    /**
     * The database with a hot journal whose file these lone pages continue, or {@code null}. A transaction that
     * grows a database writes the new pages past the end its header states (the header's page count is written
     * with page 1, at commit); until then the carved database ends at the header's page count and the pages
     * written after it are found as lone pages starting exactly there. With the journal paired to that database
     * they are its file's tail: rolling the journal back truncates them away, so their rows are the unfinished
     * transaction's (the salvager reads them as such), not live rows of an unknown database.
     */
    private static Db grownPast(Artifact run, int ps, Set<Db> withJournal) {
        for (Db d : withJournal) {
            if (d.h().pageSize() == ps && d.a().end() == run.offset()) {
                return d;
            }
        }
        return null;
    }

    /** Appends the lone pages {@code run} to the carved copy of {@code db} (contiguous in the image). */
    private static void appendTail(ByteSource src, Artifact run, Db db, Map<String, FileInfo> files)
            throws IOException {
        try (FileChannel ch = FileChannel.open(db.file(), StandardOpenOption.WRITE)) {
            long at = ch.size();
            for (long o = 0; o < run.length(); o += 1 << 20) {
                writeAt(ch, src.read(run.offset() + o, (int) Math.min(1 << 20, run.length() - o)), at + o);
            }
        }
        files.put(db.file().getFileName().toString(),
                new FileInfo(OffsetMap.contiguous(db.a().offset(), db.a().length() + run.length()), null, -1));
    }

    private static FileInfo contiguous(Artifact a) {
        return new FileInfo(OffsetMap.contiguous(a.offset(), a.length()), null, -1);
    }

    private static WalReader wal(ByteSource src, Artifact a) {
        return WalReader.read(new SliceSource(src, a.offset(), a.length(), "wal"), 0, DamageSink.IGNORE);
    }

    private static int walPageSize(ByteSource src, Artifact a) {
        WalReader w = wal(src, a);
        return w.header() == null ? 4096 : w.header().pageSize();
    }

    private static RollbackJournal journal(ByteSource src, Artifact a) {
        return RollbackJournal.read(new SliceSource(src, a.offset(), a.length(), "journal"), 0, DamageSink.IGNORE);
    }

    /** The carved database this WAL clearly belongs to, or {@code null}. */
    private static Db walOwner(ByteSource src, Artifact a, List<Db> dbs, Set<Db> taken) {
        WalReader w = wal(src, a);
        if (w.header() == null) {
            return null;
        }
        long maxPage = 0;
        for (WalFrame f : w.frames()) {
            if (f.status() == WalFrame.Status.COMMITTED || f.status() == WalFrame.Status.UNCOMMITTED) {
                maxPage = Math.max(maxPage, f.pageNumber());
            }
        }
        List<Db> fit = new ArrayList<>();
        for (Db d : dbs) {
            long pages = d.a().length() / d.h().pageSize();
            if (!taken.contains(d) && d.h().pageSize() == w.header().pageSize() && d.h().walMode()
                    && maxPage <= Math.max(pages, w.databaseSize())) {
                fit.add(d);
            }
        }
        return choose(fit, a);
    }

    /**
     * The carved database whose last write transaction this journal belongs to, or {@code null}. SQLite increments
     * the change counter on page 1 when it writes page 1 to the database file (at commit, or when the cache spills
     * it): when the journal holds page 1, the database's change counter must be the journal copy's (page 1 not yet
     * written: the transaction did not commit) or that plus one; when it does not, page 1 was not changed, so the
     * database still carries the header from before the transaction, whose page count must be the journal's
     * initial page count.
     */
    private static Db journalOwner(ByteSource src, Artifact a, List<Db> dbs, Set<Db> taken) {
        RollbackJournal j = journal(src, a);
        RollbackJournal.PageRecord p1 = j.originals().get(1L);
        DatabaseHeader old = p1 == null ? null : DatabaseHeader.parse(j.pageData(p1), "journal", DamageSink.IGNORE);
        if (old != null && !old.magicOk()) {
            return null;
        }
        List<Db> fit = new ArrayList<>();
        for (Db d : dbs) {
            if (taken.contains(d) || d.h().pageSize() != j.pageSize() || d.h().walMode()) {
                continue;
            }
            boolean same = old != null ? d.h().changeCounter() == old.changeCounter()
                    || d.h().changeCounter() == ((old.changeCounter() + 1) & 0xffffffffL)
                    : d.h().headerPageCountValid() && d.h().headerPageCount() == j.initialPages();
            if (same) {
                fit.add(d);
            }
        }
        return choose(fit, a);
    }

    /** The only candidate, else the nearest one before {@code a} in the image, else {@code null}. */
    private static Db choose(List<Db> fit, Artifact a) {
        if (fit.size() == 1) {
            return fit.get(0);
        }
        Db best = null;
        for (Db d : fit) {
            if (d.a().offset() < a.offset() && (best == null || d.a().offset() > best.a().offset())) {
                best = d;
            }
        }
        return best;
    }

    /** A WAL or journal without its database: beside a synthetic one-page database of its page size. */
    private static void alone(ByteSource src, Artifact a, Path tmp, String what, int ps, boolean walMode,
                              List<Path> paths, Map<String, FileInfo> files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(String.format("%s-%016x", what, a.offset())));
        Path db = dir.resolve(String.format("%016x.sqlite", a.offset()));
        Files.write(db, syntheticPage1(ps, walMode), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Path f = dir.resolve(db.getFileName() + "-" + what);
        copy(src, a.offset(), a.length(), f);
        files.put(f.getFileName().toString(), new FileInfo(OffsetMap.contiguous(a.offset(), a.length()),
                walMode ? null : "superseded", -1));
        paths.add(db);
    }

    /**
     * A valid one-page database: header (page size, WAL or rollback mode, UTF-8, page count 1 valid) and an empty
     * table-leaf schema page. Nothing in it is evidence; it only lets the salvager read a WAL or journal alone.
     */
    static byte[] syntheticPage1(int ps, boolean walMode) {
        return syntheticPage1(ps, walMode, 1);
    }

    /** As above with text encoding {@code encoding} (1 UTF-8, 2 UTF-16le, 3 UTF-16be). */
    static byte[] syntheticPage1(int ps, boolean walMode, int encoding) {
        byte[] p = new byte[ps];
        System.arraycopy(DatabaseHeader.MAGIC, 0, p, 0, 16);
        p[16] = (byte) (ps == 65536 ? 0 : ps >>> 8);
        p[17] = (byte) (ps == 65536 ? 1 : ps);
        p[18] = p[19] = (byte) (walMode ? 2 : 1);
        p[21] = 64;
        p[22] = 32;
        p[23] = 32;
        p[27] = 1; // change counter 1
        p[31] = 1; // page count 1
        p[47] = 4; // schema format 4
        p[59] = (byte) encoding;
        p[95] = 1; // version-valid-for = change counter: the page count is valid
        p[100] = 13; // empty table leaf
        p[105] = (byte) (ps == 65536 ? 0 : ps >>> 8);
        p[106] = (byte) (ps == 65536 ? 0 : ps);
        return p;
    }

    /** One page set: the lone pages of one page size, behind a schema page (see the class comment). */
    private static void pageSet(ByteSource src, int ps, List<Artifact> runs, List<Db> dbs, Path tmp,
                                List<Path> paths, Map<String, FileInfo> files) throws IOException {
        long first = runs.get(0).offset();
        Db schema = null;
        for (Db d : dbs) {
            if (d.h().pageSize() == ps && d.h().reservedBytes() == 0 && d.a().length() >= ps
                    && (schema == null || Math.abs(d.a().offset() - first) < Math.abs(schema.a().offset() - first))) {
                schema = d;
            }
        }
        long lone = 0;
        for (Artifact r : runs) {
            lone += r.length() / ps;
        }
        long pad = 1;
        if (schema != null) {
            pad = Math.max(1, schema.h().headerPageCountValid() ? schema.h().headerPageCount()
                    : schema.a().length() / ps);
            if ((pad + lone) * ps > MAX_SCHEMA_PAD) {
                schema = null;
                pad = 1;
            }
        }
        Path dir = Files.createDirectories(tmp.resolve(String.format("pages-%d", ps)));
        Path f = dir.resolve(String.format("%016x.sqlite-pages", first));
        OffsetMap map = new OffsetMap();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            byte[] p1;
            if (schema != null) {
                p1 = schemaPage(src.read(schema.a().offset(), ps), ps, pad + lone);
            } else {
                List<byte[]> sample = new ArrayList<>();
                for (Artifact r : runs) {
                    for (long o = r.offset(); o < r.end() && sample.size() < 256; o += ps) {
                        sample.add(src.read(o, ps));
                    }
                }
                p1 = syntheticPage1(ps, false, guessEncoding(sample, ps));
                putU32(p1, 28, pad + lone);
            }
            writeAt(ch, p1, 0);
            if (schema != null) {
                map.add(0, schema.a().offset(), ps);
            }
            long at = pad * (long) ps;
            for (Artifact r : runs) {
                for (long o = r.offset(); o < r.end(); o += ps) {
                    writeAt(ch, withoutOverflowPointers(src.read(o, ps), ps), at);
                    map.add(at, o, ps);
                    at += ps;
                }
            }
        }
        paths.add(f);
        files.put(f.getFileName().toString(), new FileInfo(map, null, pad));
    }

    /** The schema page of a carved database with free space, freelist and auto-vacuum fields cleared. */
    private static byte[] schemaPage(byte[] p, int ps, long pageCount) {
        for (int i = 32; i < 40; i++) {
            p[i] = 0; // no freelist
        }
        for (int i = 52; i < 56; i++) {
            p[i] = 0; // no auto-vacuum: no pointer-map pages among the lone pages
        }
        for (int i = 64; i < 68; i++) {
            p[i] = 0;
        }
        putU32(p, 28, pageCount);
        System.arraycopy(p, 24, p, 92, 4); // version-valid-for = change counter: the page count is valid
        BtreePage page = BtreePage.parse(1, p, ps, "schema", 0, DamageSink.IGNORE);
        if (page != null) {
            // the database's own salvage reports page 1's free space; here it would only repeat those rows
            for (int[] fb : page.freeblocks()) {
                java.util.Arrays.fill(p, fb[0], fb[0] + fb[1], (byte) 0);
            }
            int[] un = page.unallocated();
            java.util.Arrays.fill(p, un[0], un[0] + un[1], (byte) 0);
            p[101] = 0;
            p[102] = 0;
        }
        return p;
    }

    /** A copy of a lone page whose cells' overflow page pointers are 0 (see the class comment). */
    private static byte[] withoutOverflowPointers(byte[] p, int ps) {
        BtreePage page = BtreePage.parse(2, p, ps, "page", 0, DamageSink.IGNORE);
        if (page != null) {
            for (Cell c : page.cells()) {
                if (c.firstOverflow() != 0) {
                    putU32(p, c.payloadOffset() + c.localSize(), 0);
                }
            }
        }
        return p;
    }

    private static void putU32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    private static void writeAt(FileChannel ch, byte[] b, long at) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf, at + buf.position());
        }
    }

    private static void copy(ByteSource src, long offset, long length, Path target) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (var out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long pos = offset; pos < offset + length; ) {
                int n = (int) Math.min(buf.length, offset + length - pos);
                src.read(pos, buf, 0, n);
                out.write(buf, 0, n);
                pos += n;
            }
        }
    }

    /**
     * The text encoding of lone pages (no header says it): in the raw bytes of their TEXT values, UTF-16 text of
     * Latin script has a zero byte in every other position (odd positions for UTF-16le, even for UTF-16be); UTF-8
     * text has almost none. Returns the header code 1, 2 or 3.
     */
    static int guessEncoding(List<byte[]> pages, int ps) {
        long[] zeros = new long[2];
        long total = 0;
        for (byte[] p : pages) {
            BtreePage page = BtreePage.parse(2, p, ps, "page", 0, DamageSink.IGNORE);
            if (page == null || page.type() != dev.salvor.formats.sqlite.PageType.TABLE_LEAF) {
                continue;
            }
            for (Cell c : page.cells()) {
                try {
                    Record r = Record.decode(p, c.payloadOffset(), c.localSize(), c.payloadSize(),
                            dev.salvor.formats.sqlite.TextEncoding.UTF_8, false);
                    long body = c.payloadOffset() + (long) r.headerSize();
                    int limit = c.payloadOffset() + c.localSize();
                    for (long t : r.serialTypes()) {
                        long size = SerialType.contentSize(t);
                        if (SerialType.isText(t)) {
                            for (long k = 0; k < size && body + k < limit; k++) {
                                total++;
                                if (p[(int) (body + k)] == 0) {
                                    zeros[(int) (k & 1)]++;
                                }
                            }
                        }
                        body += size;
                    }
                } catch (dev.salvor.formats.core.Malformed e) {
                    // not a record: no evidence
                }
            }
        }
        if (total == 0 || (zeros[0] + zeros[1]) * 4 < total) {
            return 1;
        }
        return zeros[1] > zeros[0] ? 2 : 3;
    }
}
