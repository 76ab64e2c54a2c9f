package dev.salvor.formats.sqlite;

/** An open-addressing set of longs (8 bytes per slot, no boxing); 0 is stored as a separate flag. */
final class LongHashSet {
    private long[] slots = new long[1024];
    private int size;
    private boolean hasZero;

    boolean add(long v) {
        if (v == 0) {
            boolean had = hasZero;
            hasZero = true;
            return !had;
        }
        if ((size + 1) * 4L > slots.length * 3L) { // load factor 0.75
            grow();
        }
        int mask = slots.length - 1;
        int i = (int) mix(v) & mask;
        while (slots[i] != 0) {
            if (slots[i] == v) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = v;
        size++;
        return true;
    }

    boolean isEmpty() {
        return size == 0 && !hasZero;
    }

    boolean contains(long v) {
        if (v == 0) {
            return hasZero;
        }
        int mask = slots.length - 1;
        int i = (int) mix(v) & mask;
        while (slots[i] != 0) {
            if (slots[i] == v) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long v : old) {
            if (v != 0) {
                add(v);
            }
        }
    }

    private static long mix(long v) {
        v ^= v >>> 33;
        v *= 0xff51afd7ed558ccdL;
        v ^= v >>> 33;
        return v;
    }
}
