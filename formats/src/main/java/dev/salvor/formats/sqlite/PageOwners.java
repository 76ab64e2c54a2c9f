package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the pages of the current view are used for, as the live phases learn it: the tree each b-tree page belongs
 * to (its root; filled by the schema read and the live-tree walks), the overflow pages of live cells, and the
 * freelist trunks. The non-live phases read it to know which bytes are live data.
 */
final class PageOwners {
    private final SqliteDatabase db;
    /** Page number to the root page of the live tree it belongs to. */
    private final Map<Long, Long> owner = new HashMap<>();
    private final BitSet overflow = new BitSet();
    /** Freelist trunk pages (set once the freelist is read). */
    private Set<Long> trunks = Set.of();
    /** Parent links of the interior pages, collected on the first {@link #treeRootOf} (see {@link #parents}). */
    private volatile Map<Long, Long> parentOf;

    PageOwners(SqliteDatabase db) {
        this.db = db;
    }

    /** The map the b-tree walks fill (page to root); walkers write into it directly. */
    Map<Long, Long> owners() {
        return owner;
    }

    /** The root of the live tree owning page {@code n}, or {@code null} when no live tree reached it. */
    Long ownerRoot(long n) {
        return owner.get(n);
    }

    boolean owned(long n) {
        return owner.containsKey(n);
    }

    boolean isOverflow(long n) {
        return overflow.get((int) Math.min(n, Integer.MAX_VALUE));
    }

    /** Records the pages of a live cell's overflow chain. */
    void markOverflow(OverflowChain.Result r) {
        for (long p : r.pages()) {
            if (p <= Integer.MAX_VALUE) {
                overflow.set((int) p);
            }
        }
    }

    void trunks(Set<Long> freelistTrunks) {
        this.trunks = freelistTrunks;
    }

    /**
     * A page whose bytes are not a deleted row's overflow data: a b-tree page or a live overflow page (live
     * data), or a freelist trunk (its first 8 + 4n bytes were overwritten with the freelist's own pointers).
     */
    boolean inUse(long p) {
        return owner.containsKey(p) || (p <= Integer.MAX_VALUE && overflow.get((int) p)) || trunks.contains(p);
    }

    /**
     * The root of the tree page {@code n} hangs from, found by climbing parent links collected from every
     * interior page of the current view (first parent wins; cycle-checked): the stable name of an unattributable
     * tree.
     */
    long treeRootOf(long n) {
        Map<Long, Long> parentOf = parents();
        long cur = n;
        Set<Long> seen = new HashSet<>();
        while (parentOf.containsKey(cur) && seen.add(cur)) {
            cur = parentOf.get(cur);
        }
        return cur;
    }

    /**
     * The parent links of every interior page, collected once, on the first call (threads reading pages in
     * parallel may ask at the same time: one collects, the others wait for it).
     */
    private Map<Long, Long> parents() {
        Map<Long, Long> m = parentOf;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (parentOf == null) {
                Map<Long, Long> links = new HashMap<>();
                for (long p = 1; p <= db.pageCount(); p++) {
                    byte[] d = db.page(p);
                    BtreePage page = d == null ? null
                            : BtreePage.parse(p, d, db.usableSize(), db.main().name(), 0, DamageSink.IGNORE);
                    if (page == null || page.type().isLeaf()) {
                        continue;
                    }
                    for (Cell c : page.cells()) {
                        links.putIfAbsent(c.leftChild(), p);
                    }
                    links.putIfAbsent(page.header().rightChild(), p);
                }
                parentOf = links;
            }
            return parentOf;
        }
    }
}
