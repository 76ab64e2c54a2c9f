package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.util.Arrays;

/**
 * Object members in RFC 8785 order (section 3.2.3): names compared as sequences of UTF-16 code units, duplicates
 * rejected.
 *
 * <p>An object's members are written to the output as they are read ({@code "name":value}, comma-separated); this
 * stack keeps each member's span in the output (start after its comma, end of its name, end of its value) for every
 * object still open. When an object closes, its members are checked in order; only an object whose members are out
 * of order is rewritten (copied once through a scratch buffer). Equal neighbouring names are a duplicate: an event
 * with two members of one name has no single canonical form.
 */
final class JcsMembers {
    private final JcsInput input;
    private final JcsOutput output;

    /** Member spans, three ints each: start (after the comma), name end, value end (-1 while the value is read). */
    private int[] mem = new int[3 * 64];
    private int top;
    /** Quick ordering keys of the members on the stack, one per member (see {@link #push}). */
    private long[] prefix = new long[64];
    /** Scratch for sorting: member indexes in order, and a copy of the object's members. */
    private int[] order = new int[64];
    private byte[] tmp = new byte[4096];
    /** The encoded length of the code point last read by {@link #codePoint}. */
    private int cpLen;

    JcsMembers(JcsInput input, JcsOutput output) {
        this.input = input;
        this.output = output;
    }

    /** The stack height: where the members of an object opened now begin. */
    int top() {
        return top;
    }

    /** Forgets the members from {@code from} on (an object that is validated but not written, or a new run). */
    void drop(int from) {
        top = from;
    }

    /** The value of the innermost member ends at output position {@code at}. */
    void endValue(int at) {
        mem[top - 1] = at;
    }

    /** A member whose name (quotes included) is {@code out[segStart, keyEnd)}. */
    void push(int segStart, int keyEnd) {
        if (top + 3 > mem.length) {
            mem = Arrays.copyOf(mem, mem.length * 2);
            prefix = Arrays.copyOf(prefix, mem.length / 3);
        }
        byte[] out = output.out;
        // The name's first (up to) 7 bytes, big-endian, for quick ordering; 0 when an escape or a non-ASCII byte
        // is among them (then the full comparison decides).
        long key = 0;
        int len = keyEnd - segStart - 2;
        int k = Math.min(len, 7);
        for (int i = 0; i < k; i++) {
            byte b = out[segStart + 1 + i];
            if (b == '\\' || b < 0) {
                key = 0;
                k = -1;
                break;
            }
            key = (key << 8) | b;
        }
        if (k >= 0) {
            key = (key << (8 * (7 - k)) << 8) | Math.min(len, 8); // pad; the low byte orders a short name first
        }
        prefix[top / 3] = key;
        mem[top++] = segStart;
        mem[top++] = keyEnd;
        mem[top++] = -1;
    }

