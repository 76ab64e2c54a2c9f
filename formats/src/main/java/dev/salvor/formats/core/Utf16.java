package dev.salvor.formats.core;

/**
 * UTF-16 code units read as they are, for the strings browsers store: V8's two-byte strings, Chromium's IndexedDB
 * names and keys, Web Storage keys and values. Unlike {@link java.nio.charset.StandardCharsets#UTF_16LE}, which
 * replaces a lone surrogate with U+FFFD, these keep every unit: a JavaScript string may hold a lone surrogate, and a
 * specialist must see the one the application wrote (JSON writes it as {@code \}{@code udXXX}).
 *
 * <p>The caller checks the range: {@code from} and {@code units} must lie inside {@code b}.
 */
public final class Utf16 {
    private Utf16() {
    }

    /** {@code units} little-endian code units from {@code b[from]}. */
    public static String littleEndian(byte[] b, int from, int units) {
        char[] c = new char[units];
        for (int i = 0, p = from; i < units; i++, p += 2) {
            c[i] = (char) ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
        }
        return new String(c);
    }

    /** {@code units} big-endian code units from {@code b[from]}. */
    public static String bigEndian(byte[] b, int from, int units) {
        char[] c = new char[units];
        for (int i = 0, p = from; i < units; i++, p += 2) {
            c[i] = (char) ((b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF));
        }
        return new String(c);
    }
}
