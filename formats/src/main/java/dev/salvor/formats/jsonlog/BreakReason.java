package dev.salvor.formats.jsonlog;

/**
 * Why an event breaks the chain, or ({@link #UNANCHORED}) why it could not be verified. {@link #id()} is the stable
 * name used in reports.
 */
public enum BreakReason {
    /** The event's stored hash is not the SHA-256 of its canonical content (or is missing/malformed). */
    HASH_MISMATCH("hash-mismatch"),
    /** The event's previous-hash is not the hash of the event before it. */
    LINK_MISMATCH("link-mismatch"),
    /** Sequence numbers skip: entries are missing. */
    GAP("gap"),
    /** An event's hash differs from a trusted anchor (snapshot, manifest, user-given {@code ID=HASH}). */
    ANCHOR_MISMATCH("anchor-mismatch"),
    /** Bytes where events were could not be read as events, or an event cannot be hashed unambiguously. */
    UNPARSEABLE("unparseable"),
    /** An id seen before. */
    DUPLICATE("duplicate"),
    /** An id lower than one already seen (and not a duplicate). */
    REORDER("reorder"),
    /**
     * Not a break: why an event is {@code unverified} when the chain starts with it and its previous-hash is neither
     * a genesis nor known to an anchor (early segments pruned, or a carved run whose predecessor is not in the image).
     */
    UNANCHORED("unanchored");

    private final String id;

    BreakReason(String id) {
        this.id = id;
    }

    /** The stable name, e.g. {@code hash-mismatch}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
