package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

/**
 * The read side of one canonicalisation: the input bytes {@code in[base, end)} and the read position {@code p}.
 * The engine's phases (structure, strings, numbers, member sorting) share one cursor and advance it in turn; it is
 * reused from call to call, so reading allocates nothing.
 *
 * <p>Errors are reported at positions relative to {@code base}, the start of the JSON text, as the callers of the
 * canonicaliser expect (the position inside the event, not inside the segment file).
 */
final class JcsInput {
    /** The bytes being read (null between runs, so a large segment window is not kept alive). */
    byte[] in;
    /** Where the JSON text starts: positions in errors are relative to it. */
    int base;
    /** The next byte to read. */
    int p;
    /** The end of the JSON text (exclusive). */
    int end;

    void start(byte[] in, int off, int end) {
        this.in = in;
        this.base = off;
        this.p = off;
        this.end = end;
    }

    void release() {
        this.in = null;
    }

    /** Skips RFC 8259 insignificant whitespace (space, LF, CR, TAB). */
    void skipWs() {
        while (p < end) {
            byte b = in[p];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            p++;
        }
    }

    /** A syntax error at the read position. */
    Malformed structure(String what) {
        return new Malformed(DamageKind.BAD_STRUCTURE, Math.max(0, p - base), "invalid JSON: " + what);
    }

    /** The input ends inside the value. */
    Malformed truncated() {
        return new Malformed(DamageKind.TRUNCATED, Math.max(0, p - base), "JSON value ends early");
    }
}
