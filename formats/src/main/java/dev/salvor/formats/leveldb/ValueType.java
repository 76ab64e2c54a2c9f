package dev.salvor.formats.leveldb;

/**
 * The type tag stored in the low byte of an internal key's trailer ({@code db/dbformat.h}: {@code kTypeDeletion = 0},
 * {@code kTypeValue = 1}).
 */
public enum ValueType {
    /** A tombstone: the user key was deleted at this sequence number. */
    DELETION(0),
    /** A put: the entry's value is the user key's value at this sequence number. */
    VALUE(1);

    private final int code;

    ValueType(int code) {
        this.code = code;
    }

    /** The on-disk code. */
    public int code() {
        return code;
    }

    /** The type with this on-disk code, or {@code null} if the code is not one LevelDB defines. */
    public static ValueType of(int code) {
        switch (code) {
            case 0:
                return DELETION;
            case 1:
                return VALUE;
            default:
                return null;
        }
    }
}
