package dev.salvor.formats.leveldb;

import java.util.List;

/**
 * The result of reading one data block.
 *
 * @param ref         the block
 * @param crcOk       whether the trailer checksum verified (entries of a failing block are still returned when they
 *                    parse, and flagged)
 * @param compression the codec the payload was decoded with ({@link CompressionType#UNKNOWN} if none worked)
 * @param entries     the entries that decoded, in block order
 */
public record DecodedDataBlock(DataBlockRef ref, boolean crcOk, CompressionType compression,
                               List<TableEntry> entries) {
}
