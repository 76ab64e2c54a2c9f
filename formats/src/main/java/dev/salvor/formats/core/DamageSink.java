package dev.salvor.formats.core;

import java.util.List;

/**
 * Where readers send the damage they find. A strict sink throws, so the read stops at the first damage; a salvage
 * sink records it and the reader resynchronises and continues. Implementations used by several reader threads at
 * once must be thread-safe (the collecting sink is).
 */
@FunctionalInterface
public interface DamageSink {

    /** Receives one damage. May throw {@link CorruptionException} to stop the read. */
    void report(Damage damage);

    /** Throws a {@link CorruptionException} at the first damage. */
    DamageSink STRICT = damage -> {
        throw new CorruptionException(damage);
    };

    /** Ignores every damage (use only when damage is counted some other way). */
    DamageSink IGNORE = damage -> { };

    /** A sink that appends to {@code list}, synchronising on the list. */
    static DamageSink collectingInto(List<Damage> list) {
        return damage -> {
            synchronized (list) {
                list.add(damage);
            }
        };
    }
}
