package dev.salvor.formats.v8;

import dev.salvor.formats.v8.JsValue.JsBytes;
import dev.salvor.formats.v8.JsValue.JsHostObject;
import dev.salvor.formats.v8.JsValue.JsList;
import dev.salvor.formats.v8.JsValue.JsString;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebCrypto CryptoKey as Blink serializes it (tag {@code K}, Blink's {@code web_crypto_sub_tags.h}): a key
 * sub-tag byte choosing the parameters that follow (1 AES: algorithm, length in bytes; 2 HMAC: length in bytes,
 * hash; 4 RSA-hashed: algorithm, key type, modulus bits, public exponent, hash; 5 EC: algorithm, key type, named
 * curve; 6 no parameters: algorithm; 7 Ed25519 and 8 X25519: algorithm, key type), then the usage bits (bit 0
 * extractable) and the key data (raw for secret keys, SPKI/PKCS#8 for asymmetric ones, as the platform exports
 * them). Algorithm ids 1-19 are named; a later id decodes as {@code "algorithm-<id>"} so a new algorithm in a known
 * layout is still shown.
 */
final class CryptoKeys {
    private CryptoKeys() {
    }

    /** Algorithm names by wire id (index); id 4 (RSA-ES, never shipped) is unnamed. */
    private static final String[] ALGORITHMS = {null, "AES-CBC", "HMAC", "RSASSA-PKCS1-v1_5", null, "SHA-1",
        "SHA-256", "SHA-384", "SHA-512", "AES-GCM", "RSA-OAEP", "AES-CTR", "AES-KW", "RSA-PSS", "ECDSA", "ECDH",
        "HKDF", "PBKDF2", "Ed25519", "X25519"};
    private static final String[] CURVES = {null, "P-256", "P-384", "P-521"};
    /** Usage names in the order CryptoKey.usages lists them, with their wire bits. */
    private static final String[] USAGES = {"encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits",
        "wrapKey", "unwrapKey"};
    private static final int[] USAGE_BITS = {1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 8, 1 << 6, 1 << 7};

    static String algorithm(long id) {
        return id >= 0 && id < ALGORITHMS.length && ALGORITHMS[(int) id] != null
                ? ALGORITHMS[(int) id] : "algorithm-" + id;
    }

    static JsHostObject read(V8Cursor in, int id, int at) throws UndecodableValueException {
        int sub = in.readByte();
        JsHostObject algorithm = new JsHostObject(-1, null);
        String type;
        switch (sub) {
            case 1: { // AES
                algorithm.put("name", algorithm(in.varint32()));
                algorithm.put("length", in.varint32() * 8);
                type = "secret";
                break;
            }
            case 2: { // HMAC
                long lengthBytes = in.varint32();
                long hash = in.varint32();
                algorithm.put("name", "HMAC");
                algorithm.put("length", lengthBytes * 8);
                algorithm.put("hash", new JsHostObject(-1, null).put("name", algorithm(hash)));
                type = "secret";
                break;
            }
            case 4: { // RSA with a hash
                algorithm.put("name", algorithm(in.varint32()));
                type = keyType(in.varint32(), at);
                algorithm.put("modulusLength", in.varint32());
                algorithm.put("publicExponent", new JsBytes(in.bytes(in.varint32(), "RSA public exponent")));
                algorithm.put("hash", new JsHostObject(-1, null).put("name", algorithm(in.varint32())));
                break;
            }
            case 5: { // EC
                algorithm.put("name", algorithm(in.varint32()));
                type = keyType(in.varint32(), at);
                long curve = in.varint32();
                algorithm.put("namedCurve", curve > 0 && curve < CURVES.length ? CURVES[(int) curve] : "curve-" + curve);
                break;
            }
            case 6: // no parameters (PBKDF2, HKDF)
                algorithm.put("name", algorithm(in.varint32()));
                type = "secret";
                break;
            case 7: // Ed25519
            case 8: // X25519
                algorithm.put("name", algorithm(in.varint32()));
                type = keyType(in.varint32(), at);
                break;
            default:
                throw new UndecodableValueException("CryptoKey sub-tag: actual=" + sub
                        + " vs expected=1 AES, 2 HMAC, 4 RSA, 5 EC, 6 no params, 7 Ed25519, 8 X25519", at);
        }
        long usageBits = in.varint32();
        List<JsValue> usages = new ArrayList<>();
        long known = 1;
        for (int i = 0; i < USAGES.length; i++) {
            known |= USAGE_BITS[i];
            if ((usageBits & USAGE_BITS[i]) != 0) {
                usages.add(new JsString(USAGES[i]));
            }
        }
        if ((usageBits & ~known) != 0) {
            // Blink refuses bits it does not know; a forensic reader shows them instead of dropping the key.
            usages.add(new JsString("unknown-0x" + Long.toHexString(usageBits & ~known)));
        }
        byte[] keyData = in.bytes(in.varint32(), "CryptoKey data");
        return new JsHostObject(id, "CryptoKey").put("type", type)
                .put("extractable", (usageBits & 1) != 0 ? JsValue.TRUE : JsValue.FALSE)
                .put("algorithm", algorithm).put("usages", new JsList(usages)).put("keyData", new JsBytes(keyData));
    }

    private static String keyType(long raw, int at) throws UndecodableValueException {
        if (raw == 1) {
            return "public";
        }
        if (raw == 2) {
            return "private";
        }
        throw new UndecodableValueException("CryptoKey key type: actual=" + raw + " vs expected=1 public or 2 private",
                at);
    }
}
