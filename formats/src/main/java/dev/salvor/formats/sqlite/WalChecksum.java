package dev.salvor.formats.sqlite;

/**
 * The WAL's cumulative checksum (walChecksumBytes in wal.c). Over 32-bit words {@code x[i]} taken in the byte
 * order the WAL magic selects, two at a time, from seed (s1, s2):
 *
 * <pre>
 * s1 += x[i] + s2;  s2 += x[i+1] + s1;   (mod 2^32)
 * </pre>
 *
 * The length must be a multiple of 8.
 */
public final class WalChecksum {
    private WalChecksum() {
    }

    /** Continues the checksum over {@code b[off, off+len)} and returns {s1, s2}. */
    public static int[] update(int s1, int s2, byte[] b, int off, int len, boolean bigEndian) {
        int end = off + (len & ~7);
        if (bigEndian) {
            for (int i = off; i < end; i += 8) {
                s1 += be(b, i) + s2;
                s2 += be(b, i + 4) + s1;
            }
        } else {
            for (int i = off; i < end; i += 8) {
                s1 += le(b, i) + s2;
                s2 += le(b, i + 4) + s1;
            }
        }
        return new int[] {s1, s2};
    }

    private static int be(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static int le(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }
}
