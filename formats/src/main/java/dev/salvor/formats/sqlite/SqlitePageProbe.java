package dev.salvor.formats.sqlite;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.List;

/**
 * Lone SQLite b-tree pages: pages of a database whose header page is gone (overwritten, or the file is fragmented
 * and only later clusters survive), found by their structure alone.
 *
 * <p>Signature (pass 1): at every 512-byte-aligned offset, a first byte of 2, 5, 10 or 13 (index interior, table
 * interior, index leaf, table leaf), at most 60 fragmented bytes, at least one cell, and a cell pointer array that
 * ends before the cell content area ({@link SqliteSignature#isLonePageCandidate}, the strictest of SQLite's page
 * header rules: every sector of an image is asked). The page then has to validate for some page size P
 * (512..65536, tried from the smallest that holds every cell pointer):
 * <ol>
 * <li>{@link BtreePage#parse} with usable size P reports no damage: every cell pointer inside the content area,
 * every cell decodes and fits, no two cells overlap, the freeblock chain ascends inside the page without touching a
 * cell;</li>
 * <li>the content area is exactly covered: cells + freeblocks + fragmented bytes = P - content start (SQLite keeps
 * this invariant, its integrity check verifies it); this pins P and assumes no reserved bytes per page;</li>
 * <li>table pages (leaf and interior) list their rowids strictly ascending in cell-pointer order;</li>
 * <li>every payload (leaf and index cells) decodes as a record whose header size plus body size equals the cell's
 * payload size; interior pages name child pages (>= 2).</li>
 * </ol>
 * When two sizes validate, the one under which the next page (offset + P) also validates wins, else the smaller.
 *
 * <p>Confirmation (pass 2, in image order): pages inside an artifact the other probes found (a carved database, WAL
 * or journal) are left out (they are salvaged there); a page found inside an accepted page is left out; consecutive
 * pages of one size (each starting where the previous ends) make one {@link Artifact.Kind#SQLITE_PAGES} artifact.
 *
 * <h2>False positives</h2>
 * On random bytes a 512-aligned offset passes the first byte with probability 4/256 and the fragment count with
 * 61/256 (about 1 in 270); a cell pointer array then lies inside [content start, P) with probability
 * ((P - start)/65536) per pointer, and the exact-coverage identity holds with probability about 1/(P - start) on top
 * (each decoded cell length is an unrelated varint-derived value), before the record checks (a record header whose
 * size and serial types add up exactly to the payload size: about 2^-8 per cell or worse). A single-cell page
 * therefore passes with probability well below 1/270 x 1/16 x 1/512 x 2^-8 ~ 1e-9 per offset: expected about 0.002
 * false pages per GiB of random data (2 million offsets), and zero filler never passes (type byte 0). The test
 * {@code SqliteCarveTest#randomImageYieldsNoPages} checks it on several MiB.
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#b_tree_pages">fileformat2: b-tree pages</a>
 */
public final class SqlitePageProbe implements Probe {
    /** Alignment at which page starts are tried. */
    static final int ALIGN = 512;
    private final ByteSource image;

    public SqlitePageProbe(ByteSource image) {
        this.image = image;
    }

    @Override
    public int overlap() {
        return 0;
    }

    @Override
    public Trigger trigger() {
        // The b-tree page type byte (PageType codes 2, 5, 10, 13): at tells the same before any other test.
        return Trigger.aligned(ALIGN, 0, 2, 5, 10, 13);
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        if (PageType.ofCode(c.get(i) & 0xff) == null) {
            return;
        }
        long a = c.start() + i;
        // Precheck from the chunk when its bytes are there (else the full check reads the image): the header and
        // the first cell pointer, by the same rules as head().
        if (i + SqliteSignature.PAGE_HEADER_BYTES <= c.readable()) {
            byte[] b = new byte[Math.min(SqliteSignature.PAGE_HEADER_BYTES + 2, c.readable() - i)];
            for (int k = 0; k < b.length; k++) {
                b[k] = c.get(i + k);
            }
            BtreePageHeader h = BtreePageHeader.parse(b, 0);
            if (!SqliteSignature.isLonePageCandidate(h, image.size() - a)
                    || h.cellPointerArrayOffset() + 2 <= b.length
                    && SqliteSignature.largestCellPointer(h, b, h.cellPointerArrayOffset(), 1) < 0) {
                return;
            }
        }
        // Only the cheap test here: the full validation (every page size, page parse) runs once, in confirm, which
        // also skips pages inside a database or log another probe carved (most real pages of a large image).
        if (head(image, a) != null) {
            sink.propose(a);
        }
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        return confirm(candidates, List.of());
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates, List<Artifact> earlier) {
        List<Artifact> out = new ArrayList<>();
        int e = 0;
        long claimedEnd = -1; // furthest end of the earlier artifacts starting at or before the candidate
        long covered = -1;
        long runStart = -1;
        long runEnd = -1;
        int runPs = 0;
        for (long c : candidates) {
            while (e < earlier.size() && earlier.get(e).offset() <= c) {
                claimedEnd = Math.max(claimedEnd, earlier.get(e).end());
                e++;
            }
            if (c < claimedEnd || c < covered) {
                continue;
            }
            int ps;
            try {
                ps = pageSize(image, c);
            } catch (CorruptionException ex) {
                continue;
            }
            if (ps <= 0 || (e < earlier.size() && earlier.get(e).offset() < c + ps)) {
                continue; // the page would reach into an artifact found by another probe
            }
            covered = c + ps;
            if (runStart >= 0 && c == runEnd && ps == runPs) {
                runEnd = c + ps;
                continue;
            }
            if (runStart >= 0) {
                out.add(run(runStart, runEnd, runPs));
            }
            runStart = c;
            runEnd = c + ps;
            runPs = ps;
        }
        if (runStart >= 0) {
            out.add(run(runStart, runEnd, runPs));
        }
        return out;
    }

