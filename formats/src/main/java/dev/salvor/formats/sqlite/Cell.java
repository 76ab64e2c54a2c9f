package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

/**
 * One b-tree cell, decoded from its page. Formats:
 *
 * <pre>
 * table leaf (13):     varint payload-size P, varint rowid, local payload, [u32 first overflow page]
 * table interior (5):  u32 left child, varint rowid
 * index leaf (10):     varint P, local payload, [u32 first overflow page]
 * index interior (2):  u32 left child, varint P, local payload, [u32 first overflow page]
 * </pre>
 *
 * Spill rule with usable size U: X = U-35 for table leaves, X = ((U-12)*64/255)-23 for index pages,
 * M = ((U-12)*32/255)-23. If P &lt;= X all of it is local; else K = M + ((P-M) mod (U-4)) and the local part is K if
 * K &lt;= X else M.
 *
 * @param offset        cell start within the page
 * @param length        bytes the cell occupies in the page (header varints, local payload, overflow pointer)
 * @param leftChild     left child page (interior cells) or 0
 * @param rowid         rowid (table cells) or 0
 * @param payloadSize   P (0 for table interior cells)
 * @param payloadOffset where the local payload starts within the page
 * @param localSize     bytes of payload stored in the page
 * @param firstOverflow first overflow page, or 0 when everything is local
 * @see <a href="https://www.sqlite.org/fileformat2.html#b_tree_pages">fileformat2: cell formats and spill</a>
 */
public record Cell(int offset, int length, long leftChild, long rowid, long payloadSize, int payloadOffset,
                   int localSize, long firstOverflow) {

    /** X, the largest payload kept entirely in the page. */
    public static int maxLocal(int usable, boolean tableLeaf) {
        return tableLeaf ? usable - 35 : ((usable - 12) * 64 / 255) - 23;
    }

    /** M, the minimum local payload when the payload spills. */
    public static int minLocal(int usable) {
        return ((usable - 12) * 32 / 255) - 23;
    }

    /** Bytes of a payload of size {@code p} kept in the page. */
    public static int localSize(long p, int usable, boolean tableLeaf) {
        int x = maxLocal(usable, tableLeaf);
        if (p <= x) {
            return (int) p;
        }
        int m = minLocal(usable);
        long k = m + ((p - m) % (usable - 4));
        return (int) (k <= x ? k : m);
    }

    /**
     * Decodes the cell at {@code off} of a page of type {@code type}. The cell must end at or before {@code limit}
     * (the usable size). Throws {@link Malformed} when it does not fit or a varint runs off.
     */
    public static Cell decode(byte[] page, int off, int limit, PageType type, int usable) {
        if (off < 0 || off >= limit) {
            throw new Malformed(DamageKind.BAD_POINTER, off, "cell offset outside the usable page");
        }
        int p = off;
        long left = 0;
        if (type.isInterior()) {
            if (p + 4 > limit) {
                throw new Malformed(DamageKind.TRUNCATED, p, "left child pointer runs past the page");
            }
            left = DatabaseHeader.u32(page, p);
            p += 4;
        }
        if (type == PageType.TABLE_INTERIOR) {
            long rowid = SqliteVarint.read(page, p, limit);
            p += SqliteVarint.length(page, p, limit);
            return new Cell(off, p - off, left, rowid, 0, p, 0, 0);
        }
        long payload = SqliteVarint.read(page, p, limit);
        p += SqliteVarint.length(page, p, limit);
        if (payload < 0) {
            throw new Malformed(DamageKind.BAD_LENGTH, off, "negative payload size " + payload);
        }
        long rowid = 0;
        if (type == PageType.TABLE_LEAF) {
            rowid = SqliteVarint.read(page, p, limit);
            p += SqliteVarint.length(page, p, limit);
        }
        int local = localSize(payload, usable, type == PageType.TABLE_LEAF);
        long overflow = 0;
        int end = p + local;
        if (local < payload) {
            if (end + 4 > limit) {
                throw new Malformed(DamageKind.BAD_LENGTH, off, "cell with payload " + payload + " (local " + local
                        + ") runs past the usable page end " + limit);
            }
            overflow = DatabaseHeader.u32(page, end);
            end += 4;
        } else if (end > limit) {
            throw new Malformed(DamageKind.BAD_LENGTH, off, "cell with payload " + payload
                    + " runs past the usable page end " + limit);
        }
        return new Cell(off, end - off, left, rowid, payload, p, local, overflow);
    }

    /** Number of overflow pages a payload of this size needs. */
    public long expectedOverflowPages(int usable) {
        long rest = payloadSize - localSize;
        return rest <= 0 ? 0 : (rest + usable - 5) / (usable - 4);
    }
}
