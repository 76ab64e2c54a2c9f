package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.Damage;

/**
 * One event object found in a segment by {@link SegmentReader}.
 *
 * @param file       the segment's resource name
 * @param index      position of the event among the events of this segment (0-based, counting rejected ones)
 * @param offset     byte offset of the event's opening brace
 * @param length     length in bytes of {@link #raw()}
 * @param raw        the original bytes, exactly as stored (for {@link Status#TORN_HASH}: up to the last surviving
 *                   hash digit)
 * @param status     how complete and usable the event is
 * @param canonical  the RFC 8785 form of the event without its hash member, plus its top-level scalars; null when
 *                   {@link Status#REJECTED}
 * @param storedHash the hash member as stored (complete for {@link Status#OK}; the surviving hex prefix for
 *                   {@link Status#TORN_HASH}); null when absent or not a string
 * @param problem    why the event is {@link Status#REJECTED} or {@link Status#TORN_HASH}; null for {@link Status#OK}
 */
public record SegmentEvent(String file, int index, long offset, long length, byte[] raw, Status status,
                           JsonCanonicalizer.Canonical canonical, String storedHash, Damage problem) {

    /** Completeness of an event. */
    public enum Status {
        /** A complete, valid JSON object whose canonical form is unambiguous. */
        OK,
        /**
         * A complete JSON object (delimited exactly) whose content cannot be hashed unambiguously or is over a
         * limit: duplicate member names, lone surrogates, a number outside the double range, invalid UTF-8, a
         * string or nesting over the limits. It occupies an index; its bytes are kept.
         */
        REJECTED,
        /**
         * An event torn inside (or right after) its hash member - the last member, so every other member is
         * intact. Kept only because the SHA-256 of its content matches the surviving hash digits (at least 32 hex
         * digits, 128 bits), which proves nothing else was lost; the chain verifier also checks the full hash
         * against the successor's link or an anchor.
         */
        TORN_HASH
    }
}
