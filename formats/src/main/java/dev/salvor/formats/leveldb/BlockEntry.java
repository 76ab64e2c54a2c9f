package dev.salvor.formats.leveldb;

/**
 * One key/value pair of a decoded block, with its prefix compression undone.
 *
 * @param key           the full key (for data blocks an internal key; for the metaindex a meta block name)
 * @param value         the value bytes
 * @param offsetInBlock offset of the entry's header inside the decoded (uncompressed) block
 */
public record BlockEntry(byte[] key, byte[] value, int offsetInBlock) {
}
