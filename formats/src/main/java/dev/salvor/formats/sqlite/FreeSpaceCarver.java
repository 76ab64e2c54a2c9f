package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Carves deleted cells out of a free region of a b-tree page (a freeblock or the unallocated gap) for one known
 * table.
 *
 * <p>Two techniques:
 * <ul>
 * <li><b>Intact cells</b>: at every offset, try to read a complete cell (payload-size varint, rowid varint, record
 * header, values); accept it only if the record is exactly consistent (header + body == payload size), every text
 * decodes strictly in the database encoding without control characters, the cell fits in the region, any overflow
 * chain is complete, and the serial types match the table's shape ({@link TableInfo#matches}).</li>
 * <li><b>Header reconstruction</b> at a freeblock start, whose first 4 bytes were overwritten by the freeblock
 * header (next offset, size): the payload-size and rowid varints and the record-header size are lost, and when both
 * varints are one byte, so is the first serial type. For each hypothesis of where the serial types start
 * (4..12 bytes into the block; 3 with the first type lost), the remaining types are read, the header size and
 * payload size recomputed and checked (the header-size byte when it survived, the payload-size varint length against
 * the bytes available), the first type is taken from the rowid alias (always NULL) or from the size the freeblock
 * leaves for it; the record must then decode strictly and match the shape. The rowid is lost (reported as
 * {@code null}; the alias column is marked unknown).</li>
 * </ul>
 * Resynchronisation: after an accepted cell the scan continues at its end; otherwise one byte later.
 */
final class FreeSpaceCarver {
    /**
     * A carved cell: offsets within the page, rowid (null when lost), record, unknown stored-column indexes, and
     * where its payload (record header) starts in the page.
     */
    record Carved(int offset, int end, Long rowid, Record record, List<Integer> unknown, int payloadStart) {
    }

    private final SqliteDatabase db;
    private final TextEncoding enc;
    private final int usable;
    private final boolean formatFour;

    private final java.util.function.LongPredicate inUse;

    /** {@code inUse}: pages owned by live structures (b-tree or live overflow pages), never part of a deleted row. */
    FreeSpaceCarver(SqliteDatabase db, java.util.function.LongPredicate inUse) {
        this.db = db;
        this.inUse = inUse;
        this.enc = db.encoding();
        this.usable = db.usableSize();
        this.formatFour = db.header().schemaFormat() >= 4;
    }

    /**
     * Starts the work on one page version: what the carver remembers of the previous page (its live cells' serial
     * types, read once per page and table for the lost-type checks, see {@link #pageCells}) is forgotten. Every
     * caller calls it before the first {@link #carve} or {@link #intactAt} of a page, so that a page array whose
     * bytes a reader refilled is never mistaken for the page before.
     */
    void enterPage() {
        cellsPage = null;
        cells = null;
    }

