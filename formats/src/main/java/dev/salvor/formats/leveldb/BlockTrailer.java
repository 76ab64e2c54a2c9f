package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.Crc32c;

/**
 * The 5 bytes after every block ({@code table/format.h}, {@code kBlockTrailerSize}).
 *
 * <pre>
 * type: uint8     compression id (see {@link CompressionType})
 * crc:  fixed32   masked CRC-32C over the block's bytes followed by the type byte
 * </pre>
 *
 * @param type      the nominal codec for {@code typeCode} ({@link CompressionType#forId})
 * @param typeCode  the type byte as stored
 * @param maskedCrc the stored (masked) checksum
 */
public record BlockTrailer(CompressionType type, int typeCode, int maskedCrc) {

    /** Type byte plus fixed32 checksum. */
    public static final int ENCODED_LENGTH = 5;

    /** Reads the trailer at {@code b[off, off+5)}. */
    public static BlockTrailer decode(byte[] b, int off) {
        int code = b[off] & 0xff;
        return new BlockTrailer(CompressionType.forId(code), code, ByteCursor.getFixed32(b, off + 1));
    }

    /** Whether the stored checksum matches {@code block[off, off+len)} followed by the type byte. */
    public boolean verifies(byte[] block, int off, int len) {
        return Crc32c.mask(Crc32c.ofDataThenType(block, off, len, (byte) typeCode)) == maskedCrc;
    }
}
