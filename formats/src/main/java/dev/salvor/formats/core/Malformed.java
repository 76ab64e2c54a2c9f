package dev.salvor.formats.core;

/**
 * A decoding failure inside an in-memory unit, positioned relative to that unit. Thrown by {@link ByteCursor};
 * the reader that owns the unit catches it and turns it into a {@link Damage} with the file offset it knows.
 * Carries no stack trace: it is control flow on damaged input, not a bug.
 */
public final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final DamageKind kind;
    private final int position;

    public Malformed(DamageKind kind, int position, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.position = position;
    }

    /** What is wrong. */
    public DamageKind kind() {
        return kind;
    }

    /** Position inside the unit (the byte array index the cursor was reading) where decoding failed. */
    public int position() {
        return position;
    }

    /** The explanation. */
    public String detail() {
        return getMessage();
    }

    /** Converts to a damage at {@code unitOffset + position}, spanning to {@code unitEnd}. */
    public Damage toDamage(String resource, long unitOffset, long unitLength) {
        return Damage.of(resource, unitOffset, unitLength, kind, getMessage() + " at +" + position);
    }
}
