package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * CryptoKey layouts the real browser cannot be made to write here: an algorithm id past the ones Blink names
 * today (a future algorithm in a known layout) and unknown usage bits still decode and show their numbers; an
 * unknown key sub-tag (an unknown layout) keeps the bytes with a reason.
 */
class CryptoKeyWireTest {
    private static DecodedValue decode(int... key) {
        byte[] v = new byte[key.length + 5];
        v[0] = (byte) 0xff;
        v[1] = 15;
        v[2] = '\\';
        v[3] = 'K';
        for (int i = 0; i < key.length; i++) {
            v[4 + i] = (byte) key[i];
        }
        v[v.length - 1] = 0;
        return IndexedDbValue.decodeSerialized(java.util.Arrays.copyOf(v, v.length - 1), BlobResolver.NONE);
    }

    @Test
    void laterAlgorithmIdsDecodeWithTheirNumber() {
        // sub-tag 6 (no params), algorithm 23, usages extractable|deriveBits, 2 bytes of key data
        DecodedValue d = decode(6, 23, 0x81, 0x02, 2, 0xab, 0xcd);
        assertEquals("{\"$type\":\"CryptoKey\",\"type\":\"secret\",\"extractable\":true,\"algorithm\":{\"name\":"
                + "\"algorithm-23\"},\"usages\":[\"deriveBits\"],\"keyData\":\"q80=\"}", d.json());
        // Ed25519 (sub-tag 7, algorithm 18) private key, a usage bit Blink does not define (1 << 9)
        d = decode(7, 18, 2, 0x88, 0x04, 0);
        assertEquals("{\"$type\":\"CryptoKey\",\"type\":\"private\",\"extractable\":false,\"algorithm\":{\"name\":"
                + "\"Ed25519\"},\"usages\":[\"sign\",\"unknown-0x200\"],\"keyData\":\"\"}", d.json());
    }

    @Test
    void anUnknownKeyLayoutIsUndecodableWithItsReason() {
        DecodedValue d = decode(9, 1, 0, 0);
        assertEquals("CryptoKey sub-tag: actual=9 vs expected=1 AES, 2 HMAC, 4 RSA, 5 EC, 6 no params, 7 Ed25519, "
                + "8 X25519", d.reason());
    }
}