    /**
     * Sorts the members of the object whose members start at stack index {@code from} by name (UTF-16 order),
     * rewriting its part of the output when needed, rejecting duplicates; pops them.
     */
    void sortObject(int from) {
        int k = (top - from) / 3;
        top = from;
        if (k < 2) {
            return;
        }
        boolean sorted = true;
        for (int i = 1; i < k; i++) {
            int c = compareKeys(from + 3 * (i - 1), from + 3 * i);
            if (c == 0) {
                throw duplicate(from + 3 * i);
            }
            if (c > 0) {
                sorted = false;
            }
        }
        if (sorted) {
            return;
        }
        if (order.length < k) {
            order = new int[Math.max(k, order.length * 2)];
        }
        for (int i = 0; i < k; i++) {
            order[i] = from + 3 * i;
        }
        // Insertion sort: objects have few members, and most are nearly sorted.
        for (int i = 1; i < k; i++) {
            int x = order[i];
            int j = i - 1;
            while (j >= 0 && compareKeys(order[j], x) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
        for (int i = 1; i < k; i++) {
            if (compareKeys(order[i - 1], order[i]) == 0) {
                throw duplicate(order[i]);
            }
        }
        rewrite(from, k);
    }

    /** Writes the {@code k} members from stack index {@code from} back in {@link #order}. */
    private void rewrite(int from, int k) {
        byte[] out = output.out;
        int start = mem[from];
        int stop = mem[from + 3 * (k - 1) + 2];
        int len = stop - start;
        if (tmp.length < len) {
            tmp = new byte[Math.max(len, tmp.length * 2)];
        }
        System.arraycopy(out, start, tmp, 0, len);
        int w = start;
        for (int i = 0; i < k; i++) {
            int m = order[i];
            int s = mem[m] - start;
            int l = mem[m + 2] - mem[m];
            if (i > 0) {
                out[w++] = ',';
            }
            System.arraycopy(tmp, s, out, w, l);
            w += l;
        }
    }

    private Malformed duplicate(int m) {
        String name = CanonicalStrings.decode(output.out, mem[m] + 1, mem[m + 1] - 1);
        return new Malformed(DamageKind.BAD_RECORD, input.p - input.base, "duplicate member name \""
                + JsonCanonicalizer.abbreviate(name) + "\" (hash input ambiguous)");
    }

    /**
     * Compares the names of members {@code a} and {@code b} as sequences of UTF-16 code units. Names are in
     * canonical form (JCS escapes, UTF-8): plain ASCII is compared byte by byte; otherwise both are decoded.
     */
    private int compareKeys(int a, int b) {
        long pa = prefix[a / 3];
        long pb = prefix[b / 3];
        if (pa != 0 && pb != 0 && pa != pb) {
            // Both names start with plain ASCII: the first 7 bytes (then the length, up to 8) decide.
            return (pa >>> 8) != (pb >>> 8) ? Long.compare(pa >>> 8, pb >>> 8) : compareFull(a, b);
        }
        return compareFull(a, b);
    }

    private int compareFull(int a, int b) {
        byte[] out = output.out;
        int i = mem[a] + 1;
        int ie = mem[a + 1] - 1;
        int j = mem[b] + 1;
        int je = mem[b + 1] - 1;
        while (i < ie && j < je) {
            byte x = out[i];
            byte y = out[j];
            if (x == y && x != '\\' && x >= 0) {
                i++;
                j++;
                continue;
            }
            if (x != '\\' && y != '\\' && x >= 0 && y >= 0) {
                return x - y;
            }
            return compareSlow(i, ie, j, je);
        }
        return (ie - i) - (je - j) > 0 ? 1 : (ie - i) == (je - j) ? 0 : -1;
    }

    /** UTF-16 order of two canonical string bodies from positions where both are at a character boundary. */
    private int compareSlow(int i, int ie, int j, int je) {
        while (i < ie && j < je) {
            int x = codePoint(i);
            int xl = cpLen;
            int y = codePoint(j);
            int yl = cpLen;
            if (x != y) {
                int ux = x >= 0x10000 ? 0xd800 + ((x - 0x10000) >> 10) : x;
                int uy = y >= 0x10000 ? 0xd800 + ((y - 0x10000) >> 10) : y;
                if (ux != uy) {
                    return ux - uy;
                }
                return x - y; // both supplementary with the same high surrogate: low surrogates in code point order
            }
            i += xl;
            j += yl;
        }
        return (i < ie) ? 1 : (j < je) ? -1 : 0;
    }

    /** The code point at {@code out[i]} in a canonical string body; its encoded length in {@link #cpLen}. */
    private int codePoint(int i) {
        byte[] out = output.out;
        int b = out[i] & 0xff;
        if (b == '\\') {
            int e = out[i + 1];
            cpLen = 2;
            switch (e) {
                case 'b':
                    return '\b';
                case 't':
                    return '\t';
                case 'n':
                    return '\n';
                case 'f':
                    return '\f';
                case 'r':
                    return '\r';
                case 'u':
                    cpLen = 6;
                    return (CanonicalStrings.hexValue(out[i + 4]) << 4) | CanonicalStrings.hexValue(out[i + 5]);
                default:
                    return e; // " or \
            }
        }
        if (b < 0x80) {
            cpLen = 1;
            return b;
        }
        if (b < 0xe0) {
            cpLen = 2;
            return ((b & 0x1f) << 6) | (out[i + 1] & 0x3f);
        }
        if (b < 0xf0) {
            cpLen = 3;
            return ((b & 0x0f) << 12) | ((out[i + 1] & 0x3f) << 6) | (out[i + 2] & 0x3f);
        }
        cpLen = 4;
        return ((b & 0x07) << 18) | ((out[i + 1] & 0x3f) << 12) | ((out[i + 2] & 0x3f) << 6) | (out[i + 3] & 0x3f);
    }
}
