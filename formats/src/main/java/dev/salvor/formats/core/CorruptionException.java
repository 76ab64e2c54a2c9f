package dev.salvor.formats.core;

/**
 * Thrown by strict readers (see {@link DamageSink#STRICT}) at the first damage. Carries the {@link Damage}, so a
 * caller can report it exactly as a salvage reader would have.
 */
public class CorruptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Damage damage;

    public CorruptionException(Damage damage) {
        super(damage.toString());
        this.damage = damage;
    }

    /** The damage that stopped the read. */
    public Damage damage() {
        return damage;
    }
}
