package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.ProgressCounter;

/**
 * A read-only view of a database as SQLite would see it: the main file, with the WAL applied up to its last valid
 * commit, or with a hot rollback journal's original pages in place of the pages the unfinished transaction changed.
 * No file is ever written: the overlay exists only in this object.
 *
 * <p>When the header is destroyed the page size is inferred from page structure (the candidate size under which
 * most pages start with a well-formed b-tree header) and the text encoding from the schema or record text.
 */
public final class SqliteDatabase {
    private final ByteSource main;
    private final DatabaseHeader header;
    private final WalReader wal;
    private final RollbackJournal journal;
    private final long pageCount;
    private final long mainPages;
    private final Limits limits;
    /** Counts the pages the b-tree walks enter and the overflow pages they read, while a walk phase runs. */
    private ProgressCounter walkMeter;
    /**
     * Pages counted by {@link #walked} so far, metered or not (atomic: the non-live phases read overflow chains on
     * several threads; the meter itself is only set while one thread walks).
     */
    private final java.util.concurrent.atomic.AtomicLong pagesWalked = new java.util.concurrent.atomic.AtomicLong();

    /** The name of the progress phase that reads the WAL and the rollback journal. */
    public static final String LOG_PHASE = "wal and journal";

    private SqliteDatabase(ByteSource main, DatabaseHeader header, WalReader wal, RollbackJournal journal,
                           long pageCount, Limits limits) {
        this.main = main;
        this.header = header;
        this.wal = wal;
        this.journal = journal;
        this.pageCount = pageCount;
        this.mainPages = main.size() / header.pageSize();
        this.limits = limits;
    }

    /**
     * Opens a database view. {@code walSource} and {@code journalSource} may be {@code null}. Every anomaly goes to
     * {@code sink}; the view is always usable.
     */
    public static SqliteDatabase open(ByteSource db, ByteSource walSource, ByteSource journalSource, Limits limits,
                                      DamageSink sink) {
        return open(db, walSource, journalSource, limits, sink, Progress.NONE);
    }

    /**
     * As {@link #open(ByteSource, ByteSource, ByteSource, Limits, DamageSink)}; with a WAL or a journal, reading them
     * (every frame's checksum, every page record's) is the progress phase {@value #LOG_PHASE}.
     */
    public static SqliteDatabase open(ByteSource db, ByteSource walSource, ByteSource journalSource, Limits limits,
                                      DamageSink sink, Progress progress) {
        String res = db.name();
        byte[] first = new byte[DatabaseHeader.SIZE];
        if (db.size() >= DatabaseHeader.SIZE) {
            db.read(0, first, 0, DatabaseHeader.SIZE);
        } else {
            sink.report(new Damage(res, 0, db.size(), DamageKind.TRUNCATED, ">= 100", Long.toString(db.size()),
                    "database shorter than its header"));
        }
        DatabaseHeader h = DatabaseHeader.parse(first, res, sink);
        boolean psFieldOk = DatabaseHeader.validPageSize(DatabaseHeader.u16(first, 16) == 1 ? 65536
                : DatabaseHeader.u16(first, 16));
        if (!h.magicOk() || !psFieldOk) {
            int ps = inferPageSize(db);
            TextEncoding enc = h.magicOk() ? h.encoding() : inferEncoding(db, ps);
            h = DatabaseHeader.inferred(ps, enc, false);
            sink.report(Damage.of(res, 0, DatabaseHeader.SIZE, DamageKind.BAD_STRUCTURE,
                    "database header unusable: inferred page size " + ps + " and encoding " + enc
                            + " from page structure"));
        }
        if (db.size() % h.pageSize() != 0) {
            sink.report(new Damage(res, db.size() - db.size() % h.pageSize(), db.size() % h.pageSize(),
                    DamageKind.TRUNCATED, "multiple of " + h.pageSize(), Long.toString(db.size()),
                    "database file size (truncated or damaged; the partial last page is ignored)"));
        }
        long filePages = db.size() / h.pageSize();
        if (h.headerPageCountValid() && h.headerPageCount() != filePages) {
            sink.report(new Damage(res, 28, 4, h.headerPageCount() > filePages ? DamageKind.TRUNCATED
                    : DamageKind.BAD_STRUCTURE, Long.toString(filePages), Long.toString(h.headerPageCount()),
                    "page count in header vs file size"));
        }
        long logBytes = (walSource == null ? 0 : walSource.size()) + (journalSource == null ? 0 : journalSource.size());
        ProgressCounter logs = logBytes > 0 ? ProgressCounter.start(progress, LOG_PHASE, logBytes)
                : ProgressCounter.none();
        WalReader w = null;
        if (walSource != null) {
            ProgressCounter.Sequential position = logs.sequential(walSource.size());
            w = WalReader.read(walSource, h.pageSize(), sink, position);
            position.end();
        }
        RollbackJournal j = null;
        if (journalSource != null && journalSource.size() > 0) {
            ProgressCounter.Sequential position = logs.sequential(journalSource.size());
            j = RollbackJournal.read(journalSource, h.pageSize(), sink, position);
            position.end();
        }
        logs.finish();
        long count = filePages + (db.size() % h.pageSize() >= DatabaseHeader.SIZE ? 1 : 0);
        if (w != null && w.databaseSize() > 0) {
            count = w.databaseSize();
        } else if (j != null && j.isHot() && j.initialPages() > 0) {
            count = j.initialPages();
        }
        // The header that counts is the one in the current version of page 1 (freelist head and count, schema
        // cookie...): a WAL frame or a hot journal's original may replace the main file's.
        byte[] page1 = null;
        if (w != null && w.currentFrames().containsKey(1L)) {
            page1 = w.pageData(w.currentFrames().get(1L));
        } else if (j != null && j.isHot() && j.originals().containsKey(1L)) {
            page1 = j.pageData(j.originals().get(1L));
        }
        if (page1 != null && page1.length >= DatabaseHeader.SIZE) {
            DatabaseHeader cur = DatabaseHeader.parse(page1, res + " (current page 1)", sink);
            if (cur.magicOk() && cur.pageSize() == h.pageSize()) {
                h = cur;
            }
        }
        return new SqliteDatabase(db, h, w, j, count, limits);
    }

