package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.io.ByteArrayOutputStream;

/**
 * A pointer to a block inside a table file ({@code table/format.h}, doc/table_format.md).
 *
 * <pre>
 * offset: varint64   file offset of the block's first byte
 * size:   varint64   block length, EXCLUDING the 5-byte trailer that follows it
 * </pre>
 *
 * @param offset file offset of the block
 * @param size   block length without its {@link BlockTrailer}
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 */
public record BlockHandle(long offset, long size) {

    /** Two varint64s of at most 10 bytes each. */
    public static final int MAX_ENCODED_LENGTH = 20;

    /**
     * Reads a handle at the cursor.
     *
     * @throws Malformed {@link DamageKind#BAD_VARINT} if a varint is overlong or cut off, {@link DamageKind#BAD_POINTER}
     *                   if a value does not fit in a signed 64-bit file offset
     */
    public static BlockHandle decode(ByteCursor c) {
        int at = c.position();
        long offset = c.readVarint64();
        long size = c.readVarint64();
        if (offset < 0 || size < 0) {
            throw new Malformed(DamageKind.BAD_POINTER, at, "block handle does not fit a file offset: actual=("
                    + Long.toUnsignedString(offset) + ", " + Long.toUnsignedString(size) + ") vs expected=< 2^63");
        }
        return new BlockHandle(offset, size);
    }

    /** Decodes a value that must be exactly one handle (an index or metaindex entry's value). */
    public static BlockHandle decodeExact(byte[] value) {
        ByteCursor c = new ByteCursor(value);
        BlockHandle h = decode(c);
        if (c.hasRemaining()) {
            throw new Malformed(DamageKind.BAD_POINTER, c.position(), "block handle followed by "
                    + c.remaining() + " unexpected bytes");
        }
        return h;
    }

    /** The on-disk encoding (two varint64s). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_ENCODED_LENGTH);
        putVarint64(out, offset);
        putVarint64(out, size);
        return out.toByteArray();
    }

    /** Offset one past the block's trailer. */
    public long endWithTrailer() {
        return offset + size + BlockTrailer.ENCODED_LENGTH;
    }

    static void putVarint64(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
