package dev.salvor.formats.leveldb;

import java.util.Arrays;

/**
 * The order of a LevelDB database's user keys: the comparator its MANIFEST names (tag 1 of the first version edit).
 * LevelDB's default is {@link #BYTEWISE} ({@code leveldb.BytewiseComparator}); an application may install its own
 * (Chromium's IndexedDB: {@code idb_cmp1}), and then tables and the merge of salvage follow that order, not the bytes'.
 * An order must be total and consistent with byte equality (two different keys never compare 0), so that grouping
 * by equal bytes and ordering agree: an application comparator that calls two byte strings equal breaks the tie
 * bytewise.
 */
public interface UserKeyOrder {
    /** The comparator name the MANIFEST records for this order. */
    String comparatorName();

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
    int compare(byte[] a, byte[] b);

    /**
     * As {@link #compare(byte[], byte[])} on the keys {@code a[0, aLength)} and {@code b[0, bLength)} (the checker
     * compares keys where they lie, in reused buffers). The default copies them.
     */
    default int compare(byte[] a, int aLength, byte[] b, int bLength) {
        return compare(Arrays.copyOf(a, aLength), Arrays.copyOf(b, bLength));
    }

    /** True when this order is plain unsigned byte order (what LevelDB's default comparator does). */
    default boolean bytewise() {
        return false;
    }

    /** LevelDB's default comparator: unsigned bytes, then length. */
    UserKeyOrder BYTEWISE = new UserKeyOrder() {
        @Override
        public String comparatorName() {
            return "leveldb.BytewiseComparator";
        }

        @Override
        public int compare(byte[] a, byte[] b) {
            return Arrays.compareUnsigned(a, b);
        }

        @Override
        public int compare(byte[] a, int aLength, byte[] b, int bLength) {
            return Arrays.compareUnsigned(a, 0, aLength, b, 0, bLength);
        }

        @Override
        public boolean bytewise() {
            return true;
        }

        @Override
        public String toString() {
            return comparatorName();
        }
    };

    /** Picks the order of a comparator name; bytewise when the name is null or no order of that name is known. */
    interface Resolver {
        /** The order for {@code comparatorName} (null when no MANIFEST names one). */
        UserKeyOrder resolve(String comparatorName);

        /** Knows only LevelDB's default. */
        Resolver BYTEWISE_ONLY = name -> BYTEWISE;
    }
}
