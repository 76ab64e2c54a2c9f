package dev.salvor.formats.sqlite;

/**
 * Record serial types.
 *
 * <pre>
 * 0 NULL | 1,2,3,4,5,6 big-endian two's complement int of 1,2,3,4,6,8 bytes | 7 IEEE 754 double (big-endian)
 * 8 integer 0 | 9 integer 1 | 10,11 reserved (invalid in a database file)
 * N>=12 even: BLOB of (N-12)/2 bytes | N>=13 odd: TEXT of (N-13)/2 bytes in the database encoding
 * </pre>
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#record_format">fileformat2: record format</a>
 */
public final class SerialType {
    private SerialType() {
    }

    /** Content size in bytes, or -1 for the reserved types 10 and 11 and negative values. */
    public static long contentSize(long t) {
        if (t < 0) {
            return -1;
        }
        if (t >= 12) {
            return (t - 12) >>> 1;
        }
        switch ((int) t) {
            case 0: case 8: case 9: return 0;
            case 1: return 1;
            case 2: return 2;
            case 3: return 3;
            case 4: return 4;
            case 5: return 6;
            case 6: case 7: return 8;
            default: return -1;
        }
    }

    public static boolean isText(long t) {
        return t >= 13 && (t & 1) == 1;
    }

    public static boolean isBlob(long t) {
        return t >= 12 && (t & 1) == 0;
    }

    public static boolean isInteger(long t) {
        return (t >= 1 && t <= 6) || t == 8 || t == 9;
    }

    /** Storage class letter: n(ull), i(nteger), r(eal), t(ext), b(lob), ? (reserved). */
    public static char storageClass(long t) {
        if (t == 0) {
            return 'n';
        }
        if (isInteger(t)) {
            return 'i';
        }
        if (t == 7) {
            return 'r';
        }
        if (isText(t)) {
            return 't';
        }
        if (isBlob(t)) {
            return 'b';
        }
        return '?';
    }

    /** Big-endian signed integer of {@code n} bytes at {@code off}. */
    public static long readInt(byte[] b, int off, int n) {
        long v = b[off]; // sign-extends
        for (int i = 1; i < n; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
