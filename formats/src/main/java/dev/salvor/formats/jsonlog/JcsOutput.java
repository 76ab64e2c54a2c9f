package dev.salvor.formats.jsonlog;

import java.util.Arrays;

/**
 * The write side of one canonicalisation: the canonical bytes written so far, {@code out[0, n)}. The buffer is
 * reused from call to call and only grows; {@link #ensure} is called before a phase writes, so the writers index
 * it directly (canonical text is never longer than its input, except for number forms, which ensure their own
 * room).
 */
final class JcsOutput {
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
}
