package dev.salvor.formats.chromium;

import java.util.Arrays;
import java.util.List;

/**
 * An IndexedDB key as the page gave it (the IndexedDB specification's "key"): a number, a date (milliseconds since
 * 1970 UTC), a string (UTF-16 code units, lone surrogates kept), binary (an ArrayBuffer or view's bytes) or an array
 * of keys; plus two values only Chromium's storage holds: {@link Min} (the smallest key, a bound) and {@link None}
 * (the "null"/invalid key, which sorts last). {@link #compare} is the specification's order: number &lt; date &lt;
 * string &lt; binary &lt; array; numbers and dates by value, strings by code unit, binary by unsigned byte, arrays
 * element-wise then by length; Min first, None last.
 */
public sealed interface IdbKey permits IdbKey.Number, IdbKey.Date, IdbKey.Str, IdbKey.Binary, IdbKey.Array,
        IdbKey.Min, IdbKey.None {

    /** The key's type name, as in the JSON output: number, date, string, binary, array, min, none. */
    String type();

    /** The rank of the type in key order (smaller sorts first). */
    int rank();

    /** A number key. */
    record Number(double value) implements IdbKey {
        @Override
        public String type() {
            return "number";
        }

        @Override
        public int rank() {
            return 1;
        }
    }

    /** A date key: milliseconds since 1970-01-01 UTC (a double, as in JavaScript). */
    record Date(double millis) implements IdbKey {
        @Override
        public String type() {
            return "date";
        }

        @Override
        public int rank() {
            return 2;
        }
    }

    /** A string key (UTF-16 code units). */
    record Str(String value) implements IdbKey {
        @Override
        public String type() {
            return "string";
        }

        @Override
        public int rank() {
            return 3;
        }
    }

    /** A binary key (the bytes of an ArrayBuffer or view). */
    record Binary(byte[] bytes) implements IdbKey {
        @Override
        public String type() {
            return "binary";
        }

        @Override
        public int rank() {
            return 4;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Binary" + Arrays.toString(bytes);
        }
    }

    /** An array key: its elements are keys. */
    record Array(List<IdbKey> elements) implements IdbKey {
        public Array {
            elements = List.copyOf(elements);
        }

        @Override
        public String type() {
            return "array";
        }

        @Override
        public int rank() {
            return 5;
        }
    }

    /** The smallest key (Chromium's MinKey; a range bound, never a record's key). */
    record Min() implements IdbKey {
        @Override
        public String type() {
            return "min";
        }

        @Override
        public int rank() {
            return 0;
        }
    }

    /** The "null" key (Chromium's invalid/none type byte 0; it sorts after every other key). */
    record None() implements IdbKey {
        @Override
        public String type() {
            return "none";
        }

        @Override
        public int rank() {
            return 6;
        }
    }

    /** The specification's key order (see the interface comment). */
    static int compare(IdbKey a, IdbKey b) {
        int c = Integer.compare(a.rank(), b.rank());
        if (c != 0) {
            return c;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return compareDoubles(x.value, y.value);
        }
        if (a instanceof Date x && b instanceof Date y) {
            return compareDoubles(x.millis, y.millis);
        }
        if (a instanceof Str x && b instanceof Str y) {
            return x.value.compareTo(y.value); // String.compareTo compares UTF-16 code units
        }
        if (a instanceof Binary x && b instanceof Binary y) {
            return Arrays.compareUnsigned(x.bytes, y.bytes);
        }
        if (a instanceof Array x && b instanceof Array y) {
            int n = Math.min(x.elements.size(), y.elements.size());
            for (int i = 0; i < n; i++) {
                c = compare(x.elements.get(i), y.elements.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.elements.size(), y.elements.size());
        }
        return 0;
    }

    /** Numeric order as Chromium compares doubles ({@code <}, {@code >}, else equal: -0 equals 0). */
    private static int compareDoubles(double d, double e) {
        return d < e ? -1 : d > e ? 1 : 0;
    }
}
