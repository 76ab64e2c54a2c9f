package dev.salvor.formats.leveldb;

/**
 * The value type stored in the low byte of an internal key's trailer and as the tag of a write batch entry.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/db/dbformat.h">leveldb db/dbformat.h</a>
 */
public enum ValueType {
    /** A tombstone: the key was deleted at this sequence number. */
    DELETION(0),
    /** A put: the key had this value at this sequence number. */
    VALUE(1);

    private final int code;

    ValueType(int code) {
        this.code = code;
    }

    /** The on-disk code. */
    public int code() {
        return code;
    }

    /** The type with this code, or {@code null} if the code is not defined. */
    public static ValueType of(int code) {
        return switch (code) {
            case 0 -> DELETION;
            case 1 -> VALUE;
            default -> null;
        };
    }
}