    /**
     * Carves {@code page[start, end)}; {@code headerLost} when start is a freeblock start. The regions of one page
     * share what {@link #enterPage} resets: the page's own cells are decoded once per page, not once per region
     * (a leaf page with every 7th row deleted has dozens of freeblocks).
     */
    List<Carved> carve(byte[] page, int start, int end, boolean headerLost, TableInfo t, boolean tableLeaf) {
        List<Carved> out = new ArrayList<>();
        end = Math.min(end, usable);
        int p = start;
        // Cells freed one by one and coalesced into one freeblock each lost their first 4 bytes (each got a
        // freeblock header when freed), so the position right after a carved cell is tried with header
        // reconstruction too; when that fails, an intact cell is tried there, then the scan moves on byte by byte.
        boolean lost = headerLost;
        // Starts of cells whose header is lost but whose end is not known yet (see below), earliest first.
        int[] pending = new int[MAX_PENDING];
        int pendingCount = 0;
        // Serial types of the intact cells carved in this region so far: neighbours that settle which reading
        // of a rebuilt cell's lost types is right when its size allows two (see reconstruct).
        List<long[]> neighbours = new ArrayList<>();
        // An interior page's gap mixes old leaf content with interior cells (4-byte child pointer, rowid), which
        // read as freeblock headers (next 0, size = child page): no stale headers are looked for there.
        boolean stale = !interiorPage(page);
        while (p + 3 <= end) {
            Carved c = null;
            // A stale freeblock header: cells freed one after another were merged into one freeblock, then the
            // freeblock merged into a bigger one or into the unallocated gap (a freed cell at the content start
            // moves the gap's end past it), leaving the inner freeblock's 4-byte header (next offset, size) in
            // place. Where one plausibly sits, the cell under it is rebuilt within the size it states.
            int staleEnd = lost || !stale ? -1 : staleBlockEnd(page, p, end);
            if ((lost && end - p >= 6) || staleEnd > 0) {
                c = reconstruct(page, p, staleEnd > 0 ? staleEnd : end, t, tableLeaf, neighbours);
                if (c == null && pendingCount < MAX_PENDING && (pendingCount == 0 || pending[pendingCount - 1] < p)) {
                    pending[pendingCount++] = p;
                }
            }
            // A stale freeblock header whose size runs past the region: the block reached into bytes that live
            // cells took since (a page rebuilt after a delete keeps the freed head in its gap). A cell rebuilt
            // under it must end inside the region, and none of its serial types may be inferred from a size.
            if (c == null && staleEnd < 0 && stale && !lost && staleOverrun(page, p, end)) {
                boolean[] inferred = new boolean[1];
                Carved o = reconstruct(page, p, end, 0, t, tableLeaf, inferred);
                c = o != null && !inferred[0] ? o : tableLeaf ? overwrittenTail(page, p, end, t) : null;
            }
            if (c == null && headerLost && p == start && tableLeaf) {
                c = overwrittenTail(page, start, end, t);
            }
            if (c == null && !(lost && p == start)) {
                c = intact(page, p, end, t, tableLeaf);
                if (c != null && neighbours.size() < MAX_NEIGHBOURS) {
                    neighbours.add(c.record().serialTypes());
                }
            }
            if (c != null) {
                // Anchored rebuild. A freeblock (or stale freeblock) that merged several freed cells is longer than
                // its first cell, so that cell's lost serial type cannot be inferred from the block's size. The
                // next cell found (intact, or rebuilt under its own stale header) marks where it ended: the lost
                // cell is rebuilt to fill exactly the bytes up to it (same checks and slack ambiguity rule as a
                // freeblock of that size). Several such cells in a row (each under a stale header) are rebuilt as
                // a chain: from the earliest pending start, each cell ends at the nearest later pending start (or
                // the cell found) at which it rebuilds exactly.
                resolvePending(page, pending, pendingCount, c.offset(), t, tableLeaf, neighbours, out);
                pendingCount = 0;
                // Overwritten tails (unallocated gap only). The gap holds cells of several older layouts of the
                // page: a cell written later may start inside an older one and overwrite its tail (SQLite also
                // hands out new cells from the tail of a freeblock). When an intact cell of the same table starts
                // inside the cell just carved, the bytes from its start on are not the older cell's: those
                // columns become unknown (never values read from another cell), and the scan resumes at the
                // younger cell, which is carved in its turn.
                int younger = headerLost ? -1 : youngerCellInside(page, c, end, t, tableLeaf, stale);
                if (younger >= 0) {
                    c = truncateAt(c, younger);
                }
                if (c != null) {
                    out.add(c);
                }
                if (younger >= 0) {
                    p = younger;
                    lost = false;
                    continue;
                }
                p = c.end();
                lost = true;
            } else {
                p += lost && p == start ? 4 : 1;
                lost = false;
            }
        }
        return out;
    }

    /** Rebuilds the chain of lost-header cells starting at {@code pending[0..count)} and ending at {@code anchor}. */
    private void resolvePending(byte[] page, int[] pending, int count, int anchor, TableInfo t, boolean tableLeaf,
                                List<long[]> neighbours, List<Carved> out) {
        int i = 0;
        while (i < count && pending[i] < anchor) {
            int next = i + 1;
            for (int j = i + 1; j <= count; j++) {
                int to = j < count ? Math.min(pending[j], anchor) : anchor;
                if (to <= pending[i]) {
                    continue;
                }
                Carved before = reconstruct(page, pending[i], to, t, tableLeaf, neighbours);
                if (before != null && before.end() == to) {
                    out.add(before);
                    next = j;
                    break;
                }
                if (to == anchor) {
                    break;
                }
            }
            i = next;
        }
    }

    /**
     * Whether a rebuilt record holds at least one byte of known content: a record of NULLs, empty strings and the
     * constants 0 and 1 carries no evidence of a row (4-byte interior cells and stale pointers read as such).
     */
    private static boolean hasContent(long[] types, List<Integer> unknown) {
        for (int i = 0; i < types.length; i++) {
            if (SerialType.contentSize(types[i]) > 0 && !unknown.contains(i)) {
                return true;
            }
        }
        return false;
    }

    /** Pending lost-header cell starts kept per region (bounds the work of the anchored rebuild). */
    private static final int MAX_PENDING = 8;
    /** Neighbour cells kept per region for the lost-type vote. */
    private static final int MAX_NEIGHBOURS = 64;

    /**
     * The end of the freeblock whose stale 4-byte header plausibly sits at {@code p} (next offset 0 or past the
     * block, size at least a minimal cell, block inside the region), or -1.
     */
    private int staleBlockEnd(byte[] page, int p, int end) {
        if (p + 4 > end) {
            return -1;
        }
        int next = DatabaseHeader.u16(page, p);
        int size = DatabaseHeader.u16(page, p + 2);
        if (size < 7 || p + size > end || (next != 0 && (next < p + size || next >= usable))) {
            return -1;
        }
        return p + size;
    }

