package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.util.Arrays;

/**
 * A LevelDB internal key ({@code db/dbformat.h}): the user key followed by 8 bytes, little-endian, of
 * {@code sequence << 8 | type}.
 *
 * <pre>
 * +-----------------+--------------------------------------+
 * | user key (n)    | fixed64 LE: sequence (56) | type (8)  |
 * +-----------------+--------------------------------------+
 * </pre>
 *
 * @param userKey  the key the application wrote
 * @param sequence the sequence number of the write (at most 2^56 - 1)
 * @param type     put or delete
 */
public record InternalKey(byte[] userKey, long sequence, ValueType type) {

    /**
     * Splits a raw internal key.
     *
     * @throws Malformed ({@link DamageKind#BAD_KEY}, position 0) if shorter than 8 bytes or the type is unknown
     */
    public static InternalKey decode(byte[] raw) {
        int n = raw.length;
        if (n < 8) {
            throw new Malformed(DamageKind.BAD_KEY, 0, "internal key shorter than its 8-byte sequence/type trailer:"
                    + " actual=" + n + " vs expected=>= 8");
        }
        long tag = ByteCursor.getFixed64(raw, n - 8);
        int code = (int) (tag & 0xff);
        ValueType type = ValueType.of(code);
        if (type == null) {
            throw new Malformed(DamageKind.BAD_KEY, 0, "internal key value type unknown: actual=" + code
                    + " vs expected=0 (deletion) or 1 (value)");
        }
        return new InternalKey(Arrays.copyOf(raw, n - 8), tag >>> 8, type);
    }

    /** The on-disk form: user key, then fixed64 LE of {@code sequence << 8 | type}. */
    public byte[] encode() {
        byte[] out = Arrays.copyOf(userKey, userKey.length + 8);
        long tag = (sequence << 8) | type.code();
        for (int i = 0; i < 8; i++) {
            out[userKey.length + i] = (byte) (tag >>> (8 * i));
        }
        return out;
    }
}