    private static Artifact run(long start, long end, int ps) {
        long n = (end - start) / ps;
        return new Artifact(Artifact.Kind.SQLITE_PAGES, start, end - start, n + " consecutive b-tree page(s) of "
                + ps + " bytes (page size " + ps + "): header, cell pointers, cells and freeblocks validate, the"
                + " content area is exactly covered, rowids ascend, payloads decode as records", 0);
    }

    /**
     * The cheap structural test of a page at {@code at}, before any page parse (random bytes fail here, and no
     * damage report is built): the page header and its largest cell pointer, or null. The rules are
     * {@link SqliteSignature#isLonePageCandidate} and {@link SqliteSignature#largestCellPointer}: every cell pointer
     * lies in the cell content area, which starts after the pointer array; the first freeblock, if any, too.
     */
    private static Head head(ByteSource image, long at) {
        long left = image.size() - at;
        if (left < ALIGN) {
            return null;
        }
        BtreePageHeader h = BtreePageHeader.parse(image.read(at, SqliteSignature.PAGE_HEADER_BYTES), 0);
        if (h == null || !SqliteSignature.isLonePageCandidate(h, left)) {
            return null;
        }
        byte[] ptrs = image.read(at + h.cellPointerArrayOffset(), 2 * h.cellCount());
        int maxPtr = SqliteSignature.largestCellPointer(h, ptrs, 0, h.cellCount());
        return maxPtr < 0 ? null : new Head(h, maxPtr);
    }

    /** A page header that passed {@link #head}, with its largest cell pointer. */
    private record Head(BtreePageHeader header, int largestPointer) {
    }

    /**
     * The page size under which the bytes at {@code at} form a valid b-tree page (see the class comment), or 0.
     * When two sizes validate, the one under which the next page also validates wins, else the smaller.
     */
    public static int pageSize(ByteSource image, long at) {
        Head h = head(image, at);
        if (h == null) {
            return 0;
        }
        long left = image.size() - at;
        int found = 0;
        for (int ps = ALIGN; ps <= SqliteSignature.MAX_PAGE_SIZE && ps <= left; ps <<= 1) {
            if (!SqliteSignature.lonePageFits(h.header(), h.largestPointer(), ps)) {
                continue;
            }
            if (valid(image.read(at, ps), ps)) {
                if (found == 0) {
                    found = ps;
                } else {
                    // two sizes validate: prefer the one whose next page validates too
                    boolean nextFirst = left >= 2L * found && valid(image.read(at + found, found), found);
                    boolean nextThis = left >= 2L * ps && valid(image.read(at + ps, ps), ps);
                    return nextThis && !nextFirst ? ps : found;
                }
            }
        }
        return found;
    }

    /** The structural checks of the class comment on one page image of {@code ps} bytes. */
    static boolean valid(byte[] data, int ps) {
        PageType type = PageType.ofCode(data[0] & 0xff);
        if (type == null) {
            return false;
        }
        int[] damage = {0};
        BtreePage page;
        try {
            page = BtreePage.parse(2, data, ps, "page", 0, d -> damage[0]++);
        } catch (Malformed | CorruptionException e) {
            return false;
        }
        if (page == null || damage[0] > 0 || page.cells().isEmpty()
                || page.cells().size() != page.header().cellCount()) {
            return false;
        }
        long covered = page.header().fragmentedBytes();
        for (Cell c : page.cells()) {
            covered += c.length();
        }
        for (int[] fb : page.freeblocks()) {
            covered += fb[1];
        }
        if (covered != ps - (long) page.header().contentStart()) {
            return false;
        }
        if (type.isInterior() && (page.header().rightChild() < 2 || page.header().rightChild() > 0x7fffffffL)) {
            return false;
        }
        long prevRowid = Long.MIN_VALUE;
        boolean first = true;
        for (Cell c : page.cells()) {
            if (type.isInterior() && (c.leftChild() < 2 || c.leftChild() > 0x7fffffffL)) {
                return false;
            }
            if (type.isTable()) {
                if (!first && c.rowid() <= prevRowid) {
                    return false;
                }
                prevRowid = c.rowid();
                first = false;
            }
            if (type == PageType.TABLE_INTERIOR) {
                continue;
            }
            try {
                Record r = Record.decode(data, c.payloadOffset(), c.localSize(), c.payloadSize(), TextEncoding.UTF_8,
                        false);
                if (r.headerSize() + r.bodySize() != c.payloadSize() || r.serialTypes().length == 0) {
                    return false;
                }
            } catch (Malformed | CorruptionException e) {
                return false;
            }
        }
        return true;
    }
}
