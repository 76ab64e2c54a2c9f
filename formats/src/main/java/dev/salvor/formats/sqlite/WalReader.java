package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.ProgressCounter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a WAL file: header, every frame, the valid prefix (SQLite's recovery rule: frames are valid while their salts
 * equal the header's and the cumulative checksum holds; only frames up to the last valid commit frame count), the
 * latest committed frame per page (what a reader sees), superseded frames (older versions of a page), uncommitted
 * frames, frames after a checksum break, and older-generation frames (other salts) kept as history.
 *
 * <p>Resynchronisation: after the first failing frame, no frame is trusted as current again (SQLite stops there
 * too); later frames are still classified (broken / old generation) so their pages can be salvaged as history.
 */
public final class WalReader {
    private final WalHeader header;
    private final List<WalFrame> frames;
    private final Map<Long, Integer> current;
    private final long dbSizeAfterCommit;
    private final ByteSource source;
    private final int pageSize;
    /**
     * The committed frames as {@code page << 31 | frame index}, sorted: the frames of one page are adjacent and in
     * file order, so the version of a page as of a commit is one binary search away (8 bytes per frame).
     */
    private final long[] committedByPage;
    /** Indexes of the commit frames of the valid prefix, ascending. */
    private final int[] commits;

    private WalReader(ByteSource source, WalHeader header, List<WalFrame> frames, Map<Long, Integer> current,
                      long dbSize) {
        this.source = source;
        this.header = header;
        this.frames = frames;
        this.current = current;
        this.dbSizeAfterCommit = dbSize;
        this.pageSize = header == null ? 0 : header.pageSize();
        int committed = 0;
        int commitCount = 0;
        for (WalFrame f : frames) {
            if (f.status() == WalFrame.Status.COMMITTED) {
                committed++;
                commitCount += f.isCommit() ? 1 : 0;
            }
        }
        long[] byPage = new long[committed];
        int[] cs = new int[commitCount];
        int k = 0;
        int c = 0;
        for (WalFrame f : frames) {
            // COMMITTED frames have a non-zero page number that fits in 32 bits (u32), and an index < 2^31
            if (f.status() == WalFrame.Status.COMMITTED) {
                byPage[k++] = f.pageNumber() << 31 | f.index();
                if (f.isCommit()) {
                    cs[c++] = f.index();
                }
            }
        }
        Arrays.sort(byPage);
        this.committedByPage = byPage;
        this.commits = cs;
    }

    /** The name of the file this was read from. */
    public String sourceName() {
        return source.name();
    }

    public WalHeader header() {
        return header;
    }

    /** Every frame found, in file order. */
    public List<WalFrame> frames() {
        return frames;
    }

    /** Page number to the index of the frame holding its current (latest committed) version. */
    public Map<Long, Integer> currentFrames() {
        return current;
    }

    /** The database size in pages set by the last valid commit frame, or 0 if there is none. */
    public long databaseSize() {
        return dbSizeAfterCommit;
    }

    /** The page image of frame {@code index}. */
    public byte[] pageData(int index) {
        WalFrame f = frames.get(index);
        return source.read(f.offset() + WalFrame.HEADER_SIZE, pageSize);
    }

    /** True if the frame is committed but a later committed frame holds the same page. */
    public boolean isSuperseded(WalFrame f) {
        Integer cur = current.get(f.pageNumber());
        return f.status() == WalFrame.Status.COMMITTED && cur != null && cur != f.index();
    }

    /**
     * The commit frame that ends the transaction committed frame {@code f} belongs to: the first commit frame at or
     * after it. A reader whose snapshot ends there is the first to see {@code f}'s page version, and sees with it
     * the versions of the other pages that transaction wrote (fileformat2, section 4). {@code -1} when {@code f}
     * is not committed (uncommitted, broken or older-generation frames end no snapshot of this WAL).
     */
    public int commitOf(WalFrame f) {
        if (f.status() != WalFrame.Status.COMMITTED) {
            return -1;
        }
        int i = Arrays.binarySearch(commits, f.index());
        i = i >= 0 ? i : -i - 1;
        return i < commits.length ? commits[i] : -1;
    }

    /**
     * The frame holding page {@code n} for a reader whose snapshot ends at commit frame {@code commit}: the newest
     * committed frame of that page at or before it, or {@code null} when that reader reads the page from the main
     * file.
     */
    public Integer frameAsOf(long n, int commit) {
        if (n < 1 || n > 0xffffffffL || commit < 0) {
            return null;
        }
        long key = n << 31 | commit;
        int i = Arrays.binarySearch(committedByPage, key);
        i = i >= 0 ? i : -i - 2; // the largest entry <= key
        if (i < 0 || committedByPage[i] >>> 31 != n) {
            return null;
        }
        return (int) (committedByPage[i] & 0x7fffffffL);
    }

    /**
     * Reads {@code wal}. {@code dbPageSize} is the database's page size (0 if unknown); a different WAL page size is
     * reported and the WAL is then ignored. Returns a reader with no frames when the header is unusable.
     */
    public static WalReader read(ByteSource wal, int dbPageSize, DamageSink sink) {
        return read(wal, dbPageSize, sink, ProgressCounter.none().sequential(wal.size()));
    }

    /** As {@link #read(ByteSource, int, DamageSink)}; {@code position} follows the frames read (the caller ends it). */
    public static WalReader read(ByteSource wal, int dbPageSize, DamageSink sink, ProgressCounter.Sequential position) {
        String res = wal.name();
        if (wal.size() < WalHeader.SIZE) {
            if (wal.size() > 0) {
                sink.report(new Damage(res, 0, wal.size(), DamageKind.TRUNCATED, ">= 32", Long.toString(wal.size()),
                        "WAL shorter than its header"));
            }
            return new WalReader(wal, null, List.of(), Map.of(), 0);
        }
        WalHeader h = WalHeader.parse(wal.read(0, WalHeader.SIZE));
        if (!h.magicOk()) {
            sink.report(new Damage(res, 0, 4, DamageKind.BAD_MAGIC, "0x377f0682 or 0x377f0683",
                    String.format("0x%08x", h.magic()), "WAL magic"));
            return new WalReader(wal, null, List.of(), Map.of(), 0);
        }
        if (!h.checksumOk()) {
            sink.report(Damage.of(res, 24, 8, DamageKind.CRC_MISMATCH,
                    "WAL header checksum (SQLite ignores a WAL whose header checksum fails)"));
        }
        if (!DatabaseHeader.validPageSize(h.pageSize()) || (dbPageSize != 0 && h.pageSize() != dbPageSize)) {
            sink.report(new Damage(res, 8, 4, DamageKind.BAD_STRUCTURE, Integer.toString(dbPageSize),
                    Integer.toString(h.pageSize()), "WAL page size vs database page size"));
            return new WalReader(wal, null, List.of(), Map.of(), 0);
        }
        int ps = h.pageSize();
        long frameSize = WalFrame.HEADER_SIZE + (long) ps;
        long count = (wal.size() - WalHeader.SIZE) / frameSize;
        long tail = (wal.size() - WalHeader.SIZE) % frameSize;
        List<WalFrame> frames = new ArrayList<>();
        int s1 = h.checksum1();
        int s2 = h.checksum2();
        boolean chainOk = h.checksumOk();
        int lastCommit = -1;
        byte[] buf = new byte[(int) frameSize];
        int prevOldS1 = 0;
        int prevOldS2 = 0;
        boolean prevOld = false;
        for (int i = 0; i < count; i++) {
            long off = WalHeader.SIZE + i * frameSize;
            position.at(off);
            wal.read(off, buf, 0, buf.length);
            long pg = DatabaseHeader.u32(buf, 0);
            long commit = DatabaseHeader.u32(buf, 4);
            int fs1 = (int) DatabaseHeader.u32(buf, 8);
            int fs2 = (int) DatabaseHeader.u32(buf, 12);
            int c1 = (int) DatabaseHeader.u32(buf, 16);
            int c2 = (int) DatabaseHeader.u32(buf, 20);
            boolean saltsOk = fs1 == h.salt1() && fs2 == h.salt2();
            WalFrame.Status st;
            if (saltsOk && chainOk) {
                int[] s = WalChecksum.update(s1, s2, buf, 0, 8, h.bigEndianChecksums());
                s = WalChecksum.update(s[0], s[1], buf, WalFrame.HEADER_SIZE, ps, h.bigEndianChecksums());
                if (s[0] == c1 && s[1] == c2 && pg != 0) {
                    s1 = s[0];
                    s2 = s[1];
                    st = WalFrame.Status.UNCOMMITTED; // upgraded to COMMITTED when a later commit frame validates
                    if (commit != 0) {
                        lastCommit = i;
                    }
                } else {
                    chainOk = false;
                    st = WalFrame.Status.BROKEN;
                    sink.report(new Damage(res, off, frameSize, DamageKind.CRC_MISMATCH,
                            Damage.hex32(s[0]) + Damage.hex32(s[1]).substring(2), Damage.hex32(c1)
                            + Damage.hex32(c2).substring(2), "WAL frame " + i + " checksum (torn or damaged frame;"
                            + " the valid WAL ends before it)"));
                }
                prevOld = false;
            } else if (saltsOk) {
                st = WalFrame.Status.BROKEN;
                prevOld = false;
            } else {
                st = WalFrame.Status.OLD_GENERATION;
                // An older generation's frames chain among themselves: verify against the previous old frame.
                if (prevOld) {
                    int[] s = WalChecksum.update(prevOldS1, prevOldS2, buf, 0, 8, h.bigEndianChecksums());
                    s = WalChecksum.update(s[0], s[1], buf, WalFrame.HEADER_SIZE, ps, h.bigEndianChecksums());
                    if (s[0] != c1 || s[1] != c2) {
                        sink.report(Damage.of(res, off, frameSize, DamageKind.CRC_MISMATCH, "WAL frame " + i
                                + " of an older generation (salt-1 " + Integer.toUnsignedString(fs1)
                                + ") does not chain with the previous old frame"));
                    }
                }
                prevOld = true;
                prevOldS1 = c1;
                prevOldS2 = c2;
            }
            frames.add(new WalFrame(i, off, pg, commit, fs1, fs2, st));
        }
        if (tail != 0 && chainOk) {
            sink.report(new Damage(res, WalHeader.SIZE + count * frameSize, tail, DamageKind.TRUNCATED,
                    Long.toString(frameSize), Long.toString(tail), "partial WAL frame at the end (torn write)"));
        }
        Map<Long, Integer> current = new HashMap<>();
        long dbSize = 0;
        for (int i = 0; i <= lastCommit; i++) {
            WalFrame f = frames.get(i);
            frames.set(i, new WalFrame(f.index(), f.offset(), f.pageNumber(), f.commitSize(), f.salt1(), f.salt2(),
                    WalFrame.Status.COMMITTED));
            current.put(f.pageNumber(), i);
            if (f.isCommit()) {
                dbSize = f.commitSize();
            }
        }
        return new WalReader(wal, h, Collections.unmodifiableList(frames), Collections.unmodifiableMap(current),
                dbSize);
    }
}
