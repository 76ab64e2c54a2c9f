package dev.salvor.formats.leveldb;

/**
 * What one {@link LogReader#read} pass saw.
 *
 * @param blocks          32 KiB blocks in the file (the last one may be partial)
 * @param physicalRecords physical records (FULL/FIRST/MIDDLE/LAST) whose header and checksum verified
 * @param logicalRecords  logical records delivered to the consumer (including FULL records with {@code crcOk=false})
 * @param bytesVerified   bytes (headers + payloads) of the physical records counted in {@code physicalRecords}
 * @param damagedBytes    sum of the lengths of the damages reported. Fragments that verified but were dropped
 *                        (without a FIRST, or of a record never finished) count here and in {@code bytesVerified};
 *                        otherwise spans do not overlap, except that a dropped record's span may include a damaged
 *                        trailer reported on its own
 * @param damages         number of damages reported
 * @param cleanEnd        true when the log ends at a record boundary, optionally followed by a block trailer or a
 *                        zero-filled tail, with no unfinished fragmented record and no damage as the last unit
 */
public record LogStats(long blocks, long physicalRecords, long logicalRecords, long bytesVerified, long damagedBytes,
                       long damages, boolean cleanEnd) {
}
