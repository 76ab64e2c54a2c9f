package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The freelist: a chain of trunk pages starting at header offset 32; each trunk lists leaf pages.
 *
 * <pre>
 * trunk page: u32 next trunk page (0 = last) | u32 leaf count n (&lt;= U/4 - 2) | n * u32 leaf page number
 * leaf page:  old content, untouched (unless secure_delete)
 * </pre>
 *
 * The walk is cycle-checked (a trunk seen twice ends it), bounded by the page count, and ignores leaf numbers
 * outside the database; the total is compared with header offset 36.
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#the_freelist">fileformat2: freelist</a>
 */
public final class Freelist {
    private final Set<Long> trunks;
    private final Set<Long> leaves;

    private Freelist(Set<Long> trunks, Set<Long> leaves) {
        this.trunks = trunks;
        this.leaves = leaves;
    }

    /** Trunk pages in chain order. */
    /** No freelist read: what {@code check --level crc} passes on (it does not follow the freelist). */
    static Freelist none() {
        return new Freelist(Set.of(), Set.of());
    }

    public Set<Long> trunks() {
        return trunks;
    }

    /** Leaf pages (old content kept). */
    public Set<Long> leaves() {
        return leaves;
    }

    /** Trunk count of a trunk page (number of leaf entries, clamped to what fits). */
    public static int leafCount(byte[] trunk, int usable) {
        long n = DatabaseHeader.u32(trunk, 4);
        return (int) Math.min(n, usable / 4 - 2);
    }

    /** Walks the freelist of {@code db}. */
    public static Freelist read(SqliteDatabase db, DamageSink sink) {
        Set<Long> trunks = new LinkedHashSet<>();
        Set<Long> leaves = new LinkedHashSet<>();
        DatabaseHeader h = db.header();
        String res = db.main().name();
        long t = h.firstFreelistTrunk();
        long from = 0;
        int usable = db.usableSize();
        while (t != 0) {
            if (t < 1 || t > db.pageCount()) {
                sink.report(new Damage(res, from == 0 ? 32 : db.fileOffset(from), 4, DamageKind.BAD_POINTER,
                        "1.." + db.pageCount(), Long.toString(t), "freelist trunk pointer"
                        + (from == 0 ? " in the header" : " of trunk page " + from)));
                break;
            }
            if (!trunks.add(t) || leaves.contains(t)) {
                sink.report(Damage.of(res, db.fileOffset(from == 0 ? 1 : from), 4, DamageKind.CYCLE,
                        "freelist cycle at page " + t + " via page " + from));
                break;
            }
            byte[] p = db.page(t);
            if (p == null) {
                sink.report(Damage.of(res, db.fileOffset(t), 0, DamageKind.TRUNCATED, "freelist trunk page " + t
                        + " missing from the file"));
                break;
            }
            long n = DatabaseHeader.u32(p, 4);
            if (n > usable / 4 - 2) {
                sink.report(new Damage(res, db.fileOffset(t) + 4, 4, DamageKind.BAD_LENGTH,
                        "<= " + (usable / 4 - 2), Long.toString(n), "leaf count of freelist trunk page " + t));
            }
            int cnt = leafCount(p, usable);
            for (int i = 0; i < cnt; i++) {
                long leaf = DatabaseHeader.u32(p, 8 + 4 * i);
                if (leaf < 2 || leaf > db.pageCount()) {
                    sink.report(new Damage(res, db.fileOffset(t) + 8 + 4L * i, 4, DamageKind.BAD_POINTER,
                            "2.." + db.pageCount(), Long.toString(leaf), "freelist leaf pointer in trunk " + t));
                    continue;
                }
                if (!leaves.add(leaf) || trunks.contains(leaf)) {
                    sink.report(Damage.of(res, db.fileOffset(t) + 8 + 4L * i, 4, DamageKind.CYCLE,
                            "freelist page " + leaf + " listed twice (via trunk " + t + ")"));
                }
            }
            from = t;
            t = DatabaseHeader.u32(p, 0);
        }
        long total = trunks.size() + leaves.size();
        if (!h.inferred() && total != h.freelistPageCount()) {
            sink.report(new Damage(res, 36, 4, DamageKind.BAD_STRUCTURE, Long.toString(total),
                    Long.toString(h.freelistPageCount()), "freelist page count in header vs pages on the freelist"));
        }
        return new Freelist(Collections.unmodifiableSet(trunks), Collections.unmodifiableSet(leaves));
    }
}
