package dev.salvor.formats.chromium;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

/**
 * Reads the primitives of Chromium's IndexedDB LevelDB coding ({@code indexed_db_leveldb_coding.cc}) from a slice of a
 * key or value: Int (little-endian, minimal bytes), VarInt (LEB128, non-negative int64), String (UTF-16BE, implicit
 * length: the rest of the slice), StringWithLength (VarInt code-unit count + UTF-16BE), Binary (VarInt length +
 * bytes), Double (8 bytes little-endian) and Byte. Every length is checked against what is left before anything is
 * read or allocated; a violation is a {@link Malformed} ({@link DamageKind#BAD_KEY}) with the position in the slice.
 */
final class IdbReader {
    private final byte[] data;
    private int pos;
    private final int end;

    IdbReader(byte[] data, int off, int len) {
        if (off < 0 || len < 0 || off > data.length - len) {
            throw new IllegalArgumentException("slice out of range: off=" + off + " len=" + len);
        }
        this.data = data;
        this.pos = off;
        this.end = off + len;
    }

    IdbReader(byte[] data) {
        this(data, 0, data.length);
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    boolean hasRemaining() {
        return pos < end;
    }

    byte[] array() {
        return data;
    }

    int end() {
        return end;
    }

    Malformed malformed(String what) {
        return new Malformed(DamageKind.BAD_KEY, pos, what);
    }

    int readByte() {
        if (pos >= end) {
            throw malformed("byte expected: actual=end of key vs expected=1 more byte");
        }
        return data[pos++] & 0xFF;
    }

    int peekByte() {
        if (pos >= end) {
            throw malformed("byte expected: actual=end of key vs expected=1 more byte");
        }
        return data[pos] & 0xFF;
    }

    /** Chromium's Int: {@code n} bytes little-endian (1..8), non-negative. */
    long readInt(int n) {
        if (n < 1 || n > 8 || n > end - pos) {
            throw malformed("Int of " + n + " byte(s): actual=" + (end - pos) + " byte(s) left vs expected=" + n);
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) (data[pos + i] & 0xFF) << (8 * i);
        }
        pos += n;
        if (v < 0) {
            throw new Malformed(DamageKind.BAD_KEY, pos - n, "Int: actual=negative vs expected=0..2^63-1");
        }
        return v;
    }

    /** VarInt: LEB128, at most 9 bytes' worth of 7 bits plus one (a non-negative int64). */
    long readVarint() {
        long v = 0;
        int start = pos;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new Malformed(DamageKind.BAD_VARINT, start, "VarInt runs past the end of the key");
            }
            int b = data[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw new Malformed(DamageKind.BAD_VARINT, start, "VarInt: actual=negative vs expected=0..2^63-1");
                }
                return v;
            }
        }
        throw new Malformed(DamageKind.BAD_VARINT, start, "VarInt longer than 10 bytes");
    }

    /** A count or length read as a VarInt that must fit in what is left when each unit takes {@code unitBytes}. */
    int readCount(int unitBytes, String what) {
        int at = pos;
        long n = readVarint();
        if (n > (end - pos) / Math.max(1, unitBytes)) {
            throw new Malformed(DamageKind.BAD_LENGTH, at, what + ": actual=" + n + " vs expected<="
                    + (end - pos) / Math.max(1, unitBytes) + " (bytes left " + (end - pos) + ")");
        }
        return (int) n;
    }

    /** {@code units} UTF-16BE code units (lone surrogates kept as they are). */
    String readUtf16Be(int units) {
        if (units < 0 || units > (end - pos) / 2) {
            throw malformed("UTF-16BE string of " + units + " unit(s): actual=" + (end - pos) + " byte(s) left");
        }
        String s = dev.salvor.formats.core.Utf16.bigEndian(data, pos, units);
        pos += 2 * units;
        return s;
    }

    /** String: UTF-16BE up to the end of the slice (an odd byte left over is malformed). */
    String readStringToEnd() {
        if (((end - pos) & 1) != 0) {
            throw malformed("UTF-16BE string: actual=" + (end - pos) + " byte(s) vs expected=an even count");
        }
        return readUtf16Be((end - pos) / 2);
    }

    String readStringWithLength() {
        return readUtf16Be(readCount(2, "StringWithLength length"));
    }

    byte[] readBinary() {
        int n = readCount(1, "Binary length");
        return readBytes(n);
    }

    byte[] readBytes(int n) {
        if (n < 0 || n > end - pos) {
            throw malformed(n + " byte(s): actual=" + (end - pos) + " left");
        }
        byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    byte[] readRest() {
        return readBytes(end - pos);
    }

    double readDoubleLe() {
        if (end - pos < 8) {
            throw malformed("Double: actual=" + (end - pos) + " byte(s) vs expected=8");
        }
        long bits = dev.salvor.formats.core.ByteCursor.getFixed64(data, pos);
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    void skip(int n) {
        if (n < 0 || n > end - pos) {
            throw malformed("skip " + n + ": actual=" + (end - pos) + " byte(s) left");
        }
        pos += n;
    }
}
