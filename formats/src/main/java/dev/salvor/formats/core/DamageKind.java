package dev.salvor.formats.core;

/**
 * What is wrong with a unit of a file. {@link #id()} is the stable, lower-case name used in reports and JSON.
 * New kinds are appended; ids never change meaning.
 */
public enum DamageKind {
    /** A stored checksum does not match the bytes it covers. */
    CRC_MISMATCH("crc-mismatch"),
    /** The file or a structure ends before a unit it announces is complete. */
    TRUNCATED("truncated"),
    /** A magic number is not the one the format requires. */
    BAD_MAGIC("bad-magic"),
    /** A length or size field is impossible (past the enclosing unit, negative, over a limit). */
    BAD_LENGTH("bad-length"),
    /** A variable-length integer is longer than its type allows or runs off its unit. */
    BAD_VARINT("bad-varint"),
    /** A block's restart array is impossible (count or offsets outside the block). */
    BAD_RESTART_ARRAY("bad-restart-array"),
    /** A compression id is unknown. */
    UNKNOWN_COMPRESSION("unknown-compression"),
    /** A compressed payload failed to decompress. */
    DECOMPRESS_FAILED("decompress-failed"),
    /** A record type byte is not one the format defines. */
    BAD_RECORD_TYPE("bad-record-type"),
    /** Log fragments out of order: MIDDLE/LAST without FIRST, FIRST without LAST. */
    BAD_FRAGMENT_SEQUENCE("bad-fragment-sequence"),
    /** A decoded record's content contradicts itself (e.g. a write batch whose count differs from its records). */
    BAD_RECORD("bad-record"),
    /** A key entry cannot be decoded (shared prefix longer than the previous key, short internal key). */
    BAD_KEY("bad-key"),
    /** A block handle or pointer points outside the file or overlaps a structure it must not. */
    BAD_POINTER("bad-pointer"),
    /** A chain of pointers (pages, blocks, fragments) loops. */
    CYCLE("cycle"),
    /** A structure is internally inconsistent in a way not covered by a more precise kind. */
    BAD_STRUCTURE("bad-structure"),
    /** A size claimed by the file is over the configured {@link Limits}; nothing of that size was allocated. */
    LIMIT_EXCEEDED("limit-exceeded"),
    /** Bytes that should be a structure are all zero (e.g. a sector overwritten with zeros). */
    ZEROED("zeroed"),
    /** Bytes between recognised units that could not be attributed to any unit. */
    UNRECOGNISED("unrecognised"),
    /** A file named by another file (CURRENT, MANIFEST) is missing or unusable. */
    MISSING_FILE("missing-file"),
    /** A file of the input could not be read at all (permission denied, I/O error): nothing of it was verified. */
    UNREADABLE("unreadable"),
    /** The input changed while it was being read. */
    CHANGED_DURING_READ("changed-during-read"),
    /** A hash chain does not verify there: an event's own hash, its link, its sequence number or an anchor. */
    CHAIN_BREAK("chain-break");

    private final String id;

    DamageKind(String id) {
        this.id = id;
    }

    /** The stable name used in reports, e.g. {@code crc-mismatch}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
