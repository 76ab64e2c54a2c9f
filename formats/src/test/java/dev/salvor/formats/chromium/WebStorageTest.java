package dev.salvor.formats.chromium;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Storage keys, Local Storage and Session Storage records, and the key-shape rules of {@link ChromiumStore}. */
class WebStorageTest {

    @Test
    void storageKeysPlainAndPartitioned() {
        assertEquals("https://a.test", StorageKey.parse("https://a.test").origin());
        assertEquals("https://a.test", StorageKey.parse("https://a.test/").origin());
        assertEquals("file://", StorageKey.parse("file://").origin());
        assertEquals("file://", StorageKey.parse("file:///").origin());
        StorageKey p = StorageKey.parse("https://a.test/^0https://top.test^31");
        assertEquals("https://a.test", p.origin());
        assertTrue(p.partitioned());
        assertEquals(Map.of("top_level_site", "https://top.test", "ancestor_chain_bit", "1"), p.attributes());
        StorageKey nonce = StorageKey.parse("https://a.test/^112345^267890");
        assertEquals("12345", nonce.attributes().get("nonce_high"));
        assertEquals("67890", nonce.attributes().get("nonce_low"));
        assertFalse(StorageKey.parse("https://a.test").partitioned());
    }

    @Test
    void localStorageEntriesInBothEncodings() {
        byte[] key = bytes("_https://a.test\0\u0001name");
        byte[] latin1 = bytes("\u0001caf\u00e9");
        LocalStorageRecord r = LocalStorageRecord.decode(key, latin1);
        assertEquals(LocalStorageRecord.Kind.ENTRY, r.kind());
        assertEquals("https://a.test", r.storageKey().origin());
        assertEquals("name", r.scriptKey());
        assertEquals("caf\u00e9", r.value());
        byte[] utf16 = {0, 'h', 0, 'i', 0, 0x3d, (byte) 0xd8, 0x00, (byte) 0xde};
        assertEquals("hi\ud83d\ude00", LocalStorageRecord.decode(key, utf16).value());
        LocalStorageRecord bad = LocalStorageRecord.decode(key, new byte[]{7, 'x'});
        assertNull(bad.value());
        assertTrue(bad.problem().contains("actual=0x07"), bad.problem());
        LocalStorageRecord deleted = LocalStorageRecord.decode(key, null);
        assertNull(deleted.value());
        assertNull(deleted.problem());
    }

    @Test
    void localStorageMetaProtobufs() {
        // field 1 varint 13441121688459285, field 2 varint 58 (as the browser wrote them in fixtures/browser)
        byte[] meta = {0x08, (byte) 0x95, (byte) 0xb0, (byte) 0xfe, (byte) 0x9c, (byte) 0x90, (byte) 0x94,
                (byte) 0xf0, 0x17, 0x10, 0x3a};
        LocalStorageRecord m = LocalStorageRecord.decode(bytes("META:https://a.test"), meta);
        assertEquals(LocalStorageRecord.Kind.META, m.kind());
        assertEquals(13441121688459285L, m.lastModified());
        assertEquals(58, m.size());
        LocalStorageRecord a = LocalStorageRecord.decode(bytes("METAACCESS:https://a.test"), meta);
        assertEquals(LocalStorageRecord.Kind.META_ACCESS, a.kind());
        assertEquals(13441121688459285L, a.lastAccessed());
        assertTrue(LocalStorageRecord.decode(bytes("META:x"), new byte[]{0x08}).problem() != null);
        assertEquals("1", LocalStorageRecord.decode(bytes("VERSION"), bytes("1")).value());
    }

    @Test
    void sessionStorageKeys() {
        String guid = "6245f6c3_9106_4f06_ad9b_f14e06489345";
        SessionStorageRecord ns = SessionStorageRecord.decode(bytes("namespace-" + guid + "-https://a.test/"),
                bytes("12"));
        assertEquals(SessionStorageRecord.Kind.NAMESPACE, ns.kind());
        assertEquals(guid, ns.namespace());
        assertEquals(12, ns.mapId());
        assertEquals("https://a.test", ns.storageKey().origin());
        SessionStorageRecord map = SessionStorageRecord.decode("map-12-k\u00fc".getBytes(StandardCharsets.UTF_8),
                new byte[]{'v', 0, (byte) 0xfc, 0});
        assertEquals(SessionStorageRecord.Kind.MAP, map.kind());
        assertEquals(12, map.mapId());
        assertEquals("k\u00fc", map.scriptKey());
        assertEquals("v\u00fc", map.value());
        SessionStorageMaps maps = new SessionStorageMaps();
        maps.observe(ns, true);
        maps.observe(map, true);
        maps.observe(SessionStorageRecord.decode(bytes("map-3-old"), new byte[]{'x', 0}), false);
        assertEquals(List.of(new SessionStorageMaps.Orphan(3, 1)), maps.orphans());
    }

    @Test
    void storesByKeyShape() {
        assertEquals(ChromiumStore.Kind.LOCAL_STORAGE, ChromiumStore.classify(List.of(bytes("VERSION"),
                bytes("META:https://a.test"), bytes("_https://a.test\0\u0001k"))).orElseThrow());
        assertEquals(ChromiumStore.Kind.SESSION_STORAGE, ChromiumStore.classify(List.of(bytes("version"),
                bytes("next-map-id"), bytes("map-0-k"))).orElseThrow());
        assertEquals(ChromiumStore.Kind.INDEXED_DB, ChromiumStore.classify(List.of(new byte[]{0, 0, 0, 0, 0},
                new byte[]{0, 0, 0, 0, 1})).orElseThrow());
        assertTrue(ChromiumStore.classify(List.of(bytes("user:1"), bytes("user:2"))).isEmpty());
        assertTrue(ChromiumStore.classify(List.of()).isEmpty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
