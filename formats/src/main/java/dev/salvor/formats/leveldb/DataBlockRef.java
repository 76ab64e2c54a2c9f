package dev.salvor.formats.leveldb;

/**
 * Where a data block is.
 *
 * @param offset  file offset of the block
 * @param size    block length on disk, excluding the 5-byte {@link BlockTrailer}
 * @param foundBy how it was located
 */
public record DataBlockRef(long offset, int size, BlockSource foundBy) {

    /** Offset one past the block's trailer. */
    public long endWithTrailer() {
        return offset + size + BlockTrailer.ENCODED_LENGTH;
    }
}
