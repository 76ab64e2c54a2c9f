package dev.salvor.formats.leveldb;

import java.util.Arrays;

/**
 * The order of a LevelDB database's user keys: the comparator its MANIFEST names (tag 1 of the first version edit).
 * LevelDB's default is {@link #BYTEWISE} ({@code leveldb.BytewiseComparator}); an application may install its own
 * (Chromium's IndexedDB: {@code idb_cmp1}), and then tables and the merge of salvage follow that order, not the bytes'.
 * An order is a total preorder, as LevelDB's {@code Comparator} is: two different byte strings may compare 0 (Chromium
 * writes the IndexedDB keys 0 and −0 as different bytes that {@code idb_cmp1} calls equal), and then they are one
 * user key, as the engine sees it: the newer version shadows the older, in its memtable, its reads and its
 * compactions. Salvage groups a key's versions by {@link #sameKey}, never by bytes, so that such a pair comes out
 * as one live version and one superseded, each still with its own bytes.
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

    /**
     * True when {@code a} and {@code b} are one user key under this order (they compare 0), whether or not their bytes
     * are equal.
     */
    default boolean sameKey(byte[] a, byte[] b) {
        return compare(a, b) == 0;
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
        public boolean sameKey(byte[] a, byte[] b) {
            return Arrays.equals(a, b);
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