    public ByteSource main() {
        return main;
    }

    /**
     * From now on, every page a b-tree walk enters and every overflow page read is counted on {@code meter}
     * ({@code null}: no longer counted). One walk at a time: the engines that set it are single-threaded.
     */
    void meterWalks(ProgressCounter meter) {
        this.walkMeter = meter;
    }

    /** Pages the b-tree walks entered and overflow pages they read so far (see {@link #meterWalks}). */
    long pagesWalked() {
        return pagesWalked.get();
    }

    /**
     * The bytes a walk of every b-tree reads, as far as the header tells before walking: every page but the freelist's
     * (an estimate: pointer-map pages, the lock-byte page and pages no tree reaches are not walked either).
     */
    long treeBytesEstimate() {
        long free = Math.max(0, Math.min(pageCount, header.freelistPageCount()));
        return (pageCount - free) * pageSize();
    }

    /** A walk entered or read {@code pages} pages (see {@link #meterWalks}). */
    void walked(long pages) {
        pagesWalked.addAndGet(pages);
        if (walkMeter != null) {
            walkMeter.add(pages * pageSize());
        }
    }

    public DatabaseHeader header() {
        return header;
    }

    public int pageSize() {
        return header.pageSize();
    }

    public int usableSize() {
        return header.usableSize();
    }

    public TextEncoding encoding() {
        return header.encoding();
    }

    public Limits limits() {
        return limits;
    }

    /** The WAL reader, or {@code null}. */
    public WalReader wal() {
        return wal;
    }

    /** Name of the WAL source ("" when there is none). */
    public String walSourceName() {
        return wal == null ? "" : wal.sourceName();
    }

    /** Name of the journal source ("" when there is none). */
    public String journalSourceName() {
        return journal == null ? "" : journal.sourceName();
    }

    /** The rollback journal, or {@code null}. */
    public RollbackJournal journal() {
        return journal;
    }

    /** Pages in the current view. */
    public long pageCount() {
        return pageCount;
    }

    /** Whole pages present in the main file. */
    public long mainFilePages() {
        return mainPages;
    }

    /** The lock-byte page (the page holding file offset 2^30), never used for data. */
    public long lockBytePage() {
        return 0x40000000L / pageSize() + 1;
    }

    /** File offset of page {@code n} in the main file. */
    public long fileOffset(long n) {
        return (n - 1) * pageSize();
    }

    /** Where the current version of page n comes from: "wal", "journal" or "btree" (main file). */
    public String currentSource(long n) {
        if (wal != null && wal.currentFrames().containsKey(n)) {
            return "wal";
        }
        if (journal != null && journal.isHot() && journal.originals().containsKey(n)) {
            return "journal";
        }
        return "btree";
    }

    /** The WAL frame index of the current version of page n, or {@code null}. */
    public Integer currentFrame(long n) {
        return wal == null ? null : wal.currentFrames().get(n);
    }

    /** The current version of page {@code n} (WAL, then hot journal, then main file); {@code null} if absent. */
    public byte[] page(long n) {
        if (n < 1 || n > pageCount) {
            return null;
        }
        if (wal != null) {
            Integer f = wal.currentFrames().get(n);
            if (f != null) {
                return wal.pageData(f);
            }
        }
        if (journal != null && journal.isHot()) {
            RollbackJournal.PageRecord r = journal.originals().get(n);
            if (r != null) {
                return journal.pageData(r);
            }
        }
        return mainPage(n);
    }

