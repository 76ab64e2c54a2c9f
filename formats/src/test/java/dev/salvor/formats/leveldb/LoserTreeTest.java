package dev.salvor.formats.leveldb;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link LoserTree} picks the cursors in the order the binary heap it replaced picked them: random sorted runs (0 to
 * 40 cursors, empty ones among them, equal user keys across cursors, the same write in two files), merged entry by
 * entry through both, give the same sequence of cursors and entries.
 */
class LoserTreeTest {

    private static final class ListCursor implements EntryCursor {
        private final List<Entry> list;
        private int next;

        ListCursor(List<Entry> list) {
            this.list = list;
        }

        @Override
        public Entry peek() {
            return next < list.size() ? list.get(next) : null;
        }

        @Override
        public Entry next() {
            return next < list.size() ? list.get(next++) : null;
        }
    }

    private static List<List<Entry>> runs(Random rnd, int k) {
        List<List<Entry>> runs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            List<Entry> run = new ArrayList<>();
            for (int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(60); n > 0; n--) {
                byte[] key = {(byte) rnd.nextInt(8), (byte) rnd.nextInt(256)};
                // the same write (key, sequence) in several files (one file per cursor, as tables are): the order
                // is total, ties broken by file name
                run.add(new Entry(key, rnd.nextInt(5), rnd.nextBoolean() ? ValueType.VALUE : ValueType.DELETION,
                        new byte[] {1}, String.format("%06d.ldb", i), EntryUnit.TABLE,
                        rnd.nextInt(4) * 4096L, 0, true, -1));
            }
            run.sort(Entry.INTERNAL_ORDER);
            runs.add(run);
        }
        return runs;
    }

    @Test
    void sameSequenceAsTheHeap() {
        Random rnd = new Random(14);
        for (int round = 0; round < 500; round++) {
            List<List<Entry>> runs = runs(rnd, rnd.nextInt(41));
            List<ListCursor> a = new ArrayList<>();
            List<ListCursor> b = new ArrayList<>();
            for (List<Entry> r : runs) {
                a.add(new ListCursor(r));
                b.add(new ListCursor(r));
            }
            Comparator<EntryCursor> byHead = (x, y) -> Entry.INTERNAL_ORDER.compare(x.peek(), y.peek());
            PriorityQueue<EntryCursor> heap = new PriorityQueue<>(Math.max(1, a.size()), byHead);
            for (EntryCursor c : a) {
                if (c.peek() != null) {
                    heap.add(c);
                }
            }
            LoserTree tree = new LoserTree(b, Entry.INTERNAL_ORDER);
            int taken = 0;
            while (!heap.isEmpty()) {
                EntryCursor h = heap.poll();
                EntryCursor t = tree.top();
                assertSame(b.get(a.indexOf(h)), t, "round " + round + ", entry " + taken);
                assertSame(h.next(), t.next());
                tree.advanced();
                if (h.peek() != null) {
                    heap.add(h);
                }
                taken++;
            }
            assertNull(tree.top(), "round " + round);
            assertEquals(runs.stream().mapToInt(List::size).sum(), taken);
        }
    }
}
