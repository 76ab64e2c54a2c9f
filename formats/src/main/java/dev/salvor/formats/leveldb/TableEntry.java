package dev.salvor.formats.leveldb;

/**
 * One entry recovered from a table's data block.
 *
 * @param resource      the table's name
 * @param blockOffset   file offset of the (possibly compressed) block holding the entry
 * @param offsetInBlock offset of the entry inside the decompressed block
 * @param rawKey        the stored key (internal key bytes)
 * @param key           the decoded internal key, or {@code null} if {@code rawKey} is not one
 * @param value         the value (empty for deletions)
 * @param crcOk         whether the block's checksum verified
 */
public record TableEntry(String resource, long blockOffset, int offsetInBlock, byte[] rawKey, InternalKey key,
                         byte[] value, boolean crcOk) {
}
