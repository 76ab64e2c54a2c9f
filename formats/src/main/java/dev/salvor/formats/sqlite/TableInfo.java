package dev.salvor.formats.sqlite;

import java.util.List;
import java.util.Locale;

/**
 * A stored table as the salvager uses it: schema entry, column count, rowid alias, record order and the storage
 * classes seen per column in live rows (the "shape" carved records must match).
 */
final class TableInfo {
    final SchemaEntry entry;
    final TableSchema schema;
    final String name;
    final long root;
    final int columns;
    final int ipk;
    final boolean withoutRowid;
    final List<Integer> storageOrder;
    final boolean[] realAffinity;
    /** Per stored column, bit mask of storage classes seen in live rows (1 null, 2 int, 4 real, 8 text, 16 blob). */
    final int[] profile;
    /** Per stored column, bit i set when live rows held a value of content size i (0..63). */
    final long[] sizesSeen;
    long liveRows;
    /** Per stored column: REAL values (serial type 7) seen in live rows. */
    final long[] realsSeen;
    /** Per stored column: smallest and largest binary exponent of the non-zero live REAL values. */
    final int[] realMinExp;
    final int[] realMaxExp;
    /** Per stored column: most decimal places any live REAL value needed ({@link #decimals}; 8 = more than 7). */
    final int[] realMaxDecimals;
    /** A table inferred from orphan pages (no schema): its alias column keeps the stored NULL. */
    boolean inferred;
    /** When set, a column whose profile lacks the NULL bit must not be NULL (used for sqlite_schema). */
    boolean strictNulls;

    TableInfo(SchemaEntry entry) {
        this.entry = entry;
        this.schema = entry.table();
        this.name = entry.name();
        this.root = entry.rootPage();
        this.columns = schema.columnCount();
        this.ipk = schema.rowidAlias();
        this.withoutRowid = schema.withoutRowid();
        this.storageOrder = schema.storageOrder();
        this.realAffinity = new boolean[columns];
        for (int i = 0; i < columns; i++) {
            String t = schema.types().get(i).toUpperCase(Locale.ROOT);
            realAffinity[i] = !t.contains("INT") && !t.contains("CHAR") && !t.contains("CLOB") && !t.contains("TEXT")
                    && !t.contains("BLOB") && (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB"));
        }
        this.profile = new int[columns];
        this.sizesSeen = new long[columns];
        this.realsSeen = new long[columns];
        this.realMinExp = new int[columns];
        this.realMaxExp = new int[columns];
        this.realMaxDecimals = new int[columns];
        java.util.Arrays.fill(realMinExp, Integer.MAX_VALUE);
        java.util.Arrays.fill(realMaxExp, Integer.MIN_VALUE);
        this.affinity = new int[columns];
        for (int i = 0; i < columns; i++) {
            // storage classes a value can have after the column's type affinity was applied (lang datatype3 3.1):
            // INTEGER/REAL/NUMERIC keep numbers and non-numeric text, TEXT turns numbers into text, BLOB/none keep
            // anything; blobs are never converted, but a blob in a typed column is rare enough to be refused here
            String t = schema.types().get(storageOrder.get(i)).toUpperCase(Locale.ROOT);
            if (t.contains("INT") || realAffinity[storageOrder.get(i)] || (!t.isEmpty() && !t.contains("CHAR")
                    && !t.contains("CLOB") && !t.contains("TEXT") && !t.contains("BLOB"))) {
                affinity[i] = 1 | 2 | 4 | 8;
            } else if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
                affinity[i] = 1 | 8;
            } else {
                affinity[i] = 31;
            }
        }
    }

    /** Per stored column, the storage classes its declared type affinity allows (same bits as the profile). */
    final int[] affinity;

    static int classBit(long serialType) {
        switch (SerialType.storageClass(serialType)) {
            case 'n': return 1;
            case 'i': return 2;
            case 'r': return 4;
            case 't': return 8;
            case 'b': return 16;
            default: return 0;
        }
    }

    void learn(long[] types) {
        for (int i = 0; i < Math.min(types.length, columns); i++) {
            profile[i] |= classBit(types[i]);
            long size = SerialType.contentSize(types[i]);
            if (size >= 0 && size < 64) {
                sizesSeen[i] |= 1L << size;
            }
        }
        liveRows++;
    }

    /** As {@link #learn(long[])}, and the REAL values' magnitudes and decimal places (for {@link #plausibleReal}). */
    void learn(Record r) {
        long[] types = r.serialTypes();
        learn(types);
        for (int i = 0; i < Math.min(types.length, columns); i++) {
            if (types[i] == 7 && r.values().get(i) instanceof Double) {
                learnReal(i, (Double) r.values().get(i));
            }
        }
    }

