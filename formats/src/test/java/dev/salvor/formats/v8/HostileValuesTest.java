package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * Damaged and hostile values never escape as exceptions: every truncation and every single-byte change of every
 * small value the real browser wrote, deep nesting, huge claimed lengths and bad wrappers each give either a value
 * or the raw bytes with a reason, and always valid JSON.
 */
class HostileValuesTest {

    @Test
    void everyTruncationAndByteFlipOfTheFixtureValuesGivesAValueOrAReason() throws Exception {
        IdbLevelDbRecords records = IdbLevelDbRecords.read(Fixtures.path("browser/values/leveldb"));
        int values = 0;
        int undecodable = 0;
        for (IdbLevelDbRecords.Data d : records.data) {
            byte[] v = d.value();
            if (v == null || v.length > 4096) {
                continue;
            }
            values++;
            BlobResolver blobs = new BlobDirectory(Fixtures.path("browser/values/leveldb.blob"), d.databaseId(),
                    records.externalObjects(d));
            for (int len = 0; len < v.length; len++) {
                undecodable += check(Arrays.copyOf(v, len), blobs) ? 0 : 1;
            }
            for (int i = 0; i < v.length; i++) {
                for (int mask : new int[] {0x01, 0x80, 0xff}) {
                    byte[] m = v.clone();
                    m[i] ^= (byte) mask;
                    check(m, blobs);
                }
            }
        }
        assertTrue(values > 80, "fixture values swept: " + values);
        assertTrue(undecodable > values, "truncations must mostly be refused with a reason: " + undecodable);
    }

    /** Decodes, renders and parses; returns whether it decoded. */
    private static boolean check(byte[] value, BlobResolver blobs) throws Exception {
        DecodedValue d = IndexedDbValue.decode(value, blobs);
        assertTrue(d.decoded() != (d.reason() != null), "exactly one of value and reason");
        JsonNode json = ExpectedJson.parse(d.json());
        if (!d.decoded()) {
            assertEquals("undecodable", json.get("$type").asText());
            assertTrue(Arrays.equals(value, Base64.getDecoder().decode(json.get("base64").asText())));
        }
        return d.decoded();
    }

    @Test
    void deepNestingEndsWithAReasonNotAStackOverflow() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xff);
        b.write(15);
        for (int i = 0; i < 100_000; i++) {
            b.write('A');
            b.write(1);
        }
        DecodedValue d = IndexedDbValue.decodeSerialized(b.toByteArray(), BlobResolver.NONE);
        assertFalse(d.decoded());
        assertTrue(d.reason().startsWith("nesting: actual=more than " + V8Deserializer.MAX_DEPTH), d.reason());
    }

    @Test
    void cyclesAndSharedReferencesRenderAsPointersNotCopies() {
        // {a: {}, b: ^1, c: ^0}: object 0 holds object 1 twice and itself once.
        byte[] v = {(byte) 0xff, 15, 'o', '"', 1, 'a', 'o', '{', 0, '"', 1, 'b', '^', 1, '"', 1, 'c', '^', 0, '{', 3};
        DecodedValue d = IndexedDbValue.decodeSerialized(v, BlobResolver.NONE);
        assertEquals("{\"a\":{},\"b\":{\"$ref\":\"#/a\"},\"c\":{\"$ref\":\"#\"}}", d.json(), String.valueOf(d.reason()));
    }

    @Test
    void aBackReferenceToAnObjectNotYetReadIsRefused() {
        byte[] v = {(byte) 0xff, 15, 'o', '"', 1, 'a', '^', 5, '{', 1};
        DecodedValue d = IndexedDbValue.decodeSerialized(v, BlobResolver.NONE);
        assertEquals("back-reference: actual=object id 5 vs expected=one of the 1 objects read so far", d.reason());
        assertEquals(6, d.reasonOffset());
    }

    @Test
    void hugeClaimedLengthsAreRefusedBeforeAllocating() throws Exception {
        byte[][] hostile = {
            {(byte) 0xff, 15, 'A', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
            {(byte) 0xff, 15, 'B', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
            {(byte) 0xff, 15, '"', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
            {(byte) 0xff, 15, 'Z', (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
            {(byte) 0xff, 15, 'a', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, '@', 0, 0},
            {(byte) 0xff, 0x11, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0},
        };
        for (byte[] v : hostile) {
            DecodedValue d = IndexedDbValue.decodeSerialized(v, BlobResolver.NONE);
            assertFalse(d.decoded(), Arrays.toString(v));
            assertNotNull(d.reason());
        }
        // A Snappy wrapper whose header claims 2 GiB.
        byte[] snappy = {(byte) 0xff, 0x11, 0x02, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0, 0};
        DecodedValue d = IndexedDbValue.decodeSerialized(snappy, BlobResolver.NONE);
        assertTrue(d.reason().startsWith("Snappy length: actual="), d.reason());
        // A Snappy wrapper whose header claims 1 MiB (under the value limit) from 2 bytes: more than Snappy can
        // expand 5 bytes to, refused before 1 MiB is allocated.
        byte[] snappyMiB = {(byte) 0xff, 0x11, 0x02, (byte) 0x80, (byte) 0x80, 0x40, 0, 0};
        d = IndexedDbValue.decodeSerialized(snappyMiB, BlobResolver.NONE);
        assertTrue(d.reason().startsWith("Snappy length: actual=1048576 vs expected=at most 184"), d.reason());
        // A Snappy wrapper around a Snappy wrapper around a Snappy wrapper: only a blob holding Snappy is real.
        byte[] inner = {(byte) 0xff, 0x0f, 'T'};
        for (int i = 0; i < 3; i++) {
            byte[] c = Snappy.compress(inner);
            inner = new byte[c.length + 3];
            inner[0] = (byte) 0xff;
            inner[1] = 0x11;
            inner[2] = 0x02;
            System.arraycopy(c, 0, inner, 3, c.length);
        }
        d = IndexedDbValue.decodeSerialized(inner, BlobResolver.NONE);
        assertFalse(d.decoded());
        assertTrue(d.reason().startsWith("IndexedDB wrapper: actual=a third wrapper"), d.reason());
    }

    @Test
    void aBlobWrappedValueWithoutItsBlobKeepsItsBytesAndSaysWhy() {
        byte[] v = {0x01, (byte) 0xff, 0x11, 0x01, 0x10, 0x00};
        DecodedValue d = IndexedDbValue.decode(v, BlobResolver.NONE);
        assertFalse(d.decoded());
        assertEquals(1, d.recordVersion());
        assertEquals("blob", d.wrapping());
        assertTrue(d.reason().startsWith("blob-wrapped value: actual=blob 0 not readable vs expected=its 16 bytes"),
                d.reason());
        assertTrue(d.json().contains("\"base64\":\"Af8RARAA\""), d.json());
    }
}
