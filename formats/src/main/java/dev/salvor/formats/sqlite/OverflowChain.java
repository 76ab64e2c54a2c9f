package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import java.util.HashSet;
import java.util.Set;

/**
 * Assembles a payload that spills into overflow pages.
 *
 * <pre>
 * overflow page: u32 next overflow page (0 = last) | U-4 bytes of payload
 * </pre>
 *
 * Bounded: the payload size is checked against {@link Limits#maxRecordBytes()} before anything is allocated, the
 * walk follows at most the number of pages the payload needs, and a page seen twice is a cycle. On damage the bytes
 * read so far are returned ({@link Result#complete()} false; {@code bytes} may then be shorter than the payload).
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#ovflpgs">fileformat2: overflow pages</a>
 */
public final class OverflowChain {
    private OverflowChain() {
    }

    /** An assembled payload: {@code bytes[0, available)} are valid; {@code complete} if all of it was read. */
    public record Result(byte[] bytes, int available, boolean complete, long[] pages) {
    }

    /** Reads the payload of {@code cell} (on a page of {@code page} bytes) through {@code db}. */
    public static Result read(SqliteDatabase db, byte[] page, Cell cell, long pageNumber, DamageSink sink) {
        return read(db, page, cell, pageNumber, sink, p -> false);
    }

    /**
     * As {@link #read(SqliteDatabase, byte[], Cell, long, DamageSink)}, but the chain stops (incomplete, without
     * damage) at a page for which {@code inUse} is true: a deleted row's overflow pages may since have been reused,
     * and their current bytes are not the row's.
     */
    public static Result read(SqliteDatabase db, byte[] page, Cell cell, long pageNumber, DamageSink sink,
                              java.util.function.LongPredicate inUse) {
        return read(db, db::page, db.pageCount(), page, cell, pageNumber, sink, inUse);
    }

    /**
     * As {@link #read(SqliteDatabase, byte[], Cell, long, DamageSink)}, with the overflow pages as {@code snapshot}
     * holds them: the cell is on an older page version, and its chain is the one current when that version was.
     */
    static Result read(SqliteDatabase db, WalSnapshot snapshot, byte[] page, Cell cell, long pageNumber,
                       DamageSink sink) {
        return read(db, snapshot::page, snapshot.pageCount(), page, cell, pageNumber, sink, p -> false);
    }

    /** Reads through {@code pageOf} (a view of {@code pageCount} pages); {@code db} gives sizes, limits and names. */
    private static Result read(SqliteDatabase db, java.util.function.LongFunction<byte[]> pageOf, long pageCount,
                               byte[] page, Cell cell, long pageNumber, DamageSink sink,
                               java.util.function.LongPredicate inUse) {
        String res = db.main().name();
        long total = cell.payloadSize();
        int local = cell.localSize();
        if (cell.firstOverflow() == 0 && total == local) {
            byte[] b = new byte[local];
            System.arraycopy(page, cell.payloadOffset(), b, 0, local);
            return new Result(b, local, true, new long[0]);
        }
        if (total > db.limits().maxRecordBytes()) {
            sink.report(new Damage(res, db.fileOffset(pageNumber) + cell.offset(), cell.length(),
                    DamageKind.LIMIT_EXCEEDED, "<= " + db.limits().maxRecordBytes(), Long.toString(total),
                    "payload size of a cell on page " + pageNumber + " (damaged varint or raise the limit)"));
            byte[] b = new byte[local];
            System.arraycopy(page, cell.payloadOffset(), b, 0, local);
            return new Result(b, local, false, new long[0]);
        }
        int usable = db.usableSize();
        // The buffer grows with the pages actually read, up to the payload size: a size claimed by garbage (a
        // carving candidate, a damaged varint) costs what its chain really holds, not up to maxRecordBytes at once.
        byte[] out = new byte[(int) Math.min(total, (long) local + 16L * (usable - 4))];
        System.arraycopy(page, cell.payloadOffset(), out, 0, local);
        int pos = local;
        long expected = cell.expectedOverflowPages(usable);
        long[] pages = new long[(int) Math.min(expected, Integer.MAX_VALUE - 8)];
        Set<Long> seen = new HashSet<>();
        long next = cell.firstOverflow();
        long from = pageNumber;
        int k = 0;
        while (pos < total) {
            if (next < 2 || next > pageCount) {
                sink.report(new Damage(res, db.fileOffset(from), 4, DamageKind.BAD_POINTER, "2.." + pageCount,
                        Long.toString(next), "overflow page pointer from page " + from + " (payload " + total
                        + ", " + (total - pos) + " bytes missing)"));
                return new Result(out, pos, false, java.util.Arrays.copyOf(pages, k));
            }
            if (!seen.add(next)) {
                sink.report(Damage.of(res, db.fileOffset(from), 4, DamageKind.CYCLE, "overflow cycle at page " + next
                        + " via page " + from));
                return new Result(out, pos, false, java.util.Arrays.copyOf(pages, k));
            }
            if (inUse.test(next)) {
                return new Result(out, pos, false, java.util.Arrays.copyOf(pages, k));
            }
            byte[] ov = pageOf.apply(next);
            db.walked(1);
            if (ov == null) {
                sink.report(Damage.of(res, db.fileOffset(next), 0, DamageKind.TRUNCATED, "overflow page " + next
                        + " is missing from the file"));
                return new Result(out, pos, false, java.util.Arrays.copyOf(pages, k));
            }
            if (k < pages.length) {
                pages[k++] = next;
            }
            int n = (int) Math.min(usable - 4, total - pos);
            if (pos + n > out.length) {
                out = java.util.Arrays.copyOf(out, (int) Math.min(total, Math.max(2L * out.length, pos + n)));
            }
            System.arraycopy(ov, 4, out, pos, n);
            pos += n;
            from = next;
            next = DatabaseHeader.u32(ov, 0);
        }
        if (next != 0) {
            sink.report(new Damage(res, db.fileOffset(from), 4, DamageKind.BAD_STRUCTURE, "0",
                    Long.toString(next), "last overflow page " + from + " points on (chain longer than the payload)"));
        }
        return new Result(out, pos, true, java.util.Arrays.copyOf(pages, k));
    }
}