    /** A plausible freeblock header at {@code p} (see {@link #staleBlockEnd}) whose block ends past {@code end}. */
    private boolean staleOverrun(byte[] page, int p, int end) {
        if (p + 4 > end) {
            return false;
        }
        int next = DatabaseHeader.u16(page, p);
        int size = DatabaseHeader.u16(page, p + 2);
        return size >= 7 && p + size > end && p + size <= usable
                && (next == 0 || (next >= p + size && next < usable));
    }

    /**
     * The first offset inside {@code c} (after its start) where an intact cell of {@code t} starts, or (when
     * {@code stale}) a cell rebuilt under a stale freeblock header: that cell was freed after {@code c} was
     * overwritten by it; -1 if none.
     */
    private int youngerCellInside(byte[] page, Carved c, int end, TableInfo t, boolean tableLeaf, boolean stale) {
        for (int q = c.offset() + 1; q < c.end() && q + 3 <= end; q++) {
            if (intact(page, q, end, t, tableLeaf) != null) {
                return q;
            }
            int se = stale ? staleBlockEnd(page, q, end) : -1;
            if (se > 0 && reconstruct(page, q, se, t, tableLeaf, List.of()) != null) {
                return q;
            }
        }
        return -1;
    }

    /**
     * A freed cell whose tail a newer cell overwrote. SQLite allocates a new cell from the end of a freeblock and
     * leaves the freeblock's head, with its size reduced, in place; so a freeblock that starts a freed cell may
     * end where a live cell now begins, before the freed cell did. What the record format proves of such a cell
     * is rebuilt, and nothing more:
     * <ul>
     * <li>the freeblock header overwrote the cell's first 4 bytes (payload size and rowid varints, and the
     * header-size byte when they took 3): only readings in which every serial type lies after them are tried,
     * so no type is inferred;</li>
     * <li>the table's column count of serial types is read after the header-size position; the header size they
     * make must agree with the surviving header-size byte (when it survived), the payload size they make must
     * need varints that fit the 4 lost bytes with the rowid, and they must match the table's shape;</li>
     * <li>the freeblock must end exactly where a live cell of the page starts (its cell pointer array says so)
     * and before the rebuilt cell would: the bytes from there on are the newer cell's;</li>
     * <li>the columns whose bytes all lie in the freeblock are decoded strictly ({@link Record#decodeKnown}); the
     * others are unknown (never read from the newer cell), as is the rowid;</li>
     * <li>exactly one reading passes, and it holds a known value that is not NULL.</li>
     * </ul>
     */
    private Carved overwrittenTail(byte[] page, int start, int end, TableInfo t) {
        if (t.withoutRowid || end - start < 6 || !liveCellAt(page, end)) {
            return null;
        }
        int n = t.columns;
        Carved found = null;
        for (int hs = start + 3; hs <= start + 13 && hs + 1 < end; hs++) {
            try {
                long[] types = new long[n];
                int q = hs + 1;
                long body = 0;
                for (int i = 0; i < n; i++) {
                    long ty = SqliteVarint.read(page, q, end);
                    q += SqliteVarint.length(page, q, end);
                    long sz = SerialType.contentSize(ty);
                    if (sz < 0 || sz > db.limits().maxRecordBytes()) {
                        throw new Malformed(dev.salvor.formats.core.DamageKind.BAD_RECORD, q, "reserved type");
                    }
                    types[i] = ty;
                    body += sz;
                }
                long h = q - hs;
                if (h > 127 || (hs >= start + 4 && (page[hs] & 0xff) != h)) {
                    continue; // a 2-byte header size, or the surviving header-size byte disagrees
                }
                long payload = h + body;
                int prefix = hs - start;
                int lp = SqliteVarint.sizeOf(payload);
                if (prefix < lp + 1 || prefix > lp + 9 || !t.matches(types, true)) {
                    continue;
                }
                int local = Cell.localSize(payload, usable, true);
                long cellEnd = (long) hs + local + (local < payload ? 4 : 0);
                if (cellEnd <= end) {
                    continue; // it fits: not a cell whose tail was overwritten
                }
                byte[] known = Arrays.copyOfRange(page, hs, end);
                known[0] = (byte) h;
                Record r = Record.decodeKnown(known, 0, known.length, payload, enc);
                List<Integer> unknown = new ArrayList<>(r.unknown());
                if (t.ipk >= 0 && !unknown.contains(t.ipk)) {
                    unknown.add(t.ipk);
                }
                java.util.Collections.sort(unknown);
                if (!plausible(r, t) || !hasContent(types, unknown)) {
                    continue;
                }
                if (found != null) {
                    return null; // two readings: neither is proven
                }
                found = new Carved(start, end, null, r, unknown, hs);
            } catch (Malformed m) {
                // this reading is not a record
            }
        }
        return found;
    }

