package dev.salvor.formats.leveldb;

/** How a data block was located. */
public enum BlockSource {
    /** From a handle in the table's index block (the index verified or its handle led to a verified block). */
    INDEX,
    /** By scanning the file for blocks whose trailer checksum verifies (footer or index missing or damaged). */
    SCAN
}
