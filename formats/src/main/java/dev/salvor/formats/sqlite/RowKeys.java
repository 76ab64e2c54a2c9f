package dev.salvor.formats.sqlite;

import java.util.List;

/**
 * 64-bit row keys for de-duplication: a key hashes a table name, a rowid (or its absence) and the values of a row
 * over a canonical encoding, with masked columns folded in as a marker. Keys are combined from per-value hashes, so
 * each value is hashed once however many keys a row has.
 */
final class RowKeys {
    /** The hash of "no column": a key of table and rowid only. */
    static final long[] NO_COLUMNS = new long[0];

    private static final long SEED = 0xcbf29ce484222325L;

    private RowKeys() {
    }

    /** The hash of a table name; {@code null} (a row of no known table) has its own. */
    static long table(String table) {
        return table == null ? mixLong(SEED, 0x5a5a) : mixChars(SEED, table);
    }

    /** One 64-bit hash per value ({@link #value}). */
    static long[] columns(List<Object> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = value(values.get(i));
        }
        return out;
    }

    /** The hash of one value (an integral REAL hashes as the integer it may be stored as). */
    static long value(Object v) {
        long h = SEED;
        if (v == null) {
            return mixLong(h, 0x4444);
        } else if (v instanceof byte[]) {
            return mixBytes(mixLong(h, 0x5555), (byte[]) v);
        } else if (v instanceof Double) {
            double d = (Double) v;
            return d == Math.rint(d) && Math.abs(d) < 1e18 ? mixLong(mixLong(h, 0x6666), (long) d)
                    : mixLong(mixLong(h, 0x7777), Double.doubleToLongBits(d));
        } else if (v instanceof Long) {
            return mixLong(mixLong(h, 0x6666), (Long) v);
        }
        return mixChars(mixLong(h, 0x8888), v.toString());
    }

    /** The row key: table hash, rowid (or its absence), then the column hashes; masked columns as a marker. */
    static long combine(long tableHash, Long rowid, long[] columns, List<Integer> masked) {
        long h = rowid == null ? mixLong(tableHash, 0x1111) : mixLong(mixLong(tableHash, 0x2222), rowid);
        for (int i = 0; i < columns.length; i++) {
            h = mixLong(h, masked.contains(i) ? 0x3333 : columns[i]);
        }
        return h;
    }

    /** The probe of two column hashes of a table (a filter key, not a row key: never compared with one). */
    static long pair(long tableHash, long first, long second) {
        return mixLong(mixLong(mixLong(tableHash, 0x9999), first), second);
    }

    /**
     * One step of the row hash: {@code v} folded into {@code h}, then a full 64-bit avalanche (a bijection, the
     * finaliser of SplitMix64/Murmur3 with two multiplies), so different value sequences collide only by chance.
     */
    private static long mixLong(long h, long v) {
        h = (h ^ v) * 0x9e3779b97f4a7c15L;
        h = (h ^ (h >>> 32)) * 0xd6e8feb86659fd93L;
        return h ^ (h >>> 32);
    }

    /** The chars of {@code s}, four per step, then its length. */
    private static long mixChars(long h, String s) {
        int n = s.length();
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            h = mixLong(h, s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48);
        }
        if (i < n) {
            long v = 0;
            for (int k = 0; i < n; i++, k += 16) {
                v |= (long) s.charAt(i) << k;
            }
            h = mixLong(h, v);
        }
        return mixLong(h, n);
    }

    /** The bytes of {@code b}, eight per step, then its length. */
    private static long mixBytes(long h, byte[] b) {
        int n = b.length;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            h = mixLong(h, (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16
                    | (b[i + 3] & 0xffL) << 24 | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40
                    | (b[i + 6] & 0xffL) << 48 | (b[i + 7] & 0xffL) << 56);
        }
        if (i < n) {
            long v = 0;
            for (int k = 0; i < n; i++, k += 8) {
                v |= (b[i] & 0xffL) << k;
            }
            h = mixLong(h, v);
        }
        return mixLong(h, n);
    }
}