    /** Whether a cell of the page's cell pointer array starts at {@code offset}. */
    private boolean liveCellAt(byte[] page, int offset) {
        int hdr = page.length > 100 && page[0] == 'S' && page[1] == 'Q' ? 100 : 0;
        if (page.length < hdr + 8) {
            return false;
        }
        int type = page[hdr] & 0xff;
        int ptrs = hdr + (type == 2 || type == 5 ? 12 : 8);
        int cells = DatabaseHeader.u16(page, hdr + 3);
        for (int i = 0; i < cells && ptrs + 2 * i + 2 <= usable; i++) {
            if (DatabaseHeader.u16(page, ptrs + 2 * i) == offset) {
                return true;
            }
        }
        return false;
    }

    /** Whether the page's b-tree header (at 100 on page 1) says interior page. */
    private static boolean interiorPage(byte[] page) {
        int type = page.length > 100 && page[0] == 'S' && page[1] == 'Q' ? page[100] : page.length > 0 ? page[0] : 0;
        return type == 2 || type == 5;
    }

    /**
     * {@code c} with every column whose content reaches byte {@code cut} of the page (or lies beyond it: overflow
     * data hangs off a pointer at the end of the local part) marked unknown and nulled; null when the record
     * header itself is overwritten or no non-NULL value survives.
     */
    private static Carved truncateAt(Carved c, int cut) {
        Record r = c.record();
        long rel = (long) cut - c.payloadStart();
        if (rel < r.headerSize()) {
            return null;
        }
        long[] types = r.serialTypes();
        List<Object> values = new ArrayList<>(r.values());
        List<Integer> unknown = new ArrayList<>(c.unknown());
        long off = r.headerSize();
        boolean any = false;
        for (int i = 0; i < types.length; i++) {
            long size = SerialType.contentSize(types[i]);
            if (size > 0 && off + size > rel) {
                values.set(i, null);
                if (!unknown.contains(i)) {
                    unknown.add(i);
                }
            } else if (!unknown.contains(i)) {
                any |= values.get(i) != null;
            }
            off += size;
        }
        if (!any) {
            return null;
        }
        Record kept = new Record(types, java.util.Collections.unmodifiableList(values), r.headerSize(), r.bodySize(),
                java.util.Collections.unmodifiableList(new ArrayList<>(unknown)));
        return new Carved(c.offset(), cut, c.rowid(), kept, unknown, c.payloadStart());
    }

    /** An intact cell of table {@code t} starting exactly at {@code p} and ending by {@code end}, or null. */
    Carved intactAt(byte[] page, int p, int end, TableInfo t, boolean tableLeaf) {
        return intact(page, p, Math.min(end, usable), t, tableLeaf);
    }

    private Carved intact(byte[] page, int p, int end, TableInfo t, boolean tableLeaf) {
        try {
            long payload = SqliteVarint.read(page, p, end);
            int q = p + SqliteVarint.length(page, p, end);
            if (payload < 2 || payload > db.limits().maxRecordBytes()) {
                return null;
            }
            Long rowid = null;
            if (tableLeaf) {
                rowid = SqliteVarint.read(page, q, end);
                q += SqliteVarint.length(page, q, end);
            }
            int local = Cell.localSize(payload, usable, tableLeaf);
            int cellEnd = q + local + (local < payload ? 4 : 0);
            if (cellEnd > end) {
                return null;
            }
            // quick header check before assembling anything
            long h = SqliteVarint.read(page, q, end);
            if (h < 2 || h > Math.min(payload, local)) {
                return null;
            }
            // The table's shape from the header alone, before any overflow is assembled or value decoded: most
            // offsets tried in free space (every byte of a gap) stop here. (A header the lenient reading refuses,
            // the strict decode below refuses too.)
            long[] shape = strictShape(page, q, (int) h, payload);
            if (shape == null || !t.matches(shape, false)) {
                return null;
            }
            Record r;
            if (local < payload) {
                byte[] localBytes = new byte[local];
                System.arraycopy(page, q, localBytes, 0, local);
                r = spilled(localBytes, payload, DatabaseHeader.u32(page, q + local));
            } else {
                r = Record.decode(page, q, local, payload, enc, true); // all local: decoded where it lies
            }
            if (r == null || !t.matches(r.serialTypes(), false) || !plausible(r, t)) {
                return null;
            }
            return new Carved(p, cellEnd, rowid, r, r.unknown(), q);
        } catch (Malformed m) {
            return null;
        }
    }

