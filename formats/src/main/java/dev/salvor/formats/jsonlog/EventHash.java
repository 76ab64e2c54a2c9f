package dev.salvor.formats.jsonlog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The chain's hash function: lower-case hex SHA-256 of an event's RFC 8785 form (without its hash member). */
public final class EventHash {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private EventHash() {
    }

    /** One digest per thread: {@link MessageDigest#getInstance} costs more than hashing a small event. */
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(EventHash::digest);

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return sha256Hex(bytes, 0, bytes.length);
    }

    /** Lower-case hex SHA-256 of {@code bytes[off, off+len)}. */
    public static String sha256Hex(byte[] bytes, int off, int len) {
        MessageDigest md = DIGESTS.get();
        md.update(bytes, off, len);
        return hex(md.digest());
    }

    /** Lower-case hex of a digest. */
    static String hex(byte[] d) {
        byte[] out = new byte[d.length * 2];
        for (int i = 0; i < d.length; i++) {
            out[2 * i] = HEX[(d[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[d[i] & 0xf];
        }
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** True if {@code s} is 64 lower-case hex digits. */
    public static boolean isHash(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
