package dev.salvor.formats.leveldb;

/**
 * Totals of one {@link TableReader#scan} pass.
 *
 * @param blocksVerified data blocks whose checksum verified and whose entries all decoded
 * @param blocksDamaged  data blocks (or suspected blocks) with any damage
 * @param entries        entries delivered to the consumer
 * @param bytesVerified  on-disk bytes (block plus trailer) of the verified data blocks
 * @param footerOk       whether the footer decoded with the table magic
 * @param indexOk        whether the index block verified and every handle in it was usable
 * @param scanned        whether any part of the file had to be scanned for blocks
 */
public record TableStats(long blocksVerified, long blocksDamaged, long entries, long bytesVerified,
                         boolean footerOk, boolean indexOk, boolean scanned) {
}
