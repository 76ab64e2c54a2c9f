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
     * The frames of the current generation (the valid checksum chain, committed then uncommitted, then the frames
     * after its break) as {@code page << 31 | frame index}, sorted: the frames of one page are adjacent and in file
     * order, so the version of a page as of one of those frames is one binary search away (8 bytes per frame). The
     * chain's frames all come before the broken ones, so a view ending in the chain never sees a broken frame.
     */
    private final long[] chainByPage;
    /** Indexes of the commit frames of the valid prefix, ascending. */
    private final int[] commits;
    /** The last frame of the transaction that never committed (the valid chain's end), or -1. */
    private final int lastUncommitted;
    /** The highest page number an uncommitted frame holds (0 when none). */
    private final long uncommittedMaxPage;
    /** Indexes of the commit frames after the chain's break, ascending. */
    private final int[] brokenCommits;
    /** The last frame after the chain's break, or -1. */
    private final int lastBroken;
    /** The highest page number a frame after the break holds (0 when none). */
    private final long brokenMaxPage;
    /** The runs of older-generation frames (consecutive frames sharing salts), in file order. */
    private final List<OldRun> oldRuns;

    /**
     * Consecutive frames of one older WAL generation (same salts): what is left of that generation's history, the
     * start of it overwritten by the current generation. {@code byPage} as {@link #chainByPage}; {@code commits} the
     * run's commit frames.
     */
    private record OldRun(int start, int end, long[] byPage, int[] commits, long maxPage) {
    }

    private WalReader(ByteSource source, WalHeader header, List<WalFrame> frames, Map<Long, Integer> current,
                      long dbSize) {
        this.source = source;
        this.header = header;
        this.frames = frames;
        this.current = current;
        this.dbSizeAfterCommit = dbSize;
        this.pageSize = header == null ? 0 : header.pageSize();
        int chained = 0;
        int commitCount = 0;
        int brokenCommitCount = 0;
        for (WalFrame f : frames) {
            if (inCurrentGeneration(f)) {
                chained++;
                commitCount += f.status() == WalFrame.Status.COMMITTED && f.isCommit() ? 1 : 0;
                brokenCommitCount += f.status() == WalFrame.Status.BROKEN && f.isCommit() ? 1 : 0;
            }
        }
        int[] bc = new int[brokenCommitCount];
        int b = 0;
        int lastB = -1;
        long brokenMax = 0;
        long[] byPage = new long[chained];
        int[] cs = new int[commitCount];
        int k = 0;
        int c = 0;
        int last = -1;
        long maxPage = 0;
        for (WalFrame f : frames) {
            // these frames have a non-zero page number that fits in 32 bits (u32), and an index < 2^31
            if (inCurrentGeneration(f)) {
                byPage[k++] = f.pageNumber() << 31 | f.index();
                if (f.status() == WalFrame.Status.BROKEN) {
                    if (f.isCommit()) {
                        bc[b++] = f.index();
                    }
                    lastB = f.index();
                    brokenMax = Math.max(brokenMax, f.pageNumber());
                }
                if (f.status() == WalFrame.Status.COMMITTED && f.isCommit()) {
                    cs[c++] = f.index();
                }
                if (f.status() == WalFrame.Status.UNCOMMITTED) {
                    last = f.index();
                    maxPage = Math.max(maxPage, f.pageNumber());
                }
            }
        }
        Arrays.sort(byPage);
        this.chainByPage = byPage;
        this.commits = cs;
        this.lastUncommitted = last;
        this.uncommittedMaxPage = maxPage;
        this.brokenCommits = bc;
        this.lastBroken = lastB;
        this.brokenMaxPage = brokenMax;
        this.oldRuns = oldRuns(frames);
    }

    /** A frame of the current generation with a page: committed, uncommitted, or after the chain's break. */
    private static boolean inCurrentGeneration(WalFrame f) {
        return f.status() != WalFrame.Status.OLD_GENERATION && f.pageNumber() >= 1;
    }

    /** Groups the older-generation frames into runs of consecutive frames with the same salts. */
    private static List<OldRun> oldRuns(List<WalFrame> frames) {
        List<OldRun> runs = new ArrayList<>();
        int i = 0;
        while (i < frames.size()) {
            WalFrame first = frames.get(i);
            if (first.status() != WalFrame.Status.OLD_GENERATION) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < frames.size() && frames.get(j + 1).status() == WalFrame.Status.OLD_GENERATION
                    && frames.get(j + 1).salt1() == first.salt1() && frames.get(j + 1).salt2() == first.salt2()) {
                j++;
            }
            List<Long> pages = new ArrayList<>();
            List<Integer> commitFrames = new ArrayList<>();
            long maxPage = 0;
            for (int x = i; x <= j; x++) {
                WalFrame f = frames.get(x);
                if (f.pageNumber() < 1) {
                    continue; // no page: a damaged or zeroed frame header
                }
                pages.add(f.pageNumber() << 31 | f.index());
                maxPage = Math.max(maxPage, f.pageNumber());
                if (f.isCommit()) {
                    commitFrames.add(f.index());
                }
            }
            long[] byPage = pages.stream().mapToLong(Long::longValue).sorted().toArray();
            runs.add(new OldRun(i, j, byPage, commitFrames.stream().mapToInt(Integer::intValue).toArray(), maxPage));
            i = j + 1;
        }
        return runs;
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
        return firstAtOrAfter(commits, f.index(), -1);
    }

    /** The first of the ascending {@code frames} at or after {@code index}, else {@code otherwise}. */
    private static int firstAtOrAfter(int[] frames, int index, int otherwise) {
        int i = Arrays.binarySearch(frames, index);
        i = i >= 0 ? i : -i - 1;
        return i < frames.length ? frames[i] : otherwise;
    }

    /**
     * The last frame of the state frame {@code f}'s page version belongs to, as its writer saw the database (the
     * frame a {@link #frameAsOf} view ends at), or {@code -1} when there is none:
     * <ul>
     *   <li>a committed frame: the commit frame ending its transaction ({@link #commitOf});</li>
     *   <li>an uncommitted frame: the last frame of the valid chain. The transaction that never committed had
     *       written all of them (SQLite spills a transaction's pages to the WAL as its cache fills, each page once per
     *       spill), and its new overflow pages are among them;</li>
     *   <li>an older-generation frame: the first commit frame of its run at or after it, else the run's last frame.
     *       The start of that generation was overwritten by the current one, and a page not in the run is unknown in
     *       that view ({@link #viewHasMainFile}): the main file was brought to that generation's end (or later) by
     *       the checkpoint before the WAL reset, and the current generation's frames are newer still; either could
     *       give an older row another version's overflow bytes;</li>
     *   <li>a frame after the chain's break (a damaged frame, or a later one: SQLite stops reading there, and their
     *       rows are history nobody read): the first commit frame at or after it among those, else the last of them.
     *       That view is the chain with the frames after the break up to it, so a later transaction whose frames are
     *       intact reads its own overflow pages, not the chain's versions of those page numbers.</li>
     * </ul>
     */
    public int snapshotEndOf(WalFrame f) {
        switch (f.status()) {
            case COMMITTED:
                return commitOf(f);
            case UNCOMMITTED:
                return lastUncommitted;
            case OLD_GENERATION: {
                OldRun r = runOf(f.index());
                if (r == null) {
                    return -1;
                }
                return firstAtOrAfter(r.commits(), f.index(), r.end());
            }
            case BROKEN: {
                if (f.pageNumber() < 1) {
                    return -1;
                }
                return firstAtOrAfter(brokenCommits, f.index(), lastBroken);
            }
            default:
                return -1;
        }
    }

    /**
     * The database size in pages of the view ending at frame {@code end} ({@link #snapshotEndOf}): the size its
     * commit frame sets; for a view ending at a frame that commits nothing, the largest of {@code mainFilePages}, the
     * last commit's size and the pages its transaction wrote.
     */
    public long pageCountAsOf(int end, long mainFilePages) {
        if (end < 0 || end >= frames.size()) {
            return mainFilePages;
        }
        WalFrame f = frames.get(end);
        if (f.isCommit() && f.status() != WalFrame.Status.BROKEN) {
            return f.commitSize();
        }
        if (f.status() == WalFrame.Status.OLD_GENERATION) {
            OldRun r = runOf(end);
            return Math.max(mainFilePages, r == null ? 0 : r.maxPage());
        }
        long pages = Math.max(Math.max(mainFilePages, dbSizeAfterCommit), uncommittedMaxPage);
        // after the break the commit sizes are not trusted: the pages those frames wrote bound the view instead
        return f.status() == WalFrame.Status.BROKEN ? Math.max(pages, brokenMaxPage) : pages;
    }

    /**
     * The frame holding page {@code n} in the view ending at frame {@code end} ({@link #snapshotEndOf}; a commit frame
     * for a committed snapshot): the newest frame of that page at or before {@code end} among the current
     * generation's frames, or among its run's frames for an older generation; {@code null} when that view reads the
     * page from the main file.
     */
    public Integer frameAsOf(long n, int end) {
        if (n < 1 || n > 0xffffffffL || end < 0 || end >= frames.size()) {
            return null;
        }
        long[] byPage = chainByPage;
        if (frames.get(end).status() == WalFrame.Status.OLD_GENERATION) {
            OldRun r = runOf(end);
            if (r == null) {
                return null;
            }
            byPage = r.byPage();
        }
        long key = n << 31 | end;
        int i = Arrays.binarySearch(byPage, key);
        i = i >= 0 ? i : -i - 2; // the largest entry <= key
        if (i < 0 || byPage[i] >>> 31 != n) {
            return null;
        }
        return (int) (byPage[i] & 0x7fffffffL);
    }

    /**
     * Whether the view ending at frame {@code end} ({@link #snapshotEndOf}) reads the pages its frames do not hold
     * from the main file: true for the current generation (the main file is what its first reader saw), false for an
     * older generation's run (the main file is a later state).
     */
    public boolean viewHasMainFile(int end) {
        return end < 0 || end >= frames.size() || frames.get(end).status() != WalFrame.Status.OLD_GENERATION;
    }

    /** The older-generation run holding frame {@code index}, or null. */
    private OldRun runOf(int index) {
        int lo = 0;
        int hi = oldRuns.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            OldRun r = oldRuns.get(mid);
            if (index < r.start()) {
                hi = mid - 1;
            } else if (index > r.end()) {
                lo = mid + 1;
            } else {
                return r;
            }
        }
        return null;
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