    /**
     * Page {@code n} of the main file as stored; {@code null} if the file does not hold it. The partial last page of
     * a truncated file is returned zero-filled after its end (see {@link #available(long)}).
     */
    public byte[] mainPage(long n) {
        if (n < 1 || n > mainPages + 1) {
            return null;
        }
        if (n == mainPages + 1) {
            long left = main.size() - fileOffset(n);
            if (left < DatabaseHeader.SIZE) {
                return null;
            }
            byte[] b = new byte[pageSize()];
            main.read(fileOffset(n), b, 0, (int) left);
            return b;
        }
        return main.read(fileOffset(n), pageSize());
    }

    /** Bytes of main-file page {@code n} that exist (the usable size except for the partial last page). */
    public int mainAvailable(long n) {
        return (int) Math.max(0, Math.min(usableSize(), main.size() - fileOffset(n)));
    }

    /** Bytes of the current version of page {@code n} that exist (less than the page size only for a torn end). */
    public int available(long n) {
        if (!"btree".equals(currentSource(n)) || n <= mainPages) {
            return usableSize();
        }
        return (int) Math.max(0, Math.min(usableSize(), main.size() - fileOffset(n)));
    }

    /**
     * Infers the page size: the candidate under which most pages carry a b-tree header that
     * {@link SqliteSignature#holdsCells holds cells} in a page of that size.
     */
    static int inferPageSize(ByteSource db) {
        // Score = estimated number of pages with a plausible b-tree header. A file of 1024-byte pages scores about
        // the same at 512 (only every other "page" is real) and half at 2048 (every other real page is skipped),
        // so the largest size within 75 % of the best score wins.
        long[] scores = new long[8];
        long max = 0;
        int i = 0;
        for (int ps = 512; ps <= 65536; ps <<= 1, i++) {
            long pages = db.size() / ps;
            long step = Math.max(1, pages / 4096);
            long ok = 0;
            for (long n = 2; n <= pages; n += step) {
                byte[] hdr = db.read((n - 1) * ps, SqliteSignature.PAGE_HEADER_BYTES);
                BtreePageHeader h = BtreePageHeader.parse(hdr, 0);
                if (h != null && SqliteSignature.holdsCells(h, ps)) {
                    ok++;
                }
            }
            scores[i] = ok * step;
            max = Math.max(max, scores[i]);
        }
        int best = 4096;
        i = 0;
        for (int ps = 512; ps <= 65536; ps <<= 1, i++) {
            if (max > 0 && scores[i] * 4 >= max * 3) {
                best = ps;
            }
        }
        return best;
    }

    /**
     * Infers the text encoding from the TEXT values of table-leaf cells (page 1's schema SQL included): each value's
     * raw bytes are decoded in all three encodings, and the encoding with the best balance of plain Latin characters
     * (printable ASCII, Latin-1, Latin Extended) over all others wins. ASCII text in UTF-16 decodes to NULs under UTF-8 and
     * to CJK-range characters under the wrong byte order, so the right one stands out.
     */
    static TextEncoding inferEncoding(ByteSource db, int ps) {
        long pages = db.size() / ps;
        long[] score = new long[3];
        for (long n = 1; n <= Math.min(pages, 256); n++) {
            byte[] p = db.read((n - 1) * ps, ps);
            BtreePage page = BtreePage.parse(n, p, ps, "infer", 0, DamageSink.IGNORE);
            if (page == null || page.type() != PageType.TABLE_LEAF) {
                continue;
            }
            for (Cell c : page.cells()) {
                scoreTexts(p, c.payloadOffset(), c.localSize(), score);
            }
        }
        TextEncoding[] e = TextEncoding.values();
        int best = 0;
        for (int i = 1; i < 3; i++) {
            if (score[i] > score[best]) {
                best = i;
            }
        }
        return e[best];
    }

    private static void scoreTexts(byte[] b, int off, int len, long[] score) {
        int limit = off + len;
        try {
            long h = SqliteVarint.read(b, off, limit);
            if (h < 1 || h > len) {
                return;
            }
            int p = off + SqliteVarint.length(b, off, limit);
            int hEnd = off + (int) h;
            long body = hEnd;
            while (p < hEnd) {
                long t = SqliteVarint.read(b, p, hEnd);
                p += SqliteVarint.length(b, p, hEnd);
                long size = SerialType.contentSize(t);
                if (size < 0 || body + size > limit) {
                    return;
                }
                if (SerialType.isText(t)) {
                    TextEncoding[] e = TextEncoding.values();
                    for (int i = 0; i < 3; i++) {
                        String s = e[i].decode(b, (int) body, (int) size);
                        for (int k = 0; k < s.length(); k++) {
                            char ch = s.charAt(k);
                            // plain Latin scores, anything else (NULs, controls, U+FFFD, CJK) costs
                            score[i] += (ch >= 0x20 && ch < 0x7f) || (ch >= 0xa0 && ch < 0x250) ? 1 : -1;
                        }
                    }
                }
                body += size;
            }
        } catch (dev.salvor.formats.core.Malformed m) {
            // not a record: no evidence either way
        }
    }
}
