package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Walks one b-tree in key order, iteratively (no recursion), visiting every cell that carries a payload: table
 * leaf cells, index leaf cells and index interior cells (an index b-tree's interior keys are not repeated in its
 * leaves, so for WITHOUT ROWID tables they are rows too).
 *
 * <p>Hostile trees: a page reached twice (by this or another tree, recorded in {@code owner}) is a cycle or a
 * cross-link and is not entered again; child pointers to page 0, page 1 (except the schema root) or past the end are
 * reported and skipped; depth is capped; a child whose kind differs from its parent's (table vs index) is reported
 * and skipped. The walk always continues with the remaining siblings.
 */
final class BtreeWalker {
    /** Receives payload cells. */
    interface Visitor {
        void cell(BtreePage page, Cell cell);
    }

    private BtreeWalker() {
    }

    /**
     * Walks the tree at {@code root}. Pages entered are added to {@code owner} (page to root). Returns the number of
     * damages found.
     */
    static int walk(SqliteDatabase db, long root, Map<Long, Long> owner, DamageSink sink, Visitor v) {
        return walk(db, root, owner, null, sink, v);
    }

    /** As above; when {@code parents} is not null, records each entered page's parent page (0 for the root). */
    static int walk(SqliteDatabase db, long root, Map<Long, Long> owner, Map<Long, Long> parents, DamageSink sink,
                    Visitor v) {
        String res = db.main().name();
        int[] damage = {0};
        DamageSink counting = d -> {
            damage[0]++;
            sink.report(d);
        };
        int maxDepth = Math.min(db.limits().maxNestingDepth(), 64);
        Deque<long[]> stack = new ArrayDeque<>(); // {page, depth, parentPage, parentIsTable(1/0/-1)}
        stack.push(new long[] {root, 0, 0, -1});
        while (!stack.isEmpty()) {
            long[] e = stack.pop();
            long pg = e[0];
            long parent = e[2];
            if (pg < 1 || pg > db.pageCount() || (pg == 1 && root != 1)) {
                counting.report(new Damage(res, parent == 0 ? 0 : db.fileOffset(parent), 0, DamageKind.BAD_POINTER,
                        "2.." + db.pageCount(), Long.toString(pg), "child pointer of page " + parent
                        + " (tree rooted at " + root + ")"));
                continue;
            }
            if (e[1] > maxDepth) {
                counting.report(Damage.of(res, db.fileOffset(pg), 0, DamageKind.LIMIT_EXCEEDED, "b-tree rooted at "
                        + root + " deeper than " + maxDepth + " at page " + pg));
                continue;
            }
            Long prev = owner.putIfAbsent(pg, root);
            if (prev != null) {
                counting.report(Damage.of(res, db.fileOffset(pg), db.pageSize(), DamageKind.CYCLE,
                        "page " + pg + " reached again via page " + parent + " (already in the tree rooted at "
                                + prev + ")"));
                continue;
            }
            if (parents != null) {
                parents.put(pg, parent);
            }
            byte[] data = db.page(pg);
            db.walked(1);
            if (data == null) {
                counting.report(Damage.of(res, db.fileOffset(pg), db.pageSize(), DamageKind.TRUNCATED,
                        "b-tree page " + pg + " is missing (file truncated)"));
                continue;
            }
            BtreePage page = BtreePage.parse(pg, data, db.usableSize(), db.available(pg), res, db.fileOffset(pg),
                    counting);
            if (page == null) {
                continue;
            }
            if (e[3] >= 0 && (e[3] == 1) != page.type().isTable()) {
                counting.report(Damage.of(res, db.fileOffset(pg), 1, DamageKind.BAD_STRUCTURE, "page " + pg
                        + " is a " + page.type() + " page under a " + (e[3] == 1 ? "table" : "index") + " page "
                        + parent));
                continue;
            }
            PageType t = page.type();
            if (t.isLeaf()) {
                for (Cell c : page.cells()) {
                    v.cell(page, c);
                }
                continue;
            }
            // interior: push right-most child first so children pop in key order
            stack.push(new long[] {page.header().rightChild(), e[1] + 1, pg, t.isTable() ? 1 : 0});
            for (int i = page.cells().size() - 1; i >= 0; i--) {
                Cell c = page.cells().get(i);
                if (t == PageType.INDEX_INTERIOR) {
                    // visit the key after its left subtree: push a marker by visiting now (order is not needed
                    // for salvage; every key is visited exactly once)
                    v.cell(page, c);
                }
                stack.push(new long[] {c.leftChild(), e[1] + 1, pg, t.isTable() ? 1 : 0});
            }
        }
        return damage[0];
    }
}
