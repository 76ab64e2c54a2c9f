package dev.salvor.formats.leveldb;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link TableReader} found out about a table's structure.
 *
 * @param footer       the footer, or {@code null} unless it decoded with the table magic (its handles may still be
 *                     unusable: see {@code footerOk})
 * @param footerOk     whether the footer decoded with the table magic and a usable index handle
 * @param indexOk      whether the index block verified and every handle in it was usable
 * @param scanned      whether any byte range had to be scanned for blocks
 * @param dataBlocks   the data blocks, in file order
 * @param metaBlocks   the metaindex entries (meta block name to handle), empty if the metaindex is unreadable
 * @param filterBlocks the filter blocks (named by the metaindex, or recognised by their structure while scanning);
 *                     they carry no user data
 * @param structureBlocks the metaindex and index blocks whose checksum verified (named by the footer, or recognised
 *                     by their handles while scanning); they carry no user data
 */
public record TableLayout(Footer footer, boolean footerOk, boolean indexOk, boolean scanned,
                          List<DataBlockRef> dataBlocks, Map<String, BlockHandle> metaBlocks,
                          List<BlockHandle> filterBlocks, List<BlockHandle> structureBlocks) {

    /** The footer, if it decoded. */
    public Optional<Footer> footerIfPresent() {
        return Optional.ofNullable(footer);
    }
}
