package dev.salvor.formats.carve;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A growable array of {@code long}s: candidate offsets held at 8 bytes each (a boxed list costs about 28), so that
 * millions of candidates of a huge image stay small.
 */
public final class LongList {
    private long[] a = new long[16];
    private int size;

    /** An empty list. */
    public LongList() {
    }

    public void add(long v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, Math.max(16, a.length + (a.length >> 1)));
        }
        a[size++] = v;
    }

    public void addAll(LongList o) {
        if (size + o.size > a.length) {
            a = Arrays.copyOf(a, Math.max(size + o.size, a.length + (a.length >> 1)));
        }
        System.arraycopy(o.a, 0, a, size, o.size);
        size += o.size;
    }

    public int size() {
        return size;
    }

    public long get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return a[i];
    }

    public void clear() {
        size = 0;
    }

    /** Sorts ascending and removes duplicates (skips the sort when already sorted, the usual case). */
    public void sortDistinct() {
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
            sorted = a[i - 1] <= a[i];
        }
        if (!sorted) {
            Arrays.sort(a, 0, size);
        }
        int w = 0;
        for (int i = 0; i < size; i++) {
            if (w == 0 || a[i] != a[w - 1]) {
                a[w++] = a[i];
            }
        }
        size = w;
    }

    /** Removes the values below {@code min} (the list being sorted). */
    public void dropBelow(long min) {
        int k = 0;
        while (k < size && a[k] < min) {
            k++;
        }
        if (k > 0) {
            System.arraycopy(a, k, a, 0, size - k);
            size -= k;
        }
    }

    /** An unmodifiable view (boxing one value at a time, never the whole list). */
    public List<Long> asList() {
        return new View();
    }

    private final class View extends AbstractList<Long> implements RandomAccess {
        @Override
        public Long get(int index) {
            return LongList.this.get(index);
        }

        @Override
        public int size() {
            return size;
        }
    }
}
