package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

/**
 * SQLite's variable-length integer: 1 to 9 bytes, big-endian, 7 bits per byte with the high bit meaning "more
 * follows"; the 9th byte, if reached, contributes all 8 bits. Negative values always take 9 bytes.
 *
 * <pre>
 * byte 1..8 : 1xxxxxxx (continue) | 0xxxxxxx (last)
 * byte 9    : xxxxxxxx            (always last)
 * </pre>
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html#varint">fileformat2: varint</a>
 */
public final class SqliteVarint {
    private SqliteVarint() {
    }

    /** Value of the varint at {@code pos}; throws {@link Malformed} (bad-varint) if it runs past {@code limit}. */
    public static long read(byte[] b, int pos, int limit) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            if (pos + i >= limit) {
                throw new Malformed(DamageKind.BAD_VARINT, pos, "varint runs past the end of its unit");
            }
            int x = b[pos + i] & 0xff;
            v = (v << 7) | (x & 0x7f);
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        if (pos + 8 >= limit) {
            throw new Malformed(DamageKind.BAD_VARINT, pos, "9-byte varint runs past the end of its unit");
        }
        return (v << 8) | (b[pos + 8] & 0xff);
    }

    /** Number of bytes (1..9) of the varint at {@code pos}; throws {@link Malformed} if it runs past {@code limit}. */
    public static int length(byte[] b, int pos, int limit) {
        for (int i = 0; i < 8; i++) {
            if (pos + i >= limit) {
                throw new Malformed(DamageKind.BAD_VARINT, pos, "varint runs past the end of its unit");
            }
            if ((b[pos + i] & 0x80) == 0) {
                return i + 1;
            }
        }
        if (pos + 8 >= limit) {
            throw new Malformed(DamageKind.BAD_VARINT, pos, "9-byte varint runs past the end of its unit");
        }
        return 9;
    }

    /** Encoded size of {@code v} (1..9). */
    public static int sizeOf(long v) {
        if (v < 0) {
            return 9;
        }
        int n = 1;
        while (n < 9 && (v >>> (7 * n)) != 0) {
            n++;
        }
        return n;
    }

    /** Encodes {@code v} (for tests and fixture builders). */
    public static byte[] encode(long v) {
        if (v < 0 || (v >>> 56) != 0) {
            byte[] out = new byte[9];
            out[8] = (byte) v;
            long x = v >>> 8;
            for (int i = 7; i >= 0; i--) {
                out[i] = (byte) ((x & 0x7f) | 0x80);
                x >>>= 7;
            }
            return out;
        }
        int n = sizeOf(v);
        byte[] out = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) ((v & 0x7f) | (i == n - 1 ? 0 : 0x80));
            v >>>= 7;
        }
        return out;
    }
}