    /**
     * The serial types of the record header of {@code h} bytes at {@code b[q]} if it is well formed and its body
     * fills {@code payload} exactly (what the strict {@link Record#decode} requires), else null. No exception and
     * no message is built: this runs at every byte offset of free space, where nearly every offset fails; it never
     * refuses a header the strict decode accepts.
     */
    static long[] strictShape(byte[] b, int q, int h, long payload) {
        int hEnd = q + h;
        if (h < 1 || hEnd > b.length) {
            return null;
        }
        int p = q;
        while (p < hEnd && (b[p] & 0x80) != 0 && p - q < 8) {
            p++; // the header-size varint itself
        }
        p++;
        long body = 0;
        long[] types = new long[8];
        int n = 0;
        while (p < hEnd) {
            long t = 0;
            int i = 0;
            for (; i < 8; i++) {
                if (p + i >= hEnd) {
                    return null;
                }
                int x = b[p + i] & 0xff;
                t = (t << 7) | (x & 0x7f);
                if ((x & 0x80) == 0) {
                    break;
                }
            }
            if (i == 8) {
                if (p + 8 >= hEnd) {
                    return null;
                }
                t = (t << 8) | (b[p + 8] & 0xff);
            }
            p += i + 1;
            long size = SerialType.contentSize(t);
            if (size < 0) {
                return null;
            }
            body += size;
            if (body > payload) {
                return null;
            }
            if (n == types.length) {
                types = Arrays.copyOf(types, n * 2);
            }
            types[n++] = t;
        }
        if (p != hEnd || h + body != payload) {
            return null;
        }
        return Arrays.copyOf(types, n);
    }

    /**
     * Rebuilds a cell whose first 4 bytes were overwritten. Table leaf cells: payload-size and rowid varints, the
     * header-size byte and at most the first serial type are lost. Index cells (WITHOUT ROWID tables): payload size,
     * header size and up to two serial types. A lost type is NULL for the rowid alias; otherwise the cell must fill
     * the region exactly and the lost types are derived from the bytes left for them, accepting only a unique
     * split into content sizes seen in that column's live rows.
     */
    private Carved reconstruct(byte[] page, int start, int end, TableInfo t, boolean tableLeaf,
                               List<long[]> neighbours) {
        boolean[] inferred = new boolean[1];
        Carved c = reconstruct(page, start, end, 0, t, tableLeaf, inferred);
        if (c == null || !inferred[0]) {
            return c;
        }
        // Lost types inferred from the size also assume that nothing was cut from the cell's end. SQLite hands
        // out new cells from the tail of a freeblock and then shortens it, so a freeblock can be a freed cell's
        // head whose tail is now a live cell: the size then yields lost types of the wrong sizes (a shorter text,
        // a smaller integer) and values read from misaligned bytes. Where the page or the region has intact cells
        // of the table, each inferred type must be one of theirs (rows of one page share their kinds of values:
        // the same key prefix, integers of the same width); without any neighbour the size alone decides.
        int lostTypes = Math.max(0, start + 3 - c.payloadStart());
        if (lostTypes > 0) {
            List<long[]> all = new ArrayList<>(neighbours);
            all.addAll(pageCells(page, t, tableLeaf));
            if (!all.isEmpty() && !typesSeen(c.record().serialTypes(), lostTypes, all)) {
                return null;
            }
        }
        if (end >= usable) {
            return c; // a freeblock reaching the end of the page has no fragment bytes after its last cell
        }
        // Lost serial types inferred from the freeblock's size assume the freeblock is exactly the cell. It need
        // not be: SQLite merges up to 3 fragment bytes into a freeblock when it coalesces it with a neighbour, so
        // the freed cell may end 1-3 bytes before the freeblock does. If the cell read with such slack is also a
        // valid record, but a different one, the sizes do not decide the split: nothing is emitted. (Fragment
        // bytes lie between a freed cell and the freeblock it was merged with, so never at the page's end.)
        for (int k = 1; k <= 3; k++) {
            boolean[] alsoInferred = new boolean[1];
            Carved other = reconstruct(page, start, end, k, t, tableLeaf, alsoInferred);
            if (other != null && alsoInferred[0] && !other.record().values().equals(c.record().values())
                    && !better(c, other, neighbours, page, t, tableLeaf)) {
                return null;
            }
        }
        return c;
    }

