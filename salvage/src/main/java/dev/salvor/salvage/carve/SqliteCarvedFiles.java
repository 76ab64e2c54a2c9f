package dev.salvor.salvage.carve;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CompositeSource;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.sqlite.BtreePage;
import dev.salvor.formats.sqlite.Cell;
import dev.salvor.formats.sqlite.DatabaseHeader;
import dev.salvor.formats.sqlite.Record;
import dev.salvor.formats.sqlite.RollbackJournal;
import dev.salvor.formats.sqlite.RowState;
import dev.salvor.formats.sqlite.SerialType;
import dev.salvor.formats.sqlite.SqlitePageProbe;
import dev.salvor.formats.sqlite.WalFrame;
import dev.salvor.formats.sqlite.WalReader;
import dev.salvor.salvage.Pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SQLite part of {@code salvage --carve}: turns carved SQLite artifacts into inputs the SQLite salvager reads,
 * each a {@link SourceSet} whose members are read where they lie in the image (slices, or files assembled from
 * pieces of it with a {@link CompositeSource}; nothing is written, nothing copied whole):
 * <ul>
 * <li>a database: its own input {@code sqlite-<offset>}, the member {@code sqlite-<offset>/<offset>.sqlite};</li>
 * <li>a WAL: beside the database it clearly belongs to, as the member {@code <db>-wal} (same page size, the
 * database in WAL mode, every frame's page number inside the database or the WAL's own commit size; the only such
 * database, else the nearest one before the WAL). Otherwise alone, beside a synthetic one-page database (a valid
 * header with the WAL's page size, an empty schema page): the salvager then reads the WAL's pages as it does any
 * WAL (committed frames are the current view, older frames history), its schema from a page-1 frame when there is
 * one;</li>
 * <li>a rollback journal: beside the database whose last write transaction it belongs to (see
 * {@code journalOwner}), as the member {@code <db>-journal}; it is then salvaged as SQLite treats a hot journal (a
 * journal left behind by a committed transaction cannot be told from a hot one by content). Otherwise alone beside
 * a synthetic database: its pages are older versions of pages, their rows are reported {@code superseded} (the
 * salvager's {@code live} for a lone journal's view is restated);</li>
 * <li>lone b-tree pages, one set per page size: a file assembled from a page 1 that is the schema page of a carved
 * database of the same page size (free space, freelist and auto-vacuum fields cleared; with pages 2..N of that
 * database as zero pages, so that no schema root lands on a lone page: every tree is then damaged and the
 * salvager attributes the lone pages' rows by record shape to the schema's tables), or a synthetic page 1 when no
 * such database exists (a header with the page size and the encoding the pages' text suggests, see
 * {@link #guessEncoding}; the salvager names the rows {@code orphan_*}), followed by the lone pages in image
 * order. The overflow page pointers of their cells read as 0: a lone page's page numbers are not the assembled
 * file's, and following them would read foreign bytes (those columns come back unknown).</li>
 * </ul>
 * The SQLite salvager needs a page 1 to read a WAL, a journal or lone pages at all, so the fabricated page 1 (the
 * synthetic header, or the cleared copy of a schema page) remains: one page of given bytes in the assembled file,
 * never read from or mapped back to the image. Reading a WAL, journal or page set without a page 1 would take
 * changes to the SQLite engine. Each member gets an {@link OffsetMap}, so every record's {@code image_offset}
 * points into the image.
 */
final class SqliteCarvedFiles {
    /** Largest synthetic page-set file (zero pages included) for which a database's schema is used. */
    private static final long MAX_SCHEMA_PAD = 1L << 30;

    private SqliteCarvedFiles() {
    }

    /** A carved database, with the WAL, journal and tail paired with it so far. */
    private static final class Db {
        final Artifact a;
        final DatabaseHeader h;
        final String name;
        CarvedMember file;
        CarvedMember wal;
        CarvedMember journal;

        Db(Artifact a, DatabaseHeader h, ByteSource src) {
            this.a = a;
            this.h = h;
            this.name = String.format("sqlite-%016x/%016x.sqlite", a.offset(), a.offset());
            this.file = CarvedMember.slice(src, name, a.offset(), a.length());
        }

        Artifact a() {
            return a;
        }

        DatabaseHeader h() {
            return h;
        }

        /** The database and what was paired with it, as one input. */
        Pipeline.SetInput input() {
            List<SourceSet.Member> members = new ArrayList<>();
            members.add(file);
            if (wal != null) {
                members.add(wal);
            }
            if (journal != null) {
                members.add(journal);
            }
            return set(String.format("sqlite-%016x", a.offset()), members);
        }
    }

    /**
     * Builds the inputs for the SQLite artifacts of {@code src} (see the class comment): adds them to {@code inputs}
     * in order (databases, lone WALs and journals, page sets) and every member to {@code members} by name.
     */
    static void prepare(ByteSource src, List<Artifact> artifacts, List<Pipeline.SetInput> inputs,
                        Map<String, CarvedMember> members) {
        List<Db> dbs = new ArrayList<>();
        for (Artifact a : artifacts) {
            if (a.kind() == Artifact.Kind.SQLITE_DATABASE) {
                dbs.add(new Db(a, DatabaseHeader.parse(src.read(a.offset(), DatabaseHeader.SIZE), "db",
                        DamageSink.IGNORE), src));
            }
        }
        List<Pipeline.SetInput> alone = new ArrayList<>();
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
                        db.wal = CarvedMember.slice(src, db.name + "-wal", a.offset(), a.length());
                    } else {
                        alone.add(alone(src, a, "wal", walPageSize(src, a), true));
                    }
                }
                case SQLITE_JOURNAL -> {
                    Db db = journalOwner(src, a, dbs, withJournal);
                    if (db != null) {
                        withJournal.add(db);
                        db.journal = CarvedMember.slice(src, db.name + "-journal", a.offset(), a.length());
                    } else {
                        alone.add(alone(src, a, "journal", journal(src, a).pageSize(), false));
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
                // the lone pages continue the database's file (contiguous in the image): one slice holds both
                grown.file = CarvedMember.slice(src, grown.name, grown.a().offset(), grown.a().length() + a.length());
            } else if (ps > 0) {
                pageSets.computeIfAbsent(ps, k -> new ArrayList<>()).add(a);
            }
        }
        for (Db d : dbs) {
            inputs.add(d.input());
        }
        inputs.addAll(alone);
        for (Map.Entry<Integer, List<Artifact>> e : pageSets.entrySet()) {
            inputs.add(pageSet(src, e.getKey(), e.getValue(), dbs));
        }
        for (Pipeline.SetInput in : inputs) {
            for (SourceSet.Member m : in.input().members()) {
                members.put(m.name(), (CarvedMember) m);
            }
        }
    }

    /** An SQLite input of carved members. */
    private static Pipeline.SetInput set(String name, List<SourceSet.Member> members) {
        return new Pipeline.SetInput(SourceSet.of(name, false, members), "sqlite");
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

    /**
     * A WAL or journal without its database: beside a synthetic one-page database of its page size (given bytes of
     * one page; no byte of it lies in the image).
     */
    private static Pipeline.SetInput alone(ByteSource src, Artifact a, String what, int ps, boolean walMode) {
        String dir = String.format("%s-%016x", what, a.offset());
        String db = String.format("%s/%016x.sqlite", dir, a.offset());
        CarvedMember page1 = new CarvedMember(db, CompositeSource.over(src, db).bytes(syntheticPage1(ps, walMode))
                .build(), new OffsetMap(), null, -1);
        String name = db + "-" + what;
        CarvedMember f = new CarvedMember(name, new SliceSource(src, a.offset(), a.length(), name),
                OffsetMap.contiguous(a.offset(), a.length()), walMode ? null : RowState.SUPERSEDED, -1);
        return set(dir, List.of(page1, f));
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
    private static Pipeline.SetInput pageSet(ByteSource src, int ps, List<Artifact> runs, List<Db> dbs) {
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
        String dir = String.format("pages-%d", ps);
        String name = String.format("%s/%016x.sqlite-pages", dir, first);
        OffsetMap map = new OffsetMap();
        CompositeSource.Builder file = CompositeSource.over(src, name);
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
        file.bytes(p1);
        if (schema != null) {
            map.add(0, schema.a().offset(), ps);
        }
        file.zeros((pad - 1) * ps);
        long at = pad * (long) ps;
        for (Artifact r : runs) {
            for (long o = r.offset(); o < r.end(); o += ps) {
                withoutOverflowPointers(src, o, ps, file);
                map.add(at, o, ps);
                at += ps;
            }
        }
        return set(dir, List.of(new CarvedMember(name, file.build(), map, null, pad)));
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

    /**
     * Appends the lone page at {@code offset} to {@code file} with its cells' overflow page pointers read as 0 (see
     * the class comment): the page's regions of the image, with a run of four zero bytes in place of each pointer.
     * The page is read once to find the pointers; only their positions are kept.
     */
    private static void withoutOverflowPointers(ByteSource src, long offset, int ps, CompositeSource.Builder file) {
        BtreePage page = BtreePage.parse(2, src.read(offset, ps), ps, "page", 0, DamageSink.IGNORE);
        java.util.TreeSet<Integer> pointers = new java.util.TreeSet<>();
        if (page != null) {
            for (Cell c : page.cells()) {
                if (c.firstOverflow() != 0) {
                    pointers.add(c.payloadOffset() + c.localSize());
                }
            }
        }
        int at = 0;
        for (int p : pointers) {
            int from = Math.max(p, at); // cells may overlap: a pointer may start inside one already cleared
            int to = Math.min(p + 4, ps);
            if (to > from) {
                file.region(offset + at, from - at).zeros(to - from);
                at = to;
            }
        }
        file.region(offset + at, ps - at);
    }

    private static void putU32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
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
