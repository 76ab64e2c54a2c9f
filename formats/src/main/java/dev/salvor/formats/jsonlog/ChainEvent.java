package dev.salvor.formats.jsonlog;

import java.util.List;

/**
 * One event with its verification result, for output rows
 * ({@code {"format":"jsonlog","file":..,"index":n,"offset":..,"event":{..},"chain":..}}).
 *
 * @param file         segment or export name
 * @param index        index in the file (0-based)
 * @param offset       byte offset of the event (-1 for a table row)
 * @param length       length of {@code raw}
 * @param raw          the original bytes of the event object (write them as the row's {@code event} verbatim)
 * @param chain        {@code valid}, {@code broken} or {@code unverified} (see {@link ChainVerifier})
 * @param id           the id member as written (exact digits), or null
 * @param storedHash   the hash member as stored (a prefix for a torn hash), or null
 * @param computedHash SHA-256 of the canonical content, or null when the event cannot be canonicalised
 * @param status       completeness reported by the reader
 * @param reasons      why the event is broken or unverified (empty when valid)
 */
public record ChainEvent(String file, int index, long offset, long length, byte[] raw, String chain, String id,
                         String storedHash, String computedHash, SegmentEvent.Status status,
                         List<BreakReason> reasons) {

    /** The status values of {@link #chain()}. */
    public static final String VALID = "valid";
    /** The event is at a break, or inside a range an anchor proves forged. */
    public static final String BROKEN = "broken";
    /** The event verifies on its own but cannot be linked to a verified predecessor or anchor. */
    public static final String UNVERIFIED = "unverified";
}
