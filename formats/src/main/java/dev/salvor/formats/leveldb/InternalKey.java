package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.util.Arrays;
import java.util.Objects;

/**
 * A LevelDB internal key: the user key followed by an 8-byte little-endian trailer packing the sequence number and
 * the value type.
 *
 * <table>
 *   <caption>Internal key</caption>
 *   <tr><th>Offset</th><th>Size</th><th>Field</th></tr>
 *   <tr><td>0</td><td>n</td><td>user key</td></tr>
 *   <tr><td>n</td><td>8</td><td>fixed64 LE: {@code sequence << 8 | type} (type 1 value, 0 deletion)</td></tr>
 * </table>
 *
 * @param userKey  the user's key (owned by the record; not copied)
 * @param sequence the sequence number (56 bits)
 * @param type     the value type
 * @see <a href="https://github.com/google/leveldb/blob/main/db/dbformat.h">leveldb db/dbformat.h</a>
 */
public record InternalKey(byte[] userKey, long sequence, ValueType type) {
    /** Size of the trailer after the user key. */
    public static final int TRAILER_SIZE = 8;

    /** Checks that the required components are not null. */
    public InternalKey {
        Objects.requireNonNull(userKey, "userKey");
        Objects.requireNonNull(type, "type");
    }

    /**
     * Decodes an encoded internal key.
     *
     * @throws Malformed {@link DamageKind#BAD_KEY} when {@code raw} is shorter than 8 bytes or its type byte is not
     *                   0 or 1 (position = the offending index in {@code raw})
     */
    public static InternalKey decode(byte[] raw) {
        if (raw.length < TRAILER_SIZE) {
            throw new Malformed(DamageKind.BAD_KEY, raw.length, "internal key of " + raw.length
                    + " bytes is shorter than its 8-byte sequence/type trailer");
        }
        int at = raw.length - TRAILER_SIZE;
        long tag = ByteCursor.getFixed64(raw, at);
        ValueType type = ValueType.of((int) (tag & 0xff));
        if (type == null) {
            throw new Malformed(DamageKind.BAD_KEY, at, "internal key value type " + (tag & 0xff)
                    + " is neither 0 (deletion) nor 1 (value)");
        }
        return new InternalKey(Arrays.copyOf(raw, at), tag >>> 8, type);
    }

    /**
     * Why {@code raw[0, length)} is not an internal key, in the words of {@link #decode}'s {@link Malformed}
     * detail, or null when it is one (at least 8 bytes, value type 0 or 1). Nothing is allocated for a good key.
     */
    static String problem(byte[] raw, int length) {
        if (length < TRAILER_SIZE) {
            return "internal key of " + length + " bytes is shorter than its 8-byte sequence/type trailer";
        }
        int type = raw[length - TRAILER_SIZE] & 0xff; // the low byte of the little-endian tag
        if (type > 1) {
            return "internal key value type " + type + " is neither 0 (deletion) nor 1 (value)";
        }
        return null;
    }

    /** The encoded form: user key + fixed64 LE ({@code sequence << 8 | type}); sequence bits above 56 are lost. */
    public byte[] encode() {
        byte[] out = Arrays.copyOf(userKey, userKey.length + TRAILER_SIZE);
        long tag = (sequence << 8) | type.code();
        for (int i = 0; i < TRAILER_SIZE; i++) {
            out[userKey.length + i] = (byte) (tag >>> (8 * i));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InternalKey k && k.sequence == sequence && k.type == type
                && Arrays.equals(k.userKey, userKey);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(userKey) * 31 + Long.hashCode(sequence)) * 31 + type.hashCode();
    }

    /**
     * {@code 'user key' @ sequence : type}, exactly as LevelDB's {@code InternalKey::DebugString} prints it (bytes
     * outside printable ASCII as {@code \xNN}), so keys can be compared with the engine's {@code leveldb.sstables}
     * property.
     */
    @Override
    public String toString() {
        return "'" + printable(userKey) + "' @ " + sequence + " : " + type.code();
    }

    /** LevelDB's {@code EscapeString}: printable ASCII as is, every other byte as {@code \xNN}. */
    static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) {
            if (x >= ' ' && x <= '~') {
                sb.append((char) x);
            } else {
                sb.append(String.format("\\x%02x", x & 0xff));
            }
        }
        return sb.toString();
    }
}
