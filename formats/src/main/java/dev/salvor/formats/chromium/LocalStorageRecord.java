package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;

/**
 * One record of Chromium's Local Storage LevelDB ({@code Local Storage/leveldb}, bytewise comparator), decoded:
 * <ul>
 *   <li>{@code VERSION} → the schema version as ASCII digits ({@code 1});</li>
 *   <li>{@code META:<storage key>} → a protobuf: field 1 last modified (µs since 1601-01-01 UTC), field 2 size of the
 *       area in bytes;</li>
 *   <li>{@code METAACCESS:<storage key>} → a protobuf: field 1 last accessed (µs since 1601-01-01 UTC);</li>
 *   <li>{@code _<storage key>\0<script key>} → the value: script key and value each start with an encoding byte,
 *       0x00 = UTF-16LE, 0x01 = Latin-1.</li>
 * </ul>
 * A part that does not decode keeps what did and says why in {@link #problem()}.
 *
 * @param kind         what the key is
 * @param storageKey   the storage key (META, METAACCESS and entries), else null
 * @param scriptKey    an entry's key as the page gave it, else null
 * @param value        an entry's value (null for a deletion or an undecodable value), or VERSION's text
 * @param lastModified META: last modified, µs since 1601-01-01 UTC, else -1
 * @param size         META: the area's size in bytes, else -1
 * @param lastAccessed METAACCESS: last accessed, µs since 1601-01-01 UTC, else -1
 * @param problem      why a part did not decode, else null
 */
public record LocalStorageRecord(Kind kind, StorageKey storageKey, String scriptKey, String value, long lastModified,
                                 long size, long lastAccessed, String problem) {
    /** What a Local Storage key is. */
    public enum Kind {
        VERSION("version"), META("meta"), META_ACCESS("meta_access"), ENTRY("entry"), OTHER("other");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private static final byte[] VERSION_KEY = "VERSION".getBytes(StandardCharsets.US_ASCII);
    private static final String META = "META:";
    private static final String META_ACCESS = "METAACCESS:";

    /** True when {@code key} has one of Local Storage's key shapes (see the class comment). */
    public static boolean isLocalStorageKey(byte[] key) {
        if (java.util.Arrays.equals(key, VERSION_KEY)) {
            return true;
        }
        String head = ChromiumStore.ascii(key, 0, Math.min(key.length, META_ACCESS.length()));
        if (head.startsWith(META) || head.startsWith(META_ACCESS)) {
            return true;
        }
        if (key.length > 0 && key[0] == '_') {
            for (int i = 1; i + 1 < key.length; i++) {
                if (key[i] == 0) {
                    return key[i + 1] == 0 || key[i + 1] == 1;
                }
            }
        }
        return false;
    }

    /** Decodes one version of a key ({@code value} null for a deletion). */
    public static LocalStorageRecord decode(byte[] key, byte[] value) {
        if (java.util.Arrays.equals(key, VERSION_KEY)) {
            return new LocalStorageRecord(Kind.VERSION, null, null,
                    value == null ? null : new String(value, StandardCharsets.ISO_8859_1), -1, -1, -1, null);
        }
        String head = ChromiumStore.ascii(key, 0, Math.min(key.length, META_ACCESS.length()));
        if (head.startsWith(META_ACCESS)) {
            StorageKey sk = StorageKey.parse(new String(key, META_ACCESS.length(), key.length - META_ACCESS.length(),
                    StandardCharsets.UTF_8));
            long[] f = {-1, -1};
            String problem = value == null ? null : protobuf(value, f);
            return new LocalStorageRecord(Kind.META_ACCESS, sk, null, null, -1, -1, f[0], problem);
        }
        if (head.startsWith(META)) {
            StorageKey sk = StorageKey.parse(new String(key, META.length(), key.length - META.length(),
                    StandardCharsets.UTF_8));
            long[] f = {-1, -1};
            String problem = value == null ? null : protobuf(value, f);
            return new LocalStorageRecord(Kind.META, sk, null, null, f[0], f[1], -1, problem);
        }
        if (key.length > 0 && key[0] == '_') {
            int nul = -1;
            for (int i = 1; i < key.length; i++) {
                if (key[i] == 0) {
                    nul = i;
                    break;
                }
            }
            if (nul > 0) {
                StorageKey sk = StorageKey.parse(new String(key, 1, nul - 1, StandardCharsets.UTF_8));
                String problem = null;
                String scriptKey = script(key, nul + 1);
                if (scriptKey == null) {
                    problem = "script key encoding byte: actual=" + describeByte(key, nul + 1)
                            + " vs expected=0x00 (UTF-16LE) or 0x01 (Latin-1)";
                }
                String v = null;
                if (value != null) {
                    v = script(value, 0);
                    if (v == null) {
                        problem = (problem == null ? "" : problem + "; ") + "value encoding byte: actual="
                                + describeByte(value, 0) + " vs expected=0x00 (UTF-16LE) or 0x01 (Latin-1)";
                    }
                }
                return new LocalStorageRecord(Kind.ENTRY, sk, scriptKey, v, -1, -1, -1, problem);
            }
        }
        return new LocalStorageRecord(Kind.OTHER, null, null, null, -1, -1, -1,
                "not a Local Storage key (VERSION, META:, METAACCESS: or _<storage key>\\0<key>)");
    }

    private static String describeByte(byte[] b, int i) {
        return i < b.length ? String.format("0x%02x", b[i] & 0xFF) : "end of bytes";
    }

    /** A script string: encoding byte 0x00 = UTF-16LE (an odd last byte is dropped), 0x01 = Latin-1; else null. */
    static String script(byte[] b, int from) {
        if (from >= b.length) {
            return null;
        }
        int enc = b[from];
        if (enc == 1) {
            return new String(b, from + 1, b.length - from - 1, StandardCharsets.ISO_8859_1);
        }
        if (enc == 0) {
            return utf16le(b, from + 1, b.length);
        }
        return null;
    }

    /** UTF-16LE code units (lone surrogates kept; an odd last byte is dropped). */
    static String utf16le(byte[] b, int from, int to) {
        return dev.salvor.formats.core.Utf16.littleEndian(b, from, (to - from) / 2);
    }

    /**
     * Reads the varint fields 1 and 2 of a small protobuf into {@code fields}; returns why it stopped early, or null.
     * Other fields are skipped by wire type (varint, 64-bit, length-delimited, 32-bit).
     */
    static String protobuf(byte[] value, long[] fields) {
        IdbReader in = new IdbReader(value);
        try {
            while (in.hasRemaining()) {
                long tag = in.readVarint();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                switch (wire) {
                    case 0 -> {
                        long v = in.readVarint();
                        if (field == 1 || field == 2) {
                            fields[field - 1] = v;
                        }
                    }
                    case 1 -> in.skip(8);
                    case 2 -> in.skip(in.readCount(1, "protobuf field length"));
                    case 5 -> in.skip(4);
                    default -> {
                        return "protobuf wire type: actual=" + wire + " vs expected=0, 1, 2 or 5 (at +" + in.position()
                                + ")";
                    }
                }
            }
            return null;
        } catch (Malformed e) {
            return "protobuf: " + e.detail() + " (at +" + e.position() + ")";
        }
    }
}
