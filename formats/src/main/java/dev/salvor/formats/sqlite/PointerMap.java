package dev.salvor.formats.sqlite;

/**
 * Pointer-map pages (auto-vacuum and incremental-vacuum databases): the first at page 2, then one every
 * {@code U/5 + 1} pages; each holds 5-byte entries for the pages that follow it.
 *
 * <pre>
 * entry: u8 type (1 b-tree root, 2 free page, 3 first overflow page, 4 later overflow page, 5 non-root b-tree page)
 *        u32 parent page (0 for roots and free pages)
 * </pre>
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#pointer_map_or_ptrmap_pages">fileformat2: pointer map</a>
 */
public final class PointerMap {
    public static final int ROOT = 1;
    public static final int FREE = 2;
    public static final int OVERFLOW1 = 3;
    public static final int OVERFLOW2 = 4;
    public static final int BTREE = 5;

    private PointerMap() {
    }

    /** Pages covered by one pointer-map page. */
    public static int entriesPerPage(int usable) {
        return usable / 5;
    }

    /** True if page {@code n} is a pointer-map page. */
    public static boolean isPointerMapPage(long n, int usable) {
        if (n < 2) {
            return false;
        }
        return (n - 2) % (entriesPerPage(usable) + 1) == 0;
    }

    /** The pointer-map page holding the entry for page {@code n} (n must not be 1 or a map page). */
    public static long mapPageFor(long n, int usable) {
        long per = entriesPerPage(usable) + 1;
        return 2 + ((n - 2) / per) * per;
    }

    /** {type, parent} of the entry for page {@code n} in its map page image. */
    public static long[] entry(byte[] mapPage, long mapPageNumber, long n) {
        int idx = (int) (n - mapPageNumber - 1);
        int off = idx * 5;
        if (idx < 0 || off + 5 > mapPage.length) {
            return null;
        }
        return new long[] {mapPage[off] & 0xff, DatabaseHeader.u32(mapPage, off + 1)};
    }
}
