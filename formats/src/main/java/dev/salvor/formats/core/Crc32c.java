package dev.salvor.formats.core;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C (Castagnoli) via the JDK's intrinsic {@link CRC32C}, and LevelDB's mask.
 *
 * <p>LevelDB stores masked CRCs ({@code util/crc32c.h}): a CRC of data that itself contains CRCs is weak, so stored
 * values are rotated right by 15 bits and offset by {@code 0xa282ead8}.
 */
public final class Crc32c {
    private static final int MASK_DELTA = 0xa282ead8;

    private Crc32c() {
    }

    /** LevelDB's mask of a raw CRC. */
    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Inverse of {@link #mask}. */
    public static int unmask(int masked) {
        int rot = masked - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** Raw CRC-32C of {@code len} bytes. */
    public static int of(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Raw CRC-32C of one leading byte followed by {@code len} bytes (LevelDB log: type byte, then payload). */
    public static int ofTypeThenData(byte type, byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(type);
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Same as {@link #ofTypeThenData(byte, byte[], int, int)} over a buffer's remaining bytes (not consumed). */
    public static int ofTypeThenData(byte type, ByteBuffer data) {
        CRC32C c = new CRC32C();
        c.update(type);
        c.update(data.duplicate());
        return (int) c.getValue();
    }

    /** Raw CRC-32C of {@code len} bytes followed by one trailing byte (LevelDB table: block data, then type). */
    public static int ofDataThenType(byte[] b, int off, int len, byte type) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        c.update(type);
        return (int) c.getValue();
    }

    /** Same as {@link #ofDataThenType(byte[], int, int, byte)} over a buffer's remaining bytes (not consumed). */
    public static int ofDataThenType(ByteBuffer data, byte type) {
        CRC32C c = new CRC32C();
        c.update(data.duplicate());
        c.update(type);
        return (int) c.getValue();
    }
}
