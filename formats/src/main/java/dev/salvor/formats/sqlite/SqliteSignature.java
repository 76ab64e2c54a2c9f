package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;

/**
 * How SQLite bytes are recognised without parsing them: the 16-byte header string of a database file, and the
 * plausibility rules for a b-tree page header ({@link BtreePageHeader}) when that string is gone.
 *
 * <p>Three questions are asked of page headers, and each has its own rule because each is asked of different bytes
 * and pays differently for a wrong answer:
 * <ul>
 * <li><b>Is this header-less file a database?</b> ({@link #looksLikeHeaderlessDatabase}, rule
 *     {@link #fitsPage}): the file is a multiple of the page size and the question is asked of the first pages only,
 *     where a freshly created table or index is often an empty leaf; an empty page therefore counts as plausible,
 *     and the majority vote over several pages carries the weight against false positives.</li>
 * <li><b>Which page size does this database use?</b> (rule {@link #holdsCells}, for page-size inference when the
 *     header is destroyed): every candidate size is scored by how many pages at its boundaries look like b-tree
 *     pages, so only evidence that distinguishes sizes counts: a page with at least one cell whose first freeblock
 *     lies inside the candidate page.</li>
 * <li><b>Is this 512-byte-aligned offset of a raw image the start of a lone b-tree page?</b> (rules
 *     {@link #isLonePageCandidate}, {@link #largestCellPointer} and {@link #lonePageFits}): nothing is known, not
 *     even the page size, and every sector of a disk is asked, so the rule is strict: at least one cell, every cell
 *     pointer and the first freeblock inside the cell content area, and a page size is accepted only if it holds
 *     all of them (the carver then validates the whole page).</li>
 * </ul>
 * All three share one core rule, {@link #hasPlausibleLayout}: at most 60 fragmented bytes and a cell content area
 * that starts after the cell pointer array.
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#the_database_header">fileformat2: the database header</a>
 * @see <a href="https://www.sqlite.org/fileformat2.html#b_tree_pages">fileformat2: b-tree pages</a>
 */
public final class SqliteSignature {
    /** Bytes of the header string {@code "SQLite format 3\0"} at offset 0 of every database file. */
    public static final int MAGIC_LENGTH = 16;
    /** Smallest page size SQLite supports. */
    public static final int MIN_PAGE_SIZE = 512;
    /** Largest page size SQLite supports. */
    public static final int MAX_PAGE_SIZE = 65536;
    /** Most fragmented free bytes a page may hold: SQLite defragments a page before it reaches more. */
    public static final int MAX_FRAGMENTED_BYTES = 60;
    /** How far into a header-less file {@link #looksLikeHeaderlessDatabase} looks. */
    public static final int HEADERLESS_WINDOW = 1 << 20;
    /** How many pages after the first {@link #looksLikeHeaderlessDatabase} tests per candidate page size. */
    public static final int HEADERLESS_PAGES = 16;
    /** Bytes to read at a page start so that {@link BtreePageHeader#parse} sees a whole header of any type. */
    public static final int PAGE_HEADER_BYTES = 12;

    private SqliteSignature() {
    }

    /** True when {@code header} starts with the 16-byte SQLite header string. */
    public static boolean matches(byte[] header) {
        if (header.length < MAGIC_LENGTH) {
            return false;
        }
        for (int i = 0; i < MAGIC_LENGTH; i++) {
            if (header[i] != DatabaseHeader.MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A database whose header was destroyed: true if, for some page size P that divides the file size into at least
     * two pages, at least three quarters of pages 2..{@value #HEADERLESS_PAGES}+1 (those lying wholly within the first
     * {@value #HEADERLESS_WINDOW} bytes, at least two of them) start with a header that {@link #fitsPage fits} P.
     * Reads only those page headers (at most {@value #PAGE_HEADER_BYTES} bytes each).
     */
    public static boolean looksLikeHeaderlessDatabase(ByteSource file) {
        long size = file.size();
        long window = Math.min(size, HEADERLESS_WINDOW);
        for (int ps = MIN_PAGE_SIZE; ps <= MAX_PAGE_SIZE; ps <<= 1) {
            if (size % ps != 0 || size / ps < 2) {
                continue;
            }
            int checked = 0;
            int plausible = 0;
            for (int page = 1; page <= HEADERLESS_PAGES && (long) (page + 1) * ps <= window; page++) {
                checked++;
                BtreePageHeader h = BtreePageHeader.parse(file.read((long) page * ps, PAGE_HEADER_BYTES), 0);
                if (h != null && fitsPage(h, ps)) {
                    plausible++;
                }
            }
            if (checked >= 2 && plausible * 4 >= checked * 3) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rule every caller shares: at most {@value #MAX_FRAGMENTED_BYTES} fragmented bytes, and the cell content
     * area starts at or after the end of the cell pointer array.
     */
    public static boolean hasPlausibleLayout(BtreePageHeader h) {
        return h.fragmentedBytes() <= MAX_FRAGMENTED_BYTES && h.contentStart() >= h.cellPointerArrayEnd();
    }

    /**
     * Header-less detection: the header is {@link #hasPlausibleLayout plausible} and its cell content area starts
     * inside a page of {@code pageSize} bytes. Empty pages (no cells) pass.
     */
    public static boolean fitsPage(BtreePageHeader h, int pageSize) {
        return hasPlausibleLayout(h) && h.contentStart() <= pageSize;
    }

    /**
     * Page-size inference: the header {@link #fitsPage fits} a page of {@code pageSize} bytes, has at least one
     * cell, and its first freeblock (0 = none) lies before {@code pageSize}.
     */
    public static boolean holdsCells(BtreePageHeader h, int pageSize) {
        return fitsPage(h, pageSize) && h.cellCount() > 0 && h.firstFreeblock() < pageSize;
    }

    /**
     * Carving, before the page size is known: the header is {@link #hasPlausibleLayout plausible}, has at least one
     * cell, its cell pointer array ends within the {@code room} bytes left in the image, and its first freeblock, if
     * any, lies in the cell content area.
     */
    public static boolean isLonePageCandidate(BtreePageHeader h, long room) {
        return hasPlausibleLayout(h) && h.cellCount() > 0 && h.cellPointerArrayEnd() <= room
                && (h.firstFreeblock() == 0 || h.firstFreeblock() >= h.contentStart());
    }

    /**
     * Carving: the largest of the {@code count} big-endian cell pointers at {@code pointers[off..]}, or -1 if one
     * of them points before the cell content area of {@code h}.
     */
    public static int largestCellPointer(BtreePageHeader h, byte[] pointers, int off, int count) {
        int max = 0;
        for (int k = 0; k < count; k++) {
            int ptr = DatabaseHeader.u16(pointers, off + 2 * k);
            if (ptr < h.contentStart()) {
                return -1;
            }
            max = Math.max(max, ptr);
        }
        return max;
    }

    /**
     * Carving: a page of {@code pageSize} bytes holds the header's cell content area, its first freeblock and its
     * largest cell pointer ({@link #largestCellPointer}).
     */
    public static boolean lonePageFits(BtreePageHeader h, int largestPointer, int pageSize) {
        return pageSize > largestPointer && pageSize >= h.contentStart() && h.firstFreeblock() < pageSize;
    }
}
