package dev.salvor.formats.core;

import java.util.Locale;

/**
 * How much {@code salvor check} verifies, from the cheapest to the dearest, after Lucene's {@code CheckIndex} and
 * SQLite's {@code quick_check} / {@code integrity_check}. A damage found at a lower level is found, the same (kind,
 * file, offset), at every higher level; a higher level may find more.
 *
 * <ul>
 *   <li>{@link #CRC}: the checksums the format stores, and only the structure needed to find what they cover.
 *       LevelDB: the CRC-32C of every table data block (found through footer and index, not decompressed, entries not
 *       walked) and of every log and MANIFEST record (batches and version edits not decoded; no MANIFEST
 *       cross-check). SQLite: the WAL header and frame checksums, the rollback journal's page-record checksums
 *       (with its nonce), and, since database pages carry no checksum, page-header sanity: each b-tree page reached
 *       from the schema has its header, cell pointers, cell extents and freeblock chain checked (no overflow chain,
 *       freelist, page-use or index cross-check). Hash-chained logs: every event's own hash and the links, the same
 *       as {@link #STRUCTURE} (the event hash is the unit; there is nothing cheaper that still verifies it).
 *       Units verified count the blocks, records, frames and pages that passed.</li>
 *   <li>{@link #STRUCTURE} (the default): everything {@link #CRC} does, plus the structure inside the checksummed
 *       units: decompression, entries, keys and their order, write batches, version edits, cells, overflow chains,
 *       and the cross-checks that cost little (MANIFEST against the directory; every SQLite page used once, index
 *       entries against table rows, pointer map).</li>
 *   <li>{@link #FULL}: every cross-check salvor has. Today none costs more than the default's, so it checks exactly
 *       what {@link #STRUCTURE} checks.</li>
 * </ul>
 */
public enum CheckLevel {
    CRC, STRUCTURE, FULL;

    /** The level as named on the command line and in reports: {@code crc}, {@code structure}, {@code full}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this level verifies more than the checksums. */
    public boolean checksStructure() {
        return this != CRC;
    }
}
