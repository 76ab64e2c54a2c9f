package dev.salvor.formats.sqlite;

/**
 * The b-tree page header: 8 bytes on leaves, 12 on interior pages; at offset 100 on page 1, else 0. Big-endian.
 *
 * <pre>
 * off size field
 *   0   1  page type (2, 5, 10, 13)
 *   1   2  first freeblock offset (0 = none)
 *   3   2  number of cells
 *   5   2  start of the cell content area (0 means 65536)
 *   7   1  fragmented free bytes in the content area (&lt;= 60)
 *   8   4  right-most child page (interior pages only)
 * </pre>
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#b_tree_pages">fileformat2: b-tree pages</a>
 */
public record BtreePageHeader(PageType type, int headerOffset, int firstFreeblock, int cellCount, int contentStart,
                              int fragmentedBytes, long rightChild) {

    /** Bytes of the header (8 or 12). */
    public int size() {
        return type.headerSize();
    }

    /** Offset of the cell pointer array (relative to the page start). */
    public int cellPointerArrayOffset() {
        return headerOffset + size();
    }

    /** Offset one past the cell pointer array. */
    public int cellPointerArrayEnd() {
        return cellPointerArrayOffset() + 2 * cellCount;
    }

    /** Parses the header at {@code off}; {@code null} if the type byte is not a b-tree type or bytes are missing. */
    public static BtreePageHeader parse(byte[] page, int off) {
        if (off + 8 > page.length) {
            return null;
        }
        PageType t = PageType.ofCode(page[off] & 0xff);
        if (t == null || off + t.headerSize() > page.length) {
            return null;
        }
        int content = DatabaseHeader.u16(page, off + 5);
        return new BtreePageHeader(t, off, DatabaseHeader.u16(page, off + 1), DatabaseHeader.u16(page, off + 3),
                content == 0 ? 65536 : content, page[off + 7] & 0xff,
                t.isInterior() ? DatabaseHeader.u32(page, off + 8) : 0);
    }
}
