package dev.salvor.formats.sqlite;

/**
 * The four b-tree page kinds (byte 0 of the page header).
 *
 * <pre>
 *  2 index interior   5 table interior   10 index leaf   13 table leaf
 * </pre>
 */
public enum PageType {
    INDEX_INTERIOR(2, false, true),
    TABLE_INTERIOR(5, true, true),
    INDEX_LEAF(10, false, false),
    TABLE_LEAF(13, true, false);

    private final int code;
    private final boolean table;
    private final boolean interior;

    PageType(int code, boolean table, boolean interior) {
        this.code = code;
        this.table = table;
        this.interior = interior;
    }

    public int code() {
        return code;
    }

    /** Table b-tree (rowid keys) rather than index b-tree. */
    public boolean isTable() {
        return table;
    }

    public boolean isInterior() {
        return interior;
    }

    public boolean isLeaf() {
        return !interior;
    }

    /** Header size: 12 for interior pages (right-most child pointer), 8 for leaves. */
    public int headerSize() {
        return interior ? 12 : 8;
    }

    /** The type for a code, or {@code null}. */
    public static PageType ofCode(int code) {
        switch (code) {
            case 2: return INDEX_INTERIOR;
            case 5: return TABLE_INTERIOR;
            case 10: return INDEX_LEAF;
            case 13: return TABLE_LEAF;
            default: return null;
        }
    }
}
