package dev.salvor.formats.core;

import java.util.Objects;

/**
 * One piece of damage found in an input: where it is, what kind it is, what the format expected and what the file
 * holds.
 *
 * <p>{@link #toString()} follows the form {@code detail: actual=X vs expected=Y (resource=file, offset=0x..,
 * length=N)}, so a message alone is enough to locate the damage with a hex editor.
 *
 * @param resource the input's name (usually a path relative to what the user named)
 * @param offset   byte offset in the resource where the damaged unit starts, or -1 if unknown
 * @param length   length in bytes of the damaged unit (0 if unknown or the damage is an absence)
 * @param kind     what is wrong
 * @param expected what the format requires, or {@code null} when not applicable
 * @param actual   what the file holds, or {@code null} when not applicable
 * @param detail   a short human explanation, including the likely cause where known
 */
public record Damage(String resource, long offset, long length, DamageKind kind, String expected, String actual,
                     String detail) {

    public Damage {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if (length < 0) {
            throw new IllegalArgumentException("length < 0: " + length);
        }
    }

    /** Damage without an expected/actual pair. */
    public static Damage of(String resource, long offset, long length, DamageKind kind, String detail) {
        return new Damage(resource, offset, length, kind, null, null, detail);
    }

    /** The offset one past the damaged unit ({@code offset + length}), or -1 if the offset is unknown. */
    public long end() {
        return offset < 0 ? -1 : offset + length;
    }

    /** Formats {@code v} as {@code 0x} followed by 8 lower-case hex digits (for checksums). */
    public static String hex32(int v) {
        return String.format("0x%08x", v);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(detail);
        if (actual != null || expected != null) {
            sb.append(": actual=").append(actual).append(" vs expected=").append(expected);
        }
        sb.append(" (").append(kind.id()).append(") (resource=").append(resource);
        if (offset >= 0) {
            sb.append(", offset=0x").append(Long.toHexString(offset));
        }
        sb.append(", length=").append(length).append(')');
        return sb.toString();
    }
}