    /**
     * As {@link #learn(Record)} from a record's serial types and its bytes, without decoding it: the REAL values
     * (serial type 7, 8 bytes big-endian) are read in place from the record at {@code b[off]} of which
     * {@code available} bytes are at hand (a REAL beyond them, in overflow not read, is skipped).
     */
    void learn(long[] types, byte[] b, int off, int available) {
        learn(types);
        boolean anyReal = false;
        for (int i = 0; i < Math.min(types.length, columns) && !anyReal; i++) {
            anyReal = types[i] == 7;
        }
        if (!anyReal) {
            return;
        }
        long pos = SqliteVarint.read(b, off, off + available); // the header size: the body follows it
        for (int i = 0; i < Math.min(types.length, columns); i++) {
            if (types[i] == 7 && pos + 8 <= available) {
                int at = off + (int) pos;
                long bits = 0;
                for (int k = 0; k < 8; k++) {
                    bits = bits << 8 | (b[at + k] & 0xff);
                }
                learnReal(i, Double.longBitsToDouble(bits));
            }
            pos += SerialType.contentSize(types[i]);
        }
    }

    private void learnReal(int i, double d) {
        realsSeen[i]++;
        if (d != 0 && Double.isFinite(d)) {
            int e = Math.getExponent(d);
            realMinExp[i] = Math.min(realMinExp[i], e);
            realMaxExp[i] = Math.max(realMaxExp[i], e);
        }
        realMaxDecimals[i] = Math.max(realMaxDecimals[i], decimals(d));
    }

    /** Live REAL values a column needs before its profile is used to judge carved ones. */
    static final int REAL_EVIDENCE = 16;

    /**
     * True if a carved REAL value {@code d} of stored column {@code i} could have been written by SQLite into this
     * table: never NaN (SQLite stores NaN as NULL); and, when the column held at least {@link #REAL_EVIDENCE} live
     * REAL values, a binary exponent within 2^20 of the live range and no more decimal places than the live values
     * ever needed when they needed at most 6. A REAL carved from misaligned bytes (text, a varint or the next cell
     * read as the 8 bytes of a double) almost always has an absurd exponent or 16 significant digits; a column
     * whose live values are short decimals (prices, scores, weights) never held it.
     */
    boolean plausibleReal(int i, double d) {
        if (Double.isNaN(d)) {
            return false;
        }
        if (i >= columns || realsSeen[i] < REAL_EVIDENCE) {
            return true;
        }
        if (d != 0 && realMinExp[i] <= realMaxExp[i]) {
            int e = Double.isInfinite(d) ? Integer.MAX_VALUE : Math.getExponent(d);
            if (e < realMinExp[i] - 20 || e > realMaxExp[i] + 20) {
                return false;
            }
        }
        return realMaxDecimals[i] > 6 || decimals(d) <= realMaxDecimals[i];
    }

    /**
     * Decimal places {@code d} needs: the smallest k in 0..7 such that {@code d} is the double nearest to some
     * integer / 10^k; 8 when none is (a value with ~16 significant digits) or |d| >= 1e15.
     */
    static int decimals(double d) {
        if (!(Math.abs(d) < 1e15)) {
            return 8;
        }
        double scale = 1;
        for (int k = 0; k <= 7; k++) {
            if (Math.rint(d * scale) / scale == d) {
                return k;
            }
            scale *= 10;
        }
        return 8;
    }

    /**
     * True if a record of these serial types can be a row of this table: same column count (records written
     * before ALTER TABLE ADD COLUMN may have fewer), the rowid alias stored as NULL, and, when live rows exist,
     * every non-NULL column of a storage class seen in that column (an INTEGER column may also hold a REAL and
     * vice versa).
     */
    boolean matches(long[] types, boolean strictCount) {
        if (types.length > columns || types.length == 0 || (strictCount && types.length != columns)) {
            return false;
        }
        if (ipk >= 0 && ipk < types.length && types[ipk] != 0) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            int bit = classBit(types[i]);
            if (bit == 0) {
                return false;
            }
            if (liveRows == 0) {
                // no live rows to learn from (a dropped table): the declared affinity decides
                if ((affinity[i] & bit) == 0 && i != ipk) {
                    return false;
                }
                continue;
            }
            if (bit == 1 && strictNulls && (profile[i] & 1) == 0) {
                return false;
            }
            if (bit == 1 || i == ipk) {
                continue;
            }
            int seen = profile[i] & ~1;
            if (seen == 0) {
                continue; // only NULLs seen so far: anything goes
            }
            if ((seen & bit) == 0 && !((bit == 2 || bit == 4) && (seen & 6) != 0)) {
                return false;
            }
        }
        return true;
    }
}
