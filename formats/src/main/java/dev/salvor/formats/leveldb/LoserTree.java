package dev.salvor.formats.leveldb;

import java.util.Comparator;
import java.util.List;

/**
 * The k-way merge's choice of the cursor whose head sorts first (Knuth's tournament tree of losers, TAOCP 5.4.1):
 * the cursors are the leaves, each inner node holds the cursor that lost the match played there, the root the overall
 * winner. After the winner advances, only the matches on its path to the root are replayed: {@code log2 k}
 * comparisons against the stored losers, where a binary heap's {@code poll} and {@code add} take up to twice that and
 * move cursors around.
 *
 * <p>A drained cursor ({@code peek() == null}) loses every match. With a total order (as {@link Entry#INTERNAL_ORDER}
 * is: it ends with file and offset) the sequence of winners is exactly the heap's.
 */
final class LoserTree {
    private final EntryCursor[] cursors;
    private final Comparator<Entry> order;
    /** {@code tree[0]}: the winner; {@code tree[1..k-1]}: the loser of the match at that node. */
    private final int[] tree;

    LoserTree(List<? extends EntryCursor> cursors, Comparator<Entry> order) {
        this.cursors = cursors.toArray(new EntryCursor[0]);
        this.order = order;
        int k = this.cursors.length;
        tree = new int[Math.max(1, k)];
        if (k == 0) {
            return;
        }
        // Leaves are nodes k..2k-1 (leaf of cursor i: k + i); node n's children are 2n and 2n + 1.
        int[] winner = new int[2 * k];
        for (int i = 0; i < k; i++) {
            winner[k + i] = i;
        }
        for (int n = k - 1; n >= 1; n--) {
            int a = winner[2 * n];
            int b = winner[2 * n + 1];
            if (before(b, a)) {
                winner[n] = b;
                tree[n] = a;
            } else {
                winner[n] = a;
                tree[n] = b;
            }
        }
        tree[0] = k == 1 ? 0 : winner[1];
    }

    /** The cursor whose head sorts first, or null when every cursor is drained. */
    EntryCursor top() {
        if (cursors.length == 0) {
            return null;
        }
        EntryCursor c = cursors[tree[0]];
        return c.peek() == null ? null : c;
    }

    /** Restores the order after the cursor {@link #top()} returned has been advanced. */
    void advanced() {
        int k = cursors.length;
        int w = tree[0];
        for (int n = (k + w) >>> 1; n >= 1; n >>>= 1) {
            if (before(tree[n], w)) {
                int t = tree[n];
                tree[n] = w;
                w = t;
            }
        }
        tree[0] = w;
    }

    /** Whether cursor {@code a}'s head sorts strictly before {@code b}'s (a drained cursor sorts last). */
    private boolean before(int a, int b) {
        Entry x = cursors[a].peek();
        if (x == null) {
            return false;
        }
        Entry y = cursors[b].peek();
        return y == null || order.compare(x, y) < 0;
    }
}
