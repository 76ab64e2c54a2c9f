package dev.salvor.formats.v8;

import java.nio.charset.StandardCharsets;

/**
 * A bounded reader over serialized value bytes: tags, LEB128 varints (V8's {@code ReadVarint}), ZigZag int32,
 * host-order (little-endian on every platform Chrome writes IndexedDB on) doubles and raw byte runs. Every read
 * checks the bytes left first and throws {@link UndecodableValueException} naming the offset instead of reading past
 * the end.
 */
final class V8Cursor {
    private final byte[] data;
    private final int end;
    private int pos;

    V8Cursor(byte[] data, int start, int end) {
        this.data = data;
        this.pos = start;
        this.end = end;
    }

    int position() {
        return pos;
    }

    /** Moves back to a position read before (never past the end). */
    void seek(int p) {
        pos = Math.min(p, end);
    }

    int remaining() {
        return end - pos;
    }

    boolean atEnd() {
        return pos >= end;
    }

    int readByte() throws UndecodableValueException {
        if (pos >= end) {
            throw new UndecodableValueException("truncated value: actual=end of data vs expected=1 more byte", pos);
        }
        return data[pos++] & 0xff;
    }

    /** The next tag, skipping V8's padding bytes ({@code \0}, written to align two-byte strings). */
    int readTag() throws UndecodableValueException {
        int t;
        do {
            t = readByte();
        } while (t == 0);
        return t;
    }

    /** The next tag without consuming it (padding skipped and consumed), or -1 at the end. */
    int peekTag() {
        while (pos < end && data[pos] == 0) {
            pos++;
        }
        return pos < end ? data[pos] & 0xff : -1;
    }

    /** An unsigned LEB128 varint of at most 32 bits (V8 drops higher bits of an over-long one; so do we). */
    long varint32() throws UndecodableValueException {
        int start = pos;
        long v = 0;
        int shift = 0;
        while (true) {
            int b = readByte();
            if (shift < 32) {
                v |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
            if ((b & 0x80) == 0) {
                return v & 0xffffffffL;
            }
            if (shift > 70) {
                throw new UndecodableValueException("varint: actual=more than 10 bytes vs expected=at most 5", start);
            }
        }
    }

    /** An unsigned LEB128 varint of at most 64 bits; values above Long.MAX_VALUE are refused. */
    long varint64() throws UndecodableValueException {
        int start = pos;
        long v = 0;
        int shift = 0;
        while (true) {
            int b = readByte();
            if (shift < 64) {
                v |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw new UndecodableValueException("varint: actual=" + Long.toUnsignedString(v)
                            + " vs expected=at most " + Long.MAX_VALUE, start);
                }
                return v;
            }
            if (shift > 70) {
                throw new UndecodableValueException("varint: actual=more than 10 bytes vs expected=at most 10", start);
            }
        }
    }

    int zigZag32() throws UndecodableValueException {
        int u = (int) varint32();
        return (u >>> 1) ^ -(u & 1);
    }

    double doubleLE() throws UndecodableValueException {
        need(8, "double");
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = (bits << 8) | (data[pos + i] & 0xff);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /** A length read from the data, checked against the bytes left before anything is allocated. */
    int length(long n, String what) throws UndecodableValueException {
        if (n > remaining()) {
            throw new UndecodableValueException(what + " length: actual=" + n + " vs expected=at most "
                    + remaining() + " (bytes left)", pos);
        }
        return (int) n;
    }

    byte[] bytes(long n, String what) throws UndecodableValueException {
        int len = length(n, what);
        byte[] b = new byte[len];
        System.arraycopy(data, pos, b, 0, len);
        pos += len;
        return b;
    }

    String latin1(long n) throws UndecodableValueException {
        int len = length(n, "Latin-1 string");
        String s = new String(data, pos, len, StandardCharsets.ISO_8859_1);
        pos += len;
        return s;
    }

    String utf8(long n) throws UndecodableValueException {
        int len = length(n, "UTF-8 string");
        String s = new String(data, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** UTF-16 code units in host order (little-endian), kept as they are: a lone surrogate stays one. */
    String utf16le(long byteLength) throws UndecodableValueException {
        int start = pos;
        int len = length(byteLength, "two-byte string");
        if ((len & 1) != 0) {
            throw new UndecodableValueException("two-byte string length: actual=" + len
                    + " vs expected=an even number of bytes", start);
        }
        String s = dev.salvor.formats.core.Utf16.littleEndian(data, pos, len / 2);
        pos += len;
        return s;
    }

    private void need(int n, String what) throws UndecodableValueException {
        if (remaining() < n) {
            throw new UndecodableValueException("truncated " + what + ": actual=" + remaining()
                    + " bytes left vs expected=" + n, pos);
        }
    }
}
