package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.ProgressCounter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollback journal ({@code -journal}): one or more segments, each a header padded to the sector size, followed by
 * page records holding the ORIGINAL content of pages the transaction changed. Big-endian.
 *
 * <pre>
 * header: 8 magic d9 d5 05 f9 20 a1 63 d7 | u32 record count (0xffffffff = compute from the file size)
 *         u32 checksum nonce | u32 initial database size in pages | u32 sector size | u32 page size
 * record: u32 page number | page image | u32 checksum = nonce + sum of data[i] for i = size-200, size-400, ... > 0
 * </pre>
 *
 * Each new segment header starts at the next sector boundary after the previous segment's records. A record whose
 * checksum fails ends the journal (SQLite stops playback there). The first record for a page is its original
 * image (later records of the same page in later segments are not played back first).
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#the_rollback_journal">fileformat2: rollback journal</a>
 */
public final class RollbackJournal {
    /** The journal magic. */
    public static final byte[] MAGIC = {(byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63,
        (byte) 0xd7};

    /** One page record. */
    public record PageRecord(long offset, long pageNumber, boolean checksumOk) {
    }

    private final ByteSource source;
    private final int pageSize;
    private final long initialPages;
    private final List<PageRecord> records;
    private final Map<Long, PageRecord> originals;

    private RollbackJournal(ByteSource source, int pageSize, long initialPages, List<PageRecord> records,
                            Map<Long, PageRecord> originals) {
        this.source = source;
        this.pageSize = pageSize;
        this.initialPages = initialPages;
        this.records = records;
        this.originals = originals;
    }

    /** True if a usable header was found: SQLite would roll this journal back (a hot journal). */
    /** The name of the file this was read from. */
    public String sourceName() {
        return source.name();
    }

    public boolean isHot() {
        return pageSize > 0 && !originals.isEmpty();
    }

    public int pageSize() {
        return pageSize;
    }

    /** Database size in pages before the transaction (0 if unknown). */
    public long initialPages() {
        return initialPages;
    }

    /** Every record read, in file order. */
    public List<PageRecord> records() {
        return records;
    }

    /** Page number to its first valid record: the page's content before the transaction. */
    public Map<Long, PageRecord> originals() {
        return originals;
    }

    /** The page image of a record. */
    public byte[] pageData(PageRecord r) {
        return source.read(r.offset() + 4, pageSize);
    }

    /** Reads the journal; {@code dbPageSize} 0 means unknown. Never throws on damaged input. */
    public static RollbackJournal read(ByteSource j, int dbPageSize, DamageSink sink) {
        return read(j, dbPageSize, sink, ProgressCounter.none().sequential(j.size()));
    }

    /**
     * As {@link #read(ByteSource, int, DamageSink)}; {@code position} follows the page records read (the caller ends
     * it).
     */
    public static RollbackJournal read(ByteSource j, int dbPageSize, DamageSink sink,
                                       ProgressCounter.Sequential position) {
        String res = j.name();
        List<PageRecord> records = new ArrayList<>();
        Map<Long, PageRecord> originals = new LinkedHashMap<>();
        long off = 0;
        int pageSize = 0;
        long initial = 0;
        boolean first = true;
        segments:
        while (off + 28 <= j.size()) {
            byte[] h = j.read(off, 28);
            for (int i = 0; i < 8; i++) {
                if (h[i] != MAGIC[i]) {
                    if (first) {
                        sink.report(new Damage(res, off, 8, DatabaseHeader.allZero(h, 0, 8) ? DamageKind.ZEROED
                                : DamageKind.BAD_MAGIC, "d9d505f920a163d7", DatabaseHeader.printable(h, 0, 8),
                                "rollback journal magic (a zeroed header means the journal was committed)"));
                    }
                    break segments;
                }
            }
            long nRec = DatabaseHeader.u32(h, 8);
            long nonce = DatabaseHeader.u32(h, 12);
            long initPages = DatabaseHeader.u32(h, 16);
            long sector = DatabaseHeader.u32(h, 20);
            long ps = DatabaseHeader.u32(h, 24);
            if (!DatabaseHeader.validPageSize(ps) || (dbPageSize != 0 && ps != dbPageSize)) {
                sink.report(new Damage(res, off + 24, 4, DamageKind.BAD_STRUCTURE, Integer.toString(dbPageSize),
                        Long.toString(ps), "journal page size"));
                break;
            }
            if (sector < 32 || sector > 65536 || (sector & (sector - 1)) != 0) {
                sink.report(new Damage(res, off + 20, 4, DamageKind.BAD_STRUCTURE, "power of two 32..65536",
                        Long.toString(sector), "journal sector size"));
                break;
            }
            if (first) {
                pageSize = (int) ps;
                initial = initPages;
            }
            long recSize = 8 + ps;
            long dataStart = off + sector;
            if (nRec == 0xffffffffL || (nRec == 0 && first)) {
                nRec = Math.max(0, (j.size() - dataStart) / recSize);
            }
            long p = dataStart;
            for (long r = 0; r < nRec; r++) {
                if (p + recSize > j.size()) {
                    // The sector size may put the first record beyond the end of the file: never a negative length.
                    long have = Math.max(0, j.size() - p);
                    sink.report(new Damage(res, Math.min(p, j.size()), have, DamageKind.TRUNCATED,
                            Long.toString(recSize), Long.toString(have), "journal page record (file ends "
                            + (have == 0 ? "before it" : "inside it") + ")"));
                    break segments;
                }
                position.at(p);
                byte[] rec = j.read(p, (int) recSize);
                long pg = DatabaseHeader.u32(rec, 0);
                long stored = DatabaseHeader.u32(rec, (int) recSize - 4);
                long sum = checksum(nonce, rec, 4, (int) ps);
                boolean ok = sum == stored && pg != 0;
                PageRecord pr = new PageRecord(p, pg, ok);
                records.add(pr);
                if (!ok) {
                    sink.report(new Damage(res, p, recSize, DamageKind.CRC_MISMATCH, Damage.hex32((int) sum),
                            Damage.hex32((int) stored), "journal page record " + records.size()
                            + " for page " + pg + " (playback stops here)"));
                    break segments;
                }
                originals.putIfAbsent(pg, pr);
                p += recSize;
            }
            first = false;
            off = (p + sector - 1) / sector * sector;
        }
        return new RollbackJournal(j, pageSize, initial, Collections.unmodifiableList(records),
                Collections.unmodifiableMap(originals));
    }

    /** nonce + every 200th byte stepping back from the page end (pager_cksum in pager.c). */
    static long checksum(long nonce, byte[] b, int off, int pageSize) {
        long sum = nonce;
        for (int i = pageSize - 200; i > 0; i -= 200) {
            sum += b[off + i] & 0xff;
        }
        return sum & 0xffffffffL;
    }
}
