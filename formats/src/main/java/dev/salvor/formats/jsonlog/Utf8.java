package dev.salvor.formats.jsonlog;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no encoded surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF, no truncated sequences. Jackson checks less (it accepts some overlong and surrogate encodings), and an
 * event whose bytes are not strict UTF-8 has no single canonical form.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Index of the first byte of the first invalid sequence in {@code a[off, off+len)}, or -1. */
    static int firstInvalid(byte[] a, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int b = a[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xff;
            int n;
            int min;
            if (b >= 0xc2 && b <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (b >= 0xe0 && b <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (b >= 0xf0 && b <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                return i - off; // continuation byte without a lead, 0xC0/0xC1 (always overlong), 0xF5..0xFF
            }
            if (i + n >= end) {
                return i - off;
            }
            int cp = b & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                int c = a[i + k] & 0xff;
                if ((c & 0xc0) != 0x80) {
                    return i - off;
                }
                cp = (cp << 6) | (c & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return i - off;
            }
            i += n + 1;
        }
        return -1;
    }
}
