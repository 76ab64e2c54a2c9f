package dev.salvor.formats.jsonlog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The write side of one canonicalisation: the canonical bytes written so far, {@code out[0, n)}. The buffer is
 * reused from call to call and only grows; {@link #ensure} is called before a phase writes, so the writers index
 * it directly (canonical text is never longer than its input, except for number forms, which ensure their own
 * room).
 */
final class JcsOutput {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** The canonical bytes, {@code out[0, n)}. */
    byte[] out = new byte[4096];
    /** The number of bytes written. */
    int n;

    /** Makes room for {@code capacity} bytes in all. */
    void ensure(int capacity) {
        if (out.length < capacity) {
            out = Arrays.copyOf(out, Math.max(capacity, out.length * 2));
        }
    }

    /** A control character U+0000..U+001F the JCS way: a short escape, or lower-case <code>&#92;u00xx</code>. */
    void controlEscape(int c) {
        byte[] out = this.out;
        int n = this.n;
        out[n++] = '\\';
        switch (c) {
            case '\b' -> out[n++] = 'b';
            case '\t' -> out[n++] = 't';
            case '\n' -> out[n++] = 'n';
            case '\f' -> out[n++] = 'f';
            case '\r' -> out[n++] = 'r';
            default -> {
                out[n++] = 'u';
                out[n++] = '0';
                out[n++] = '0';
                out[n++] = HEX[c >> 4];
                out[n++] = HEX[c & 0xf];
            }
        }
        this.n = n;
    }

    /** A code point as UTF-8. */
    void codePoint(int cp) {
        byte[] out = this.out;
        int n = this.n;
        if (cp < 0x80) {
            out[n++] = (byte) cp;
        } else if (cp < 0x800) {
            out[n++] = (byte) (0xc0 | (cp >> 6));
            out[n++] = (byte) (0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out[n++] = (byte) (0xe0 | (cp >> 12));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
            out[n++] = (byte) (0x80 | (cp & 0x3f));
        } else {
            out[n++] = (byte) (0xf0 | (cp >> 18));
            out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
            out[n++] = (byte) (0x80 | (cp & 0x3f));
        }
        this.n = n;
    }
}
