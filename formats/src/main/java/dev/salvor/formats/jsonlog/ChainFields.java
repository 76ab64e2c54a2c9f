package dev.salvor.formats.jsonlog;

import java.util.Objects;

/**
 * Names of the members that make an object a link of a hash chain.
 *
 * @param id   the event's identifier or sequence number (compared exactly, never through a double)
 * @param hash the event's own hash: lower-case hex SHA-256 of the RFC 8785 form of the event without this member
 * @param prev the previous event's {@code hash}; {@code null} for the first event
 */
public record ChainFields(String id, String hash, String prev) {

    /** The EventLog of seed 001: {@code id}, {@code current_hash}, {@code previous_hash}. */
    public static final ChainFields EVENT_LOG = new ChainFields("id", "current_hash", "previous_hash");

    /** The PostgreSQL ledger of seed 004: {@code sequence_number}, {@code entry_hash}, {@code previous_hash}. */
    public static final ChainFields LEDGER = new ChainFields("sequence_number", "entry_hash", "previous_hash");

    public ChainFields {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(prev, "prev");
        if (id.equals(hash) || hash.equals(prev) || id.equals(prev)) {
            throw new IllegalArgumentException("field names must differ: " + id + ", " + hash + ", " + prev);
        }
    }
}
