package dev.salvor.formats.chromium;

import java.util.List;

/**
 * An object store's or index's key path: none (out-of-line keys), one string ({@code "id"}, {@code "a.b"}) or an
 * array of strings. Stored as {@code 00 00 <type>} then nothing (0, none), a StringWithLength (1) or a VarInt count
 * of StringWithLength (2); an older, untyped form is the whole value as a UTF-16BE string.
 *
 * @param string the key path when it is one string, else null
 * @param array  the key path when it is an array, else null
 */
public record IdbKeyPath(String string, List<String> array) {
    /** No key path. */
    public static final IdbKeyPath NONE = new IdbKeyPath(null, null);

    public IdbKeyPath {
        array = array == null ? null : List.copyOf(array);
    }

    /** True when the store or index has no key path. */
    public boolean isNone() {
        return string == null && array == null;
    }

    /**
     * A key path as the SQLite backend stores it ({@code key_path} column): a UTF-16LE blob, an array's strings joined
     * by one space (identifiers hold no space), null for none. One part is a string key path (the empty blob is the
     * empty string), more are an array. An odd last byte is not a code unit and is left out; a lone surrogate is kept.
     */
    public static IdbKeyPath ofSqlite(byte[] utf16le) {
        if (utf16le == null) {
            return NONE;
        }
        String joined = dev.salvor.formats.core.Utf16.littleEndian(utf16le, 0, utf16le.length / 2);
        String[] parts = joined.split(" ", -1);
        return parts.length == 1 ? new IdbKeyPath(joined, null) : new IdbKeyPath(null, List.of(parts));
    }

    /** Decodes a key path value (the whole slice). */
    public static IdbKeyPath decode(byte[] value) {
        IdbReader in = new IdbReader(value);
        if (value.length < 3 || value[0] != 0 || value[1] != 0) {
            return new IdbKeyPath(in.readStringToEnd(), null);
        }
        in.skip(2);
        int type = in.readByte();
        switch (type) {
            case 0:
                return NONE;
            case 1:
                return new IdbKeyPath(in.readStringWithLength(), null);
            case 2: {
                int n = in.readCount(1, "key path array length");
                String[] parts = new String[n];
                for (int i = 0; i < n; i++) {
                    parts[i] = in.readStringWithLength();
                }
                return new IdbKeyPath(null, List.of(parts));
            }
            default:
                throw in.malformed("key path type: actual=" + type + " vs expected=0 (none), 1 (string) or 2 (array)");
        }
    }

    @Override
    public String toString() {
        return string != null ? string : array != null ? array.toString() : "none";
    }
}