    /** Whether each of the first {@code count} types occurs at its column in some neighbour. */
    private static boolean typesSeen(long[] types, int count, List<long[]> neighbours) {
        for (int i = 0; i < count && i < types.length; i++) {
            boolean seen = false;
            for (long[] nb : neighbours) {
                if (i < nb.length && nb[i] == types[i]) {
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether reading {@code c} agrees better than {@code rival} with the neighbour cells: first the intact cells
     * carved from the same region, then, when they do not decide, also the page's own (live) cells.
     */
    private boolean better(Carved c, Carved rival, List<long[]> neighbours, byte[] page, TableInfo t,
                           boolean tableLeaf) {
        int a = agreement(c, rival, neighbours);
        int b = agreement(rival, c, neighbours);
        if (a != b) {
            return a > b;
        }
        List<long[]> all = new ArrayList<>(neighbours);
        all.addAll(pageCells(page, t, tableLeaf));
        return agreement(c, rival, all) > agreement(rival, c, all);
    }

    /**
     * Serial types of the cells the page's own cell pointer array points to that read as intact cells of
     * {@code t} (at most {@link #MAX_NEIGHBOURS}); empty when the page has no leaf header of that kind.
     */
    /** The last {@link #pageCells} result and its arguments (valid until the next {@link #enterPage}). */
    private byte[] cellsPage;
    private TableInfo cellsTable;
    private boolean cellsLeaf;
    private List<long[]> cells;

    private List<long[]> pageCells(byte[] page, TableInfo t, boolean tableLeaf) {
        if (page == cellsPage && t == cellsTable && tableLeaf == cellsLeaf) {
            return cells;
        }
        cells = readPageCells(page, t, tableLeaf);
        cellsPage = page;
        cellsTable = t;
        cellsLeaf = tableLeaf;
        return cells;
    }

    private List<long[]> readPageCells(byte[] page, TableInfo t, boolean tableLeaf) {
        int hdr = page.length > 100 && page[0] == 'S' && page[1] == 'Q' ? 100 : 0;
        List<long[]> out = new ArrayList<>();
        if (page.length < hdr + 8 || page[hdr] != (tableLeaf ? 0x0d : 0x0a)) {
            return out;
        }
        int n = DatabaseHeader.u16(page, hdr + 3);
        int ptrs = hdr + 8;
        for (int i = 0; i < n && out.size() < MAX_NEIGHBOURS && ptrs + 2 * i + 2 <= usable; i++) {
            int at = DatabaseHeader.u16(page, ptrs + 2 * i);
            if (at < ptrs + 2 * n || at >= usable) {
                continue;
            }
            Carved c = intact(page, at, usable, t, tableLeaf);
            if (c != null) {
                out.add(c.record().serialTypes());
            }
        }
        return out;
    }

    /**
     * How well the serial types of a rebuilt cell agree with its intact neighbours (cells of the same table carved
     * from the same region: rows written together have the same kinds of values), over the columns where its type
     * differs from the rival reading's: 2 when each such type was seen in some neighbour, 1 when each storage
     * class was, 0 otherwise or without neighbours. Two readings of one freeblock differ only in their lost
     * (inferred) types, so the reading that agrees better is the one the neighbours support; a tie stays
     * ambiguous.
     */
    private static int agreement(Carved c, Carved rival, List<long[]> neighbours) {
        if (neighbours.isEmpty()) {
            return 0;
        }
        long[] types = c.record().serialTypes();
        long[] rivalTypes = rival.record().serialTypes();
        int level = 2;
        for (int i = 0; i < types.length && level > 0; i++) {
            if (i < rivalTypes.length && rivalTypes[i] == types[i]) {
                continue;
            }
            boolean exact = false;
            boolean sameClass = false;
            for (long[] nb : neighbours) {
                if (i < nb.length) {
                    exact |= nb[i] == types[i];
                    sameClass |= TableInfo.classBit(nb[i]) == TableInfo.classBit(types[i]);
                }
            }
            level = Math.min(level, exact ? 2 : sameClass ? 1 : 0);
        }
        return level;
    }

    /**
     * One reconstruction pass: with {@code slack} 0, as described above; with {@code slack} k > 0, only hypotheses
     * whose lost types are inferred from the size, for a cell ending k bytes before {@code end}.
     * {@code inferred[0]} tells whether the returned cell's lost types were inferred from its size.
     */
    private Carved reconstruct(byte[] page, int start, int end, int slack, TableInfo t, boolean tableLeaf,
                               boolean[] inferred) {
        int fitEnd = end - slack;
        int n = t.columns;
        Carved best = null;
        int sMin = start + (tableLeaf ? 3 : 2);
        int sMax = start + (tableLeaf ? 13 : 5);
        for (int s = sMin; s <= sMax && s < end; s++) {
            try {
                int lost = Math.max(0, start + 4 - s);
                if (lost > n) {
                    continue;
                }
                long[] types = new long[n];
                int q = s + lost;
                long restBody = 0;
                for (int i = lost; i < n; i++) {
                    long ty = SqliteVarint.read(page, q, end);
                    q += SqliteVarint.length(page, q, end);
                    long sz = SerialType.contentSize(ty);
                    if (sz < 0 || sz > db.limits().maxRecordBytes()) {
                        throw new Malformed(dev.salvor.formats.core.DamageKind.BAD_RECORD, q, "reserved type");
                    }
                    types[i] = ty;
                    restBody += sz;
                }
                int typesLen = q - s; // lost types count as one byte each
                List<Integer> unknownStored = new ArrayList<>();
                boolean aliasKnown = tableLeaf && lost == 1 && t.ipk == 0;
                if (aliasKnown) {
                    types[0] = 0;
                } else if (lost > 0) {
                    long lostBody = fitEnd - (long) q - restBody;
                    if (!inferLost(types, lost, lostBody, t, unknownStored)) {
                        continue;
                    }
                }
                long h = 1 + typesLen;
                if (h > 127) {
                    continue;
                }
                boolean hVerified = s - 1 >= start + 4;
                if (hVerified && (page[s - 1] & 0xff) != h) {
                    continue; // the header-size byte survived and disagrees
                }
                long body = restBody;
                for (int i = 0; i < lost; i++) {
                    body += SerialType.contentSize(types[i]);
                }
                long payload = h + body;
                int prefix = s - 1 - start; // bytes of the payload-size (and rowid) varints
                int lp = SqliteVarint.sizeOf(payload);
                if (tableLeaf ? prefix < lp + 1 || prefix > lp + 9 : prefix != lp) {
                    continue;
                }
                int local = Cell.localSize(payload, usable, tableLeaf);
                int cellEnd = s - 1 + local + (local < payload ? 4 : 0);
                boolean sizeInferred = lost > 0 && !aliasKnown;
                if (cellEnd > end || (sizeInferred && cellEnd != fitEnd) || (slack > 0 && !sizeInferred)) {
                    continue;
                }
                // rebuild the payload: header-size byte, lost serial types re-encoded, the rest as found
                byte[] localBytes = new byte[local];
                System.arraycopy(page, s - 1, localBytes, 0, local);
                localBytes[0] = (byte) h;
                for (int i = 0; i < lost; i++) {
                    localBytes[1 + i] = (byte) types[i];
                }
                Record r = local < payload ? spilled(localBytes, payload, DatabaseHeader.u32(page, s - 1 + local))
                        : Record.decode(localBytes, 0, local, payload, enc, true);
                if (r == null || r.serialTypes().length != n || !t.matches(r.serialTypes(), true) || !plausible(r, t)
                        || !hasContent(r.serialTypes(), unknownStored)) {
                    continue;
                }
                for (int i : r.unknown()) {
                    if (!unknownStored.contains(i)) {
                        unknownStored.add(i);
                    }
                }
                java.util.Collections.sort(unknownStored);
                if (tableLeaf && t.ipk >= 0 && !unknownStored.contains(t.ipk)) {
                    unknownStored.add(t.ipk);
                }
                Carved c = new Carved(start, cellEnd, null, r, unknownStored, s - 1);
                if (cellEnd == fitEnd) {
                    inferred[0] = sizeInferred;
                    return c; // exact fit: the freeblock is exactly this cell
                }
                if (best == null && (hVerified || aliasKnown)) {
                    // header-size byte verified, or every type known (the alias is always NULL): the block
                    // also holds other freed bytes
                    best = c;
                }
            } catch (Malformed m) {
                // hypothesis rejected
            }
        }
        return best;
    }

    /**
     * Chooses serial types for the {@code lost} leading stored columns whose contents take {@code lostBody} bytes
     * together. One lost column: its type follows from the size. Two: every split into sizes seen in live rows is
     * tried; only a unique one is accepted. Returns false when no (or no unique) assignment exists.
     */
    private static boolean inferLost(long[] types, int lost, long lostBody, TableInfo t, List<Integer> unknown) {
        if (lostBody < 0) {
            return false;
        }
        if (lost == 1) {
            long ty = typeForSize(lostBody, t, 0);
            if (ty < 0 || (t.liveRows > 0 && (t.sizesSeen[0] & (1L << Math.min(lostBody, 63))) == 0)) {
                return false;
            }
            types[0] = ty;
            if (lostBody == 0) {
                unknown.add(0); // NULL, 0 or 1: the size does not tell
            }
            return true;
        }
        if (lost != 2 || t.liveRows == 0) {
            return false;
        }
        long found0 = -1;
        long found1 = -1;
        for (int size1 = 0; size1 < 64 && size1 <= lostBody; size1++) {
            long size0 = lostBody - size1;
            if ((t.sizesSeen[1] & (1L << size1)) == 0 || size0 >= 64 || (t.sizesSeen[0] & (1L << size0)) == 0) {
                continue;
            }
            long t0 = typeForSize(size0, t, 0);
            long t1 = typeForSize(size1, t, 1);
            if (t0 < 0 || t1 < 0) {
                continue;
            }
            if (found0 >= 0) {
                return false; // two splits fit: ambiguous
            }
            found0 = t0;
            found1 = t1;
        }
        if (found0 < 0) {
            return false;
        }
        types[0] = found0;
        types[1] = found1;
        if (SerialType.contentSize(found0) == 0) {
            unknown.add(0);
        }
        if (SerialType.contentSize(found1) == 0) {
            unknown.add(1);
        }
        return true;
    }

    /** Serial type for a lost first column from its content size and declared affinity; -1 if impossible. */
    private static long typeForSize(long size, TableInfo t, int col) {
        if (size < 0 || size > 57) {
            return -1; // larger content would need a 2-byte serial type, contradicting the hypothesis
        }
        int seen = t.profile[col] & ~1;
        switch ((int) size) {
            case 0: return 0;
            case 1: return (seen & 2) != 0 || seen == 0 ? 1 : textOrBlob(size, seen);
            case 2: return (seen & 2) != 0 || seen == 0 ? 2 : textOrBlob(size, seen);
            case 3: return (seen & 2) != 0 || seen == 0 ? 3 : textOrBlob(size, seen);
            case 4: return (seen & 2) != 0 || seen == 0 ? 4 : textOrBlob(size, seen);
            case 6: return (seen & 2) != 0 || seen == 0 ? 5 : textOrBlob(size, seen);
            case 8:
                if ((seen & 4) != 0 || t.realAffinity[t.storageOrder.get(col)]) {
                    return 7;
                }
                return (seen & 2) != 0 || seen == 0 ? 6 : textOrBlob(size, seen);
            default: return textOrBlob(size, seen);
        }
    }

    private static long textOrBlob(long size, int seen) {
        if ((seen & 16) != 0 && (seen & 8) == 0) {
            return 12 + 2 * size;
        }
        return 13 + 2 * size;
    }

    /**
     * The record of a deleted cell whose payload spills into overflow pages, from its local bytes and the chain
     * from {@code first}. Deleting the row put its overflow pages on the freelist, where they keep their bytes
     * until reused; the chain is followed while its pages are not in use by live structures (a page reused since,
     * or a freelist trunk whose first bytes now hold the freelist's pointers, cuts it: {@link OverflowChain}). A
     * complete chain must end where the payload size says (the last page's next pointer 0): a chain that points
     * on ran into a page rewritten since, and counts as cut before its last page. A cut chain gives the record
     * with only the columns whose bytes all precede the cut ({@link Record#decodeKnown}); the rest are unknown,
     * never guessed. Null when not even the record header is whole, or it does not decode.
     */
    private Record spilled(byte[] localBytes, long payload, long first) {
        if (first < 2 || first > db.pageCount()) {
            return null; // not a page number: these bytes are not the cell they seemed to be
        }
        Cell fake = new Cell(0, 0, 0, 0, payload, 0, localBytes.length, first);
        OverflowChain.Result r = OverflowChain.read(db, localBytes, fake, 0, DamageSink.IGNORE, inUse);
        int available = r.available();
        long[] pages = r.pages();
        if (r.complete() && pages.length > 0) {
            byte[] last = db.page(pages[pages.length - 1]);
            if (last == null || DatabaseHeader.u32(last, 0) != 0) {
                available = (int) Math.min(available, localBytes.length + (long) (pages.length - 1) * (usable - 4));
            }
        }
        try {
            return available >= payload ? Record.decode(r.bytes(), 0, available, payload, enc, true)
                    : Record.decodeKnown(r.bytes(), 0, available, payload, enc);
        } catch (Malformed m) {
            return null;
        }
    }

    /**
     * Carving-only plausibility: text without control characters other than tab, CR, LF; integers in the smallest
     * serial type SQLite would have chosen (it always picks the minimal size, and types 8/9 for 0 and 1 in schema
     * format 4); REAL values the table's live rows make believable ({@link TableInfo#plausibleReal}); at least one
     * non-NULL value.
     */
    boolean plausible(Record r, TableInfo t) {
        long[] types = r.serialTypes();
        for (int i = 0; i < types.length; i++) {
            Object v = r.values().get(i);
            if (v instanceof Long && types[i] >= 1 && types[i] <= 6 && !minimal((Long) v, (int) types[i])) {
                return false;
            }
            if (v instanceof Double && !t.plausibleReal(i, (Double) v)) {
                return false;
            }
        }
        return plausibleText(r);
    }

    private boolean minimal(long v, int type) {
        switch (type) {
            case 1: return !(formatFour && (v == 0 || v == 1));
            case 2: return v < -128 || v > 127;
            case 3: return v < -32768 || v > 32767;
            case 4: return v < -8388608 || v > 8388607;
            case 5: return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE;
            default: return v < -(1L << 47) || v >= (1L << 47);
        }
    }

    static boolean plausibleText(Record r) {
        boolean any = false;
        for (Object v : r.values()) {
            any |= v != null;
            if (v instanceof String) {
                String s = (String) v;
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffd) {
                        return false;
                    }
                }
            }
        }
        return any; // a record of NULLs only carries no evidence
    }
}
