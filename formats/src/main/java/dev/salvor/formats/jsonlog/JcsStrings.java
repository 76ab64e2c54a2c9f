package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * JSON strings (names and values) copied into their RFC 8785 form (section 3.2.2.2).
 *
 * <p>Plain runs (ASCII >= 0x20 other than quote and backslash) are found eight bytes at a time and copied in one
 * go; escapes are decoded and re-escaped the JCS way ({@code \" \\ \b \t \n \f \r}, other controls as lower-case
 * <code>&#92;u00xx</code>, {@code \/} and every other character as UTF-8); non-ASCII bytes are validated as strict
 * UTF-8 (RFC 3629: no overlong forms, no encoded surrogates) and copied. An escaped lone surrogate has no UTF-8 form:
 * it is remembered and reported by {@link #checkLone()} once the string (and, for a name, its colon) is read, in the
 * order a token parser finds problems (syntax inside and right after the token first).
 */
final class JcsStrings {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final JcsInput input;
    private final JcsOutput output;
    private final int maxString;

    /** The first lone surrogate of the last string read, or -1; and its input position. */
    private int lone = -1;
    private int loneAt;

    JcsStrings(JcsInput input, JcsOutput output, int maxString) {
        this.input = input;
        this.output = output;
        this.maxString = maxString;
    }

    /** Forgets a lone surrogate left from an earlier run. */
    void reset() {
        lone = -1;
    }

    /** Throws for the lone surrogate of the last string read, if it had one. */
    void checkLone() {
        if (lone >= 0) {
            int c = lone;
            lone = -1;
            throw new Malformed(DamageKind.BAD_RECORD, loneAt - input.base,
                    String.format("lone surrogate U+%04X in a string (hash input ambiguous)", c));
        }
    }

    /**
     * Copies a string (at {@code in[p] == '"'}) in canonical form, quotes included, when {@code emit}; validates
     * its escapes and UTF-8 either way.
     */
    void string(boolean emit) {
        JcsInput r = input;
        JcsOutput w = output;
        int start = w.n;
        lone = -1;
        r.p++;
        if (emit) {
            w.out[w.n++] = '"';
        }
        int q = r.p;
        byte[] src = r.in;
        int stop = r.end;
        while (true) {
            // Plain run: found eight bytes at a time (SWAR: a byte < 0x20, '"', '\\' or >= 0x80 stops it; the
            // lowest flagged byte is exact), then byte by byte; copied in one go.
            int runStart = q;
            while (q + 8 <= stop) {
                long x = (long) LONGS.get(src, q);
                long qt = x ^ 0x2222222222222222L;
                long bs = x ^ 0x5c5c5c5c5c5c5c5cL;
                long m = (((x - 0x2020202020202020L) & ~x) | ((qt - ONES) & ~qt) | ((bs - ONES) & ~bs) | x) & HIGHS;
                if (m != 0) {
                    q += Long.numberOfTrailingZeros(m) >>> 3;
                    break;
                }
                q += 8;
            }
            while (q < stop) {
                byte b = src[q];
                if (b < 0x20 || b == '"' || b == '\\') {
                    break;
                }
                q++;
            }
            if (emit && q > runStart) {
                System.arraycopy(src, runStart, w.out, w.n, q - runStart);
                w.n += q - runStart;
            }
            if (q >= stop) {
                r.p = stop;
                throw r.truncated();
            }
            byte b = src[q];
            if (b == '"') {
                r.p = q + 1;
                break;
            }
            r.p = q;
            if (b == '\\') {
                escape(emit);
            } else if (b >= 0) {
                throw r.structure(String.format("raw control character 0x%02x in a string", b));
            } else {
                utf8(emit);
            }
            q = r.p;
        }
        if (emit) {
            w.out[w.n++] = '"';
            if (w.n - start - 2 > maxString) {
                throw new Malformed(DamageKind.LIMIT_EXCEEDED, r.p - r.base, "string longer than " + maxString
                        + " bytes");
            }
        }
    }

    /** An escape at {@code in[p] == '\\'}: decoded, written in JCS form. */
    private void escape(boolean emit) {
        JcsInput r = input;
        JcsOutput w = output;
        if (r.p + 1 >= r.end) {
            r.p = r.end;
            throw r.truncated();
        }
        byte e = r.in[r.p + 1];
        switch (e) {
            case '"', '\\', 'b', 'f', 'n', 'r', 't' -> {
                if (emit) {
                    w.out[w.n++] = '\\';
                    w.out[w.n++] = e;
                }
                r.p += 2;
            }
            case '/' -> {
                if (emit) {
                    w.out[w.n++] = '/';
                }
                r.p += 2;
            }
            case 'u' -> unicodeEscape(emit);
            default -> {
                r.p++;
                throw r.structure(String.format("invalid escape '\\%c'", (char) (e & 0xff)));
            }
        }
    }

    /** A <code>&#92;uXXXX</code> escape (or a surrogate pair of them) at {@code in[p]}. */
    private void unicodeEscape(boolean emit) {
        JcsInput r = input;
        JcsOutput w = output;
        int c = hex4(r.p + 2);
        r.p += 6;
        if (Character.isHighSurrogate((char) c)) {
            if (r.p + 6 <= r.end && r.in[r.p] == '\\' && r.in[r.p + 1] == 'u') {
                int c2 = hex4(r.p + 2);
                if (Character.isLowSurrogate((char) c2)) {
                    r.p += 6;
                    if (emit) {
                        output.codePoint(Character.toCodePoint((char) c, (char) c2));
                    }
                    return;
                }
            } else if (r.p + 6 > r.end && endsInsideEscape()) {
                r.p = r.end;
                throw r.truncated();
            }
            if (emit) {
                lone(c);
            }
            return;
        }
        if (Character.isLowSurrogate((char) c)) {
            if (emit) {
                lone(c);
            }
            return;
        }
        if (emit) {
            if (c < 0x20) {
                output.controlEscape(c);
            } else if (c == '"' || c == '\\') {
                w.out[w.n++] = '\\';
                w.out[w.n++] = (byte) c;
            } else {
                output.codePoint(c);
            }
        }
    }

    /** True when the input ends within what could still be a {@code \\uXXXX} escape after {@code p}. */
    private boolean endsInsideEscape() {
        JcsInput r = input;
        String pre = "\\u";
        for (int i = 0; i < Math.min(2, r.end - r.p); i++) {
            if (r.in[r.p + i] != pre.charAt(i)) {
                return false;
            }
        }
        for (int i = r.p + 2; i < r.end; i++) {
            if (CanonicalStrings.hexValue(r.in[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A lone surrogate: remembered (the first of the string), reported by {@link #checkLone()}. */
    private void lone(int c) {
        if (lone < 0) {
            lone = c;
            loneAt = input.p;
        }
    }

    private int hex4(int at) {
        JcsInput r = input;
        if (at + 4 > r.end) {
            for (int i = at; i < r.end; i++) {
                if (CanonicalStrings.hexValue(r.in[i]) < 0) {
                    r.p = i;
                    throw r.structure("invalid \\u escape");
                }
            }
            r.p = r.end;
            throw r.truncated();
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int h = CanonicalStrings.hexValue(r.in[at + i]);
            if (h < 0) {
                r.p = at + i;
                throw r.structure("invalid \\u escape");
            }
            v = (v << 4) | h;
        }
        return v;
    }

    /** A strict UTF-8 sequence (RFC 3629) at {@code in[p]} (a byte >= 0x80): validated and copied. */
    private void utf8(boolean emit) {
        JcsInput r = input;
        byte[] in = r.in;
        int p = r.p;
        int b = in[p] & 0xff;
        int need;
        int min;
        if (b >= 0xc2 && b <= 0xdf) {
            need = 1;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            min = 0x10000;
        } else {
            throw invalidUtf8(b);
        }
        if (p + need >= r.end) {
            for (int k = 1; p + k < r.end; k++) {
                if ((in[p + k] & 0xc0) != 0x80) {
                    throw invalidUtf8(b);
                }
            }
            r.p = r.end;
            throw r.truncated();
        }
        int cp = b & (0x3f >> need);
        for (int k = 1; k <= need; k++) {
            int c = in[p + k] & 0xff;
            if ((c & 0xc0) != 0x80) {
                throw invalidUtf8(b);
            }
            cp = (cp << 6) | (c & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw invalidUtf8(b);
        }
        if (emit) {
            byte[] out = output.out;
            int n = output.n;
            for (int k = 0; k <= need; k++) {
                out[n++] = in[p + k];
            }
            output.n = n;
        }
        r.p = p + need + 1;
    }

    /** Invalid UTF-8 at the read position (which is still at the sequence's first byte). */
    private Malformed invalidUtf8(int b) {
        return new Malformed(DamageKind.BAD_RECORD, input.p - input.base, "invalid UTF-8 byte 0x"
                + Integer.toHexString(b));
    }
}
