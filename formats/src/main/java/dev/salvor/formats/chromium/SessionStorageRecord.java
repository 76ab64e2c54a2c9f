package dev.salvor.formats.chromium;

import java.nio.charset.StandardCharsets;

/**
 * One record of Chromium's Session Storage LevelDB ({@code Session Storage/}), decoded:
 * <ul>
 *   <li>{@code version} → the schema version, ASCII digits;</li>
 *   <li>{@code next-map-id} → the next map number, ASCII digits;</li>
 *   <li>{@code namespace-<36-character guid>-<storage key>} → the number of the map holding that tab's (namespace's)
 *       area for the storage key, ASCII digits;</li>
 *   <li>{@code map-<n>-<script key>} → the value: the script key is UTF-8, the value UTF-16LE, with no encoding
 *       byte.</li>
 * </ul>
 * Maps are shared between namespaces (a cloned tab shares its opener's map until one writes); a map that no
 * namespace names any more is an orphan ({@link SessionStorageMaps}).
 *
 * @param kind       what the key is
 * @param namespace  NAMESPACE: the namespace (tab) guid, else null
 * @param storageKey NAMESPACE: the storage key, else null
 * @param mapId      NAMESPACE: the map named by the value; MAP: the map of the key; NEXT_MAP_ID: the value; else -1
 * @param scriptKey  MAP: the script key, else null
 * @param value      MAP: the value (null for a deletion); VERSION: the text
 * @param problem    why a part did not decode, else null
 */
public record SessionStorageRecord(Kind kind, String namespace, StorageKey storageKey, long mapId, String scriptKey,
                                   String value, String problem) {
    /** What a Session Storage key is. */
    public enum Kind {
        VERSION("version"), NEXT_MAP_ID("next_map_id"), NAMESPACE("namespace"), MAP("map"), OTHER("other");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private static final String NAMESPACE_PREFIX = "namespace-";
    private static final String MAP_PREFIX = "map-";
    private static final int GUID_LENGTH = 36;

    /** True when {@code key} has one of Session Storage's key shapes. */
    public static boolean isSessionStorageKey(byte[] key) {
        String s = ChromiumStore.ascii(key, 0, Math.min(key.length, NAMESPACE_PREFIX.length() + GUID_LENGTH + 1));
        if (s.equals("version") || s.equals("next-map-id")) {
            return true;
        }
        if (s.startsWith(NAMESPACE_PREFIX)) {
            return s.length() == NAMESPACE_PREFIX.length() + GUID_LENGTH + 1 && s.charAt(s.length() - 1) == '-';
        }
        if (s.startsWith(MAP_PREFIX)) {
            int i = MAP_PREFIX.length();
            int digits = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
            return digits > 0 && i < s.length() && s.charAt(i) == '-';
        }
        return false;
    }

    /** Decodes one version of a key ({@code value} null for a deletion). */
    public static SessionStorageRecord decode(byte[] key, byte[] value) {
        String k = new String(key, StandardCharsets.UTF_8);
        String ascii = value == null ? null : new String(value, StandardCharsets.ISO_8859_1);
        if (k.equals("version")) {
            return new SessionStorageRecord(Kind.VERSION, null, null, -1, null, ascii, null);
        }
        if (k.equals("next-map-id")) {
            return new SessionStorageRecord(Kind.NEXT_MAP_ID, null, null, number(ascii), null, ascii,
                    ascii != null && number(ascii) < 0 ? "next-map-id value is not a number" : null);
        }
        if (k.startsWith(NAMESPACE_PREFIX) && k.length() > NAMESPACE_PREFIX.length() + GUID_LENGTH
                && k.charAt(NAMESPACE_PREFIX.length() + GUID_LENGTH) == '-') {
            String guid = k.substring(NAMESPACE_PREFIX.length(), NAMESPACE_PREFIX.length() + GUID_LENGTH);
            StorageKey sk = StorageKey.parse(k.substring(NAMESPACE_PREFIX.length() + GUID_LENGTH + 1));
            long map = number(ascii);
            return new SessionStorageRecord(Kind.NAMESPACE, guid, sk, map, null, null,
                    ascii != null && map < 0 ? "namespace value is not a map number: " + ascii : null);
        }
        if (k.startsWith(MAP_PREFIX)) {
            int dash = k.indexOf('-', MAP_PREFIX.length());
            long map = dash < 0 ? -1 : number(k.substring(MAP_PREFIX.length(), dash));
            if (map >= 0) {
                // the script key is the bytes after "map-<n>-", UTF-8
                int keyStart = MAP_PREFIX.length() + (dash - MAP_PREFIX.length()) + 1;
                String scriptKey = new String(key, keyStart, key.length - keyStart, StandardCharsets.UTF_8);
                String v = value == null ? null : LocalStorageRecord.utf16le(value, 0, value.length);
                String problem = value != null && (value.length & 1) != 0
                        ? "value: actual=" + value.length + " byte(s) vs expected=an even count (UTF-16LE)" : null;
                return new SessionStorageRecord(Kind.MAP, null, null, map, scriptKey, v, problem);
            }
        }
        return new SessionStorageRecord(Kind.OTHER, null, null, -1, null, null,
                "not a Session Storage key (version, next-map-id, namespace-<guid>-<storage key>, map-<n>-<key>)");
    }

    /** ASCII decimal digits as a number, or -1. */
    static long number(String s) {
        if (s == null || s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
