package dev.salvor.formats.core;

import java.util.Arrays;

/**
 * A bounded reader over a region of a byte array: little-endian fixed integers and LevelDB/protobuf varints
 * (7 bits per byte, least significant group first). Every read checks the region's limit first and throws
 * {@link Malformed} instead of running past it. Not thread-safe; cheap to create.
 */
public final class ByteCursor {
    private final byte[] data;
    private final int start;
    private final int limit;
    private int pos;

    /** A cursor over {@code data[off, off+len)}. */
    public ByteCursor(byte[] data, int off, int len) {
        if (off < 0 || len < 0 || off > data.length - len) {
            throw new IndexOutOfBoundsException("region " + off + "+" + len + " outside array of " + data.length);
        }
        this.data = data;
        this.start = off;
        this.limit = off + len;
        this.pos = off;
    }

    public ByteCursor(byte[] data) {
        this(data, 0, data.length);
    }

    /** Absolute array index of the next byte. */
    public int position() {
        return pos;
    }

    /** Moves to an absolute array index inside the region. */
    public void position(int p) {
        if (p < start || p > limit) {
            throw new Malformed(DamageKind.BAD_POINTER, p, "position outside region [" + start + "," + limit + ")");
        }
        pos = p;
    }

    /** Offset of the next byte relative to the region's start. */
    public int offset() {
        return pos - start;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    public int limit() {
        return limit;
    }

    public byte[] array() {
        return data;
    }

    private void need(int n, String what) {
        if (n < 0 || limit - pos < n) {
            throw new Malformed(DamageKind.TRUNCATED, pos, what + " needs " + n + " bytes, " + (limit - pos)
                    + " remain");
        }
    }

    public int readUnsignedByte() {
        need(1, "byte");
        return data[pos++] & 0xff;
    }

    public int readFixed32() {
        need(4, "fixed32");
        int v = getFixed32(data, pos);
        pos += 4;
        return v;
    }

    public long readFixed64() {
        need(8, "fixed64");
        long v = getFixed64(data, pos);
        pos += 8;
        return v;
    }

    /** Varint of at most 5 bytes whose value fits in 32 bits (returned as int, may be negative if > 2^31-1). */
    public int readVarint32() {
        int result = 0;
        for (int shift = 0, i = 0; i < 5; i++, shift += 7) {
            if (pos >= limit) {
                throw new Malformed(DamageKind.BAD_VARINT, pos, "varint32 runs past the end of its unit");
            }
            int b = data[pos++] & 0xff;
            if (i == 4 && (b & 0xf0) != 0) {
                throw new Malformed(DamageKind.BAD_VARINT, pos - 1, "varint32 overflows 32 bits");
            }
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new Malformed(DamageKind.BAD_VARINT, pos, "varint32 longer than 5 bytes");
    }

    /** Varint32 that must be a non-negative int no larger than {@code max}; used for lengths. */
    public int readLength(int max, String what) {
        int at = pos;
        int v = readVarint32();
        if (v < 0 || v > max) {
            throw new Malformed(DamageKind.BAD_LENGTH, at, what + " " + Integer.toUnsignedString(v)
                    + " exceeds the " + max + " bytes available");
        }
        return v;
    }

    /** Varint of at most 10 bytes (64 bits). */
    public long readVarint64() {
        long result = 0;
        for (int shift = 0, i = 0; i < 10; i++, shift += 7) {
            if (pos >= limit) {
                throw new Malformed(DamageKind.BAD_VARINT, pos, "varint64 runs past the end of its unit");
            }
            int b = data[pos++] & 0xff;
            if (i == 9 && (b & 0xfe) != 0) {
                throw new Malformed(DamageKind.BAD_VARINT, pos - 1, "varint64 overflows 64 bits");
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new Malformed(DamageKind.BAD_VARINT, pos, "varint64 longer than 10 bytes");
    }

    /** Copies the next {@code n} bytes. */
    public byte[] readBytes(int n) {
        need(n, "byte string");
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    /** Varint32 length followed by that many bytes (a LevelDB length-prefixed slice). */
    public byte[] readLengthPrefixed(String what) {
        int at = pos;
        int n = readVarint32();
        if (n < 0 || n > remaining()) {
            throw new Malformed(DamageKind.BAD_LENGTH, at, what + " length " + Integer.toUnsignedString(n)
                    + " exceeds the " + remaining() + " bytes that follow it");
        }
        return readBytes(n);
    }

    public void skip(int n) {
        need(n, "skip");
        pos += n;
    }

    /** Little-endian u32 at an absolute array index (no bounds beyond the array's own). */
    public static int getFixed32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    /** Little-endian u64 at an absolute array index. */
    public static long getFixed64(byte[] b, int i) {
        return (getFixed32(b, i) & 0xffffffffL) | ((long) getFixed32(b, i + 4) << 32);
    }
}
