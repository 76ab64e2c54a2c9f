package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * A decoded b-tree page: header, cells (via the cell pointer array), freeblock chain and the free regions of the
 * page (unallocated gap, freeblocks). Layout:
 *
 * <pre>
 * [100-byte db header on page 1] [page header 8|12] [cell pointer array 2*n] [unallocated] [cell content area]
 * [reserved bytes]
 * freeblock: u16 next freeblock offset (ascending, 0 = end), u16 size (>= 4), then the freed bytes
 * </pre>
 *
 * Every problem is reported with its file offset: cell pointers outside the content area, cells running past the
 * usable size, overlapping cells, freeblock chains that go backwards, overlap cells or loop, fragmented-byte counts
 * over 60. Damaged cells are skipped; the others stay usable.
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#b_tree_pages">fileformat2: b-tree pages</a>
 */
public final class BtreePage {
    private final long pageNumber;
    private final byte[] data;
    private final int usable;
    private final BtreePageHeader header;
    private final List<Cell> cells;
    private final List<int[]> freeblocks;
    private final int damageCount;

    private BtreePage(long pageNumber, byte[] data, int usable, BtreePageHeader header, List<Cell> cells,
                      List<int[]> freeblocks, int damageCount) {
        this.pageNumber = pageNumber;
        this.data = data;
        this.usable = usable;
        this.header = header;
        this.cells = cells;
        this.freeblocks = freeblocks;
        this.damageCount = damageCount;
    }

    public long pageNumber() {
        return pageNumber;
    }

    /** The page bytes (not copied; do not modify). */
    public byte[] data() {
        return data;
    }

    public int usable() {
        return usable;
    }

    public BtreePageHeader header() {
        return header;
    }

    public PageType type() {
        return header.type();
    }

    /** Cells that decoded and fit, in cell-pointer order. */
    public List<Cell> cells() {
        return cells;
    }

    /** Freeblocks as {offset, size} pairs, in chain order (only those that were inside the page). */
    public List<int[]> freeblocks() {
        return freeblocks;
    }

    /** Number of damages reported while parsing. */
    public int damageCount() {
        return damageCount;
    }

    /** Offset of the b-tree header in page {@code pageNumber}: 100 on page 1, else 0. */
    public static int headerOffset(long pageNumber) {
        return pageNumber == 1 ? DatabaseHeader.SIZE : 0;
    }

    /**
     * Parses page {@code pageNumber} whose bytes start at {@code fileOffset} in {@code resource}. Returns
     * {@code null} (after reporting) when the type byte is not a b-tree type.
     */
    public static BtreePage parse(long pageNumber, byte[] data, int usable, String resource, long fileOffset,
                                  DamageSink sink) {
        return parse(pageNumber, data, usable, usable, resource, fileOffset, sink);
    }

    /**
     * As above for a page of which only {@code data[0, available)} exists (the last page of a truncated file, the
     * rest zero-filled): cells and freeblocks reaching past {@code available} are reported and skipped.
     */
    public static BtreePage parse(long pageNumber, byte[] data, int usable, int available, String resource,
                                  long fileOffset, DamageSink sink) {
        int ho = headerOffset(pageNumber);
        BtreePageHeader h = BtreePageHeader.parse(data, ho);
        if (h == null) {
            int t = ho < data.length ? data[ho] & 0xff : -1;
            sink.report(new Damage(resource, fileOffset + ho, 1,
                    DatabaseHeader.allZero(data, 0, Math.min(data.length, usable)) ? DamageKind.ZEROED
                            : DamageKind.BAD_STRUCTURE,
                    "2, 5, 10 or 13", Integer.toString(t), "b-tree page type of page " + pageNumber));
            return null;
        }
        int[] damage = {0};
        DamageSink counting = d -> {
            damage[0]++;
            sink.report(d);
        };
        int ptrEnd = h.cellPointerArrayEnd();
        int cellCount = h.cellCount();
        if (ptrEnd > usable) {
            counting.report(new Damage(resource, fileOffset + ho + 3, 2, DamageKind.BAD_LENGTH,
                    "<= " + ((usable - h.cellPointerArrayOffset()) / 2), Integer.toString(cellCount),
                    "cell count of page " + pageNumber + " (cell pointer array would run past the page)"));
            cellCount = Math.max(0, (usable - h.cellPointerArrayOffset()) / 2);
            ptrEnd = h.cellPointerArrayOffset() + 2 * cellCount;
        }
        if (h.contentStart() < ptrEnd || h.contentStart() > usable) {
            counting.report(new Damage(resource, fileOffset + ho + 5, 2, DamageKind.BAD_POINTER,
                    ptrEnd + ".." + usable, Integer.toString(h.contentStart()),
                    "cell content area start of page " + pageNumber));
        }
        if (h.fragmentedBytes() > 60) {
            counting.report(new Damage(resource, fileOffset + ho + 7, 1, DamageKind.BAD_STRUCTURE, "<= 60",
                    Integer.toString(h.fragmentedBytes()), "fragmented free bytes of page " + pageNumber));
        }
        BitSet used = new BitSet(usable);
        List<Cell> cells = new ArrayList<>(cellCount);
        for (int i = 0; i < cellCount; i++) {
            int pOff = h.cellPointerArrayOffset() + 2 * i;
            int off = DatabaseHeader.u16(data, pOff);
            if (off < ptrEnd || off >= usable) {
                counting.report(new Damage(resource, fileOffset + pOff, 2, DamageKind.BAD_POINTER,
                        ptrEnd + ".." + (usable - 1), Integer.toString(off),
                        "cell pointer " + i + " of page " + pageNumber));
                continue;
            }
            Cell c;
            try {
                c = Cell.decode(data, off, usable, h.type(), usable);
            } catch (Malformed m) {
                counting.report(Damage.of(resource, fileOffset + off, 0, m.kind(),
                        "cell " + i + " of page " + pageNumber + ": " + m.detail()));
                continue;
            }
            int next = used.nextSetBit(off);
            if (next >= 0 && next < off + c.length()) {
                counting.report(new Damage(resource, fileOffset + off, c.length(), DamageKind.BAD_STRUCTURE,
                        "disjoint cells", "overlap at +" + next, "cell " + i + " of page " + pageNumber
                        + " overlaps another cell"));
                continue;
            }
            if (off + c.length() > available) {
                counting.report(new Damage(resource, fileOffset + off, c.length(), DamageKind.TRUNCATED,
                        "<= " + available, Integer.toString(off + c.length()), "cell " + i + " of page " + pageNumber
                        + " runs past the end of the file"));
                continue;
            }
            used.set(off, off + c.length());
            cells.add(c);
        }
        List<int[]> free = new ArrayList<>();
        // Freeblock chain: offsets strictly ascending and non-overlapping, so the walk ends after at most
        // usable/4 steps; any step backwards (a loop), outside the page or into a cell ends the walk.
        int fb = h.firstFreeblock();
        int prevEnd = ptrEnd;
        int steps = 0;
        while (fb != 0) {
            if (fb < prevEnd || fb + 4 > usable || ++steps > usable / 4) {
                counting.report(new Damage(resource, fileOffset + (free.isEmpty() ? ho + 1 : free.get(free.size() - 1)[0]),
                        2, fb < prevEnd && fb != 0 ? DamageKind.CYCLE : DamageKind.BAD_POINTER,
                        ">= " + prevEnd + " and <= " + (usable - 4), Integer.toString(fb),
                        "freeblock pointer of page " + pageNumber
                                + (fb < prevEnd ? " (goes backwards: loop or overlap)" : "")));
                break;
            }
            int size = DatabaseHeader.u16(data, fb + 2);
            if (size < 4 || fb + size > available) {
                counting.report(new Damage(resource, fileOffset + fb + 2, 2, DamageKind.BAD_LENGTH,
                        "4.." + (usable - fb), Integer.toString(size), "freeblock size on page " + pageNumber));
                break;
            }
            int hit = used.nextSetBit(fb);
            if (hit >= 0 && hit < fb + size) {
                counting.report(new Damage(resource, fileOffset + fb, size, DamageKind.BAD_STRUCTURE,
                        "free bytes", "cell at +" + hit, "freeblock overlaps a cell on page " + pageNumber));
                break;
            }
            free.add(new int[] {fb, size});
            prevEnd = fb + size;
            fb = DatabaseHeader.u16(data, fb);
        }
        return new BtreePage(pageNumber, data, usable, new BtreePageHeader(h.type(), h.headerOffset(),
                h.firstFreeblock(), cellCount, h.contentStart(), h.fragmentedBytes(), h.rightChild()),
                Collections.unmodifiableList(cells), Collections.unmodifiableList(free), damage[0]);
    }

    /** The unallocated gap between the cell pointer array and the cell content area, as {offset, length}. */
    public int[] unallocated() {
        int start = header.cellPointerArrayEnd();
        int end = Math.min(header.contentStart(), usable);
        return end > start ? new int[] {start, end - start} : new int[] {start, 0};
    }
}
