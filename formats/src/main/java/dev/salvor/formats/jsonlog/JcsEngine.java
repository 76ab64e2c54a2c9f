package dev.salvor.formats.jsonlog;

import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RFC 8785 (JCS) canonicaliser's engine: one pass over UTF-8 JSON bytes, writing the canonical form into a
 * reusable buffer ({@link #out()}, {@link #length()}) - no parser object, no per-member allocation, no recursion.
 *
 * <p>How (RFC 8259 grammar, RFC 8785 output):
 * <ul>
 *   <li>Containers are tracked on explicit int stacks (depth bounded by {@code maxDepth}). An object's members are
 *       written as they are read ({@code "key":value}, comma-separated); each member's span is kept on a member
 *       stack. When the object closes, members are checked in order of their names compared as UTF-16 code units;
 *       only an object whose members are out of order is rewritten (copied once through a scratch buffer).
 *       Equal neighbouring names are a duplicate: rejected.</li>
 *   <li>Strings are copied byte for byte while plain (ASCII >= 0x20 other than quote and backslash); escapes are
 *       decoded and re-escaped the JCS way ({@code \" \\ \b \t \n \f \r}, other controls as lower-case
 *       <code>&#92;u00xx</code>, everything else as UTF-8); non-ASCII bytes are validated as strict UTF-8 (RFC
 *       3629) and copied; an escaped lone surrogate is rejected.</li>
 *   <li>Numbers: an integer literal of at most 15 digits (or up to 18 digits and at most 2^53) is its own
 *       ECMAScript form ({@code -0} becomes {@code 0}). A literal with at most 15 significant digits and a decimal
 *       exponent within +-290 is read by the nearest double and printed back with the same digits (any decimal
 *       of at most 15 significant digits survives the round trip, DBL_DIG), so its form is those digits laid out
 *       the ECMAScript way. Anything else goes through {@link Double#parseDouble} and {@link EsNumber}.</li>
 *   <li>A top-level member named {@code omit} is left out (its value is still validated, and kept as a scalar);
 *       up to a few top-level members named in {@code capture} are kept as scalars as they are read.</li>
 * </ul>
 * Errors are {@link Malformed} (stackless): {@link DamageKind#BAD_STRUCTURE} for syntax,
 * {@link DamageKind#TRUNCATED} when the input ends inside the value, {@link DamageKind#BAD_RECORD} for content
 * that has no single canonical form (duplicate names, lone surrogates, invalid UTF-8, numbers outside the double
 * range), {@link DamageKind#LIMIT_EXCEEDED} for nesting, string or number length over the limits. Positions are
 * relative to the start of the input range.
 *
 * <p>Not thread-safe: one engine per thread (its buffers are reused from call to call).
 * Spec: https://www.rfc-editor.org/rfc/rfc8785, https://www.rfc-editor.org/rfc/rfc8259
 */
final class JcsEngine {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final long TWO_53 = 1L << 53;
    private static final int OBJECT = 1;
    private static final int ARRAY = 2;

    private final int maxDepth;
    private final int maxString;
    private final int maxNumber;

    private byte[] in;
    private int base;
    private int p;
    private int end;

    private byte[] out = new byte[4096];
    private int n;
    private byte[] tmp = new byte[4096];

    /** Member stack: segStart (after the comma), keyEnd, segEnd per member. */
    private int[] mem = new int[3 * 64];
    private int memTop;
    private int[] order = new int[64];

    /** Container stack, index = depth (1 = root container). */
    private int[] kind = new int[16];
    private int[] memBase = new int[16];
    private int[] count = new int[16];

    // Top-level members.
    private byte[] omitKey;
    private JsonCanonicalizer.Scalar omitted;
    private byte[][] captureKeys;
    private JsonCanonicalizer.Scalar[] captured;
    private Map<String, JsonCanonicalizer.Scalar> all;
    private boolean recordAll;

    JcsEngine(int maxDepth, int maxString, int maxNumber) {
        this.maxDepth = maxDepth;
        this.maxString = maxString;
        this.maxNumber = maxNumber;
    }

    /** The canonical bytes of the last successful run: {@code out()[0, length())}. */
    byte[] out() {
        return out;
    }

    int length() {
        return n;
    }

    /** The omitted top-level member's value, or null when it was absent. */
    JsonCanonicalizer.Scalar omitted() {
        return omitted;
    }

    /** The captured top-level members, index by index with the names given (null when absent). */
    JsonCanonicalizer.Scalar[] captured() {
        return captured;
    }

    /** Every top-level member (only when asked for with {@code all}), in input order, or an empty map. */
    Map<String, JsonCanonicalizer.Scalar> all() {
        return all;
    }

    /** The canonical form of a name as a key (quoted, JCS-escaped), for {@code omit} and {@code capture}. */
    static byte[] keyBytes(String name) {
        JsonCanonicalizer.ByteBuf b = new JsonCanonicalizer.ByteBuf(name.length() + 8);
        JsonCanonicalizer.writeString(name, b);
        return b.toArray();
    }

    /**
     * Canonicalises the JSON value starting at {@code in[off]} (after optional whitespace).
     *
     * @param omit     canonical key bytes of the top-level member to leave out, or null
     * @param capture  canonical key bytes of top-level members to keep as scalars, or null
     * @param allTop   keep every top-level member in {@link #all()}
     * @param exact    the value must be followed only by whitespace up to {@code end}
     * @return the index after the value (before any trailing whitespace when not exact)
     */
    int run(byte[] in, int off, int end, byte[] omit, byte[][] capture, boolean allTop, boolean exact) {
        this.in = in;
        this.base = off;
        this.p = off;
        this.end = end;
        this.n = 0;
        this.memTop = 0;
        this.lone = -1;
        this.pending = null;
        this.omitKey = omit;
        this.omitted = null;
        this.captureKeys = capture;
        this.captured = capture == null ? null : new JsonCanonicalizer.Scalar[capture.length];
        this.recordAll = allTop;
        this.all = allTop ? new LinkedHashMap<>() : Map.of();
        ensure(end - off + 64);
        try {
            parse();
        } catch (ArrayIndexOutOfBoundsException e) {
            // Defence in depth: every index is checked against end; never let an index error escape.
            throw new Malformed(DamageKind.BAD_STRUCTURE, p - base, "invalid JSON");
        }
        int after = p;
        if (exact) {
            skipWs();
            if (p < end) {
                throw structure("content after the JSON value");
            }
        }
        this.in = null;
        return after;
    }

    private void ensure(int capacity) {
        if (out.length < capacity) {
            out = Arrays.copyOf(out, Math.max(capacity, out.length * 2));
        }
    }

    private Malformed structure(String what) {
        return new Malformed(DamageKind.BAD_STRUCTURE, Math.max(0, p - base), "invalid JSON: " + what);
    }

    private Malformed truncated() {
        return new Malformed(DamageKind.TRUNCATED, Math.max(0, p - base), "JSON value ends early");
    }

    private void skipWs() {
        while (p < end) {
            byte b = in[p];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            p++;
        }
    }

    private void push(int depth, int k) {
        if (depth > maxDepth) {
            throw new Malformed(DamageKind.LIMIT_EXCEEDED, p - base, "nesting deeper than " + maxDepth);
        }
        if (depth >= kind.length) {
            int len = Math.max(depth + 1, kind.length * 2);
            kind = Arrays.copyOf(kind, len);
            memBase = Arrays.copyOf(memBase, len);
            count = Arrays.copyOf(count, len);
        }
        kind[depth] = k;
        memBase[depth] = memTop;
        count[depth] = 0;
    }

    /** The state machine over one value (explicit stacks; no recursion). */
    private void parse() {
        int d = 0;               // open containers; container d is the innermost
        int skipFrom = 0;        // > 0: containers at depth >= skipFrom write nothing (the omitted member's value)
        boolean omitActive = false;
        int omitAt = -1;         // output position before the omitted member's comma
        int captureIndex = -1;   // top-level member to capture, or -1
        String allKey = null;    // top-level member to record in all(), or null
        int valueOut = 0;        // output position where the current top-level value starts
        skipWs();
        if (p >= end) {
            throw new Malformed(DamageKind.BAD_STRUCTURE, 0, "no JSON value");
        }
        boolean wantKey = false;
        while (true) {
            if (wantKey) {
                // ---- a member name and its colon
                wantKey = false;
                if (p >= end) {
                    throw truncated();
                }
                if (in[p] != '"') {
                    throw structure("expected a member name");
                }
                boolean writing = skipFrom == 0;
                int commaAt = n;
                if (writing && count[d] > 0) {
                    out[n++] = ',';
                }
                int segStart = n;
                string(writing);
                int keyEnd = n;
                skipWs();
                if (p >= end) {
                    throw truncated();
                }
                if (in[p] != ':') {
                    throw structure("expected ':' after a member name");
                }
                p++;
                skipWs();
                if (writing) {
                    // A token parser reads a number or literal right after the colon before handing out the
                    // name: keep that order of errors (a string or container value is read later).
                    byte v = p < end ? in[p] : 0;
                    if (v == '"' || v == '{' || v == '[') {
                        checkLone();
                    }
                    if (d == 1) {
                        if (recordAll) {
                            allKey = decode(out, segStart + 1, keyEnd - 1);
                        }
                        if (omitKey != null && equalsKey(segStart, keyEnd, omitKey)) {
                            if (omitted != null) {
                                Malformed dup = new Malformed(DamageKind.BAD_RECORD, p - base, "duplicate member"
                                        + " name " + new String(omitKey, StandardCharsets.UTF_8)
                                        + " (hash input ambiguous)");
                                if (v == '"' || v == '{' || v == '[') {
                                    throw dup;
                                }
                                pending = dup; // after the number or literal, as a token parser would
                            }
                            omitActive = true;
                            omitAt = commaAt;
                        } else if (captureKeys != null) {
                            for (int i = 0; i < captureKeys.length; i++) {
                                if (equalsKey(segStart, keyEnd, captureKeys[i])) {
                                    captureIndex = i;
                                }
                            }
                        }
                    }
                    if (omitActive) {
                        n = omitAt; // the omitted member: no comma, no name
                    } else {
                        out[n++] = ':';
                        pushMember(segStart, keyEnd);
                    }
                }
                valueOut = n;
            }
            // ---- a value
            if (p >= end) {
                throw truncated();
            }
            byte b = in[p];
            boolean writing = skipFrom == 0;
            boolean needSeparator;
            if (b == '{' || b == '[') {
                boolean top = d == 1 && writing;
                if (top && (omitActive || captureIndex >= 0 || allKey != null)) {
                    record(new JsonCanonicalizer.Scalar(b == '{' ? JsonToken.START_OBJECT : JsonToken.START_ARRAY,
                            null), omitActive, captureIndex, allKey);
                }
                captureIndex = -1;
                allKey = null;
                d++;
                push(d, b == '{' ? OBJECT : ARRAY);
                if (writing && !(top && omitActive)) {
                    out[n++] = b;
                } else if (skipFrom == 0) {
                    skipFrom = d; // the omitted member's container: validated, not written
                }
                p++;
                skipWs();
                if (p >= end) {
                    throw truncated();
                }
                if (in[p] != (b == '{' ? '}' : ']')) {
                    wantKey = b == '{';
                    continue;
                }
                needSeparator = false; // empty: in[p] closes it
            } else {
                int inStart = p;
                // The omitted member's number or literal is only validated (it is not hashed); its string is
                // written to be read back, then dropped.
                atRoot = d == 0;
                JsonToken t = scalar(writing && !(d == 1 && omitActive && b != '"'));
                if (writing) {
                    checkLone(); // this string's, or the member name's when the value is a number or literal
                    if (pending != null) {
                        Malformed m = pending;
                        pending = null;
                        throw m;
                    }
                }
                if (d == 1 && writing) {
                    if (omitActive || captureIndex >= 0 || allKey != null) {
                        record(scalarOf(t, inStart, valueOut), omitActive, captureIndex, allKey);
                    }
                    if (omitActive) {
                        n = omitAt; // its text was written only to be read: drop it
                    }
                }
                captureIndex = -1;
                allKey = null;
                if (d == 0) {
                    return; // a scalar root
                }
                if (d == 1 && omitActive) {
                    omitActive = false;
                } else {
                    valueDone(d, skipFrom);
                }
                needSeparator = true;
            }
            // ---- separators and closing brackets
            while (true) {
                if (needSeparator) {
                    skipWs();
                    if (p >= end) {
                        throw truncated();
                    }
                    byte c = in[p];
                    if (c == ',') {
                        p++;
                        skipWs();
                        if (kind[d] == OBJECT) {
                            wantKey = true;
                        } else if (skipFrom == 0) {
                            out[n++] = ',';
                        }
                        break;
                    }
                    byte closer = (byte) (kind[d] == OBJECT ? '}' : ']');
                    if (c != closer) {
                        throw structure(c == '}' || c == ']' ? "'" + (char) c + "' closes a"
                                + (kind[d] == OBJECT ? "n object" : "n array")
                                : "expected ',' or '" + (char) closer + "'");
                    }
                }
                // close container d
                p++;
                if (skipFrom != 0 && d >= skipFrom) {
                    memTop = memBase[d];
                    if (d == skipFrom) {
                        skipFrom = 0;
                    }
                } else if (kind[d] == OBJECT) {
                    closeObject(d);
                    out[n++] = '}';
                } else {
                    out[n++] = ']';
                }
                d--;
                if (d == 0) {
                    return;
                }
                // The closed container was a value of container d.
                if (d == 1 && omitActive) {
                    omitActive = false;
                    n = omitAt;
                } else {
                    valueDone(d, skipFrom);
                }
                needSeparator = true;
            }
        }
    }

    private void record(JsonCanonicalizer.Scalar s, boolean omit, int captureIndex, String allKey) {
        if (omit) {
            omitted = s;
        } else if (captureIndex >= 0) {
            captured[captureIndex] = s;
        }
        if (allKey != null) {
            all.put(allKey, s);
        }
    }

    /** A value of container {@code d} ended: an object's member span closes and counts (for its commas). */
    private void valueDone(int d, int skipFrom) {
        if (kind[d] == OBJECT && (skipFrom == 0 || d < skipFrom)) {
            mem[memTop - 1] = n;
            count[d]++;
        }
    }

    private void pushMember(int segStart, int keyEnd) {
        if (memTop + 3 > mem.length) {
            mem = Arrays.copyOf(mem, mem.length * 2);
            prefix = Arrays.copyOf(prefix, mem.length / 3);
        }
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
        prefix[memTop / 3] = key;
        mem[memTop++] = segStart;
        mem[memTop++] = keyEnd;
        mem[memTop++] = -1;
    }

    /** Quick ordering keys of the members on the stack (see {@link #pushMember}). */
    private long[] prefix = new long[64];

    /** Sorts the members of the object at depth {@code d} by name (UTF-16 order), rejecting duplicates. */
    private void closeObject(int d) {
        int from = memBase[d];
        int k = (memTop - from) / 3;
        memTop = from;
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
        String name = decode(out, mem[m] + 1, mem[m + 1] - 1);
        return new Malformed(DamageKind.BAD_RECORD, p - base, "duplicate member name \""
                + JsonCanonicalizer.abbreviate(name) + "\" (hash input ambiguous)");
    }

    private boolean equalsKey(int start, int stop, byte[] key) {
        if (stop - start != key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (out[start + i] != key[i]) {
                return false;
            }
        }
        return true;
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

    private int cpLen;

    /** The code point at {@code out[i]} in a canonical string body; its encoded length in {@link #cpLen}. */
    private int codePoint(int i) {
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
                    return (hexValue(out[i + 4]) << 4) | hexValue(out[i + 5]);
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

    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A canonical string body ({@code out[from, to)}) as a Java string. */
    static String decode(byte[] b, int from, int to) {
        int bs = -1;
        for (int i = from; i < to; i++) {
            if (b[i] == '\\') {
                bs = i;
                break;
            }
        }
        if (bs < 0) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(to - from);
        sb.append(new String(b, from, bs - from, StandardCharsets.UTF_8));
        int i = bs;
        while (i < to) {
            int start = i;
            while (i < to && b[i] != '\\') {
                i++;
            }
            if (i > start) {
                sb.append(new String(b, start, i - start, StandardCharsets.UTF_8));
            }
            if (i >= to) {
                break;
            }
            byte e = b[i + 1];
            switch (e) {
                case 'b' -> sb.append('\b');
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'f' -> sb.append('\f');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    sb.append((char) ((hexValue(b[i + 4]) << 4) | hexValue(b[i + 5])));
                    i += 4;
                }
                default -> sb.append((char) e);
            }
            i += 2;
        }
        return sb.toString();
    }

    // ---- scalars

    private JsonToken scalar(boolean emit) {
        byte b = in[p];
        switch (b) {
            case '"':
                string(emit);
                return JsonToken.VALUE_STRING;
            case 't':
                literal(TRUE, emit);
                return JsonToken.VALUE_TRUE;
            case 'f':
                literal(FALSE, emit);
                return JsonToken.VALUE_FALSE;
            case 'n':
                literal(NULL, emit);
                return JsonToken.VALUE_NULL;
            default:
                if (b == '-' || (b >= '0' && b <= '9')) {
                    return number(emit);
                }
                throw structure(b == ']' || b == '}' ? "unexpected '" + (char) b + "'"
                        : String.format("unexpected character 0x%02x", b & 0xff));
        }
    }

    private JsonCanonicalizer.Scalar scalarOf(JsonToken t, int inStart, int outStart) {
        return switch (t) {
            case VALUE_STRING -> new JsonCanonicalizer.Scalar(t, decode(out, outStart + 1, n - 1));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new JsonCanonicalizer.Scalar(t,
                    new String(in, inStart, p - inStart, StandardCharsets.ISO_8859_1));
            case VALUE_TRUE -> new JsonCanonicalizer.Scalar(t, "true");
            case VALUE_FALSE -> new JsonCanonicalizer.Scalar(t, "false");
            default -> new JsonCanonicalizer.Scalar(t, "null");
        };
    }

    private void literal(byte[] lit, boolean emit) {
        if (end - p < lit.length) {
            for (int i = 0; p + i < end; i++) {
                if (in[p + i] != lit[i]) {
                    p += i;
                    throw structure("invalid literal");
                }
            }
            p = end;
            throw truncated();
        }
        for (int i = 0; i < lit.length; i++) {
            if (in[p + i] != lit[i]) {
                p += i;
                throw structure("invalid literal");
            }
        }
        p += lit.length;
        if (p < end) {
            // As a token parser does: "nullx" is one unrecognised token, not null followed by garbage.
            byte c = in[p];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                    || c < 0) {
                throw structure("invalid literal");
            }
        }
        if (emit) {
            System.arraycopy(lit, 0, out, n, lit.length);
            n += lit.length;
        }
    }

    /** Copies a string (at {@code in[p] == '"'}) in canonical form; validates escapes and UTF-8. */
    private void string(boolean emit) {
        int start = n;
        lone = -1;
        p++;
        if (emit) {
            out[n++] = '"';
        }
        int q = p;
        byte[] src = in;
        int stop = end;
        while (true) {
            // Plain run: found eight bytes at a time (SWAR: a byte < 0x20, '"', '\\' or >= 0x80 stops it; the
            // lowest flagged byte is exact), then byte by byte; copied in one go.
            int runStart = q;
            while (q + 8 <= stop) {
                long w = (long) LONGS.get(src, q);
                long qt = w ^ 0x2222222222222222L;
                long bs = w ^ 0x5c5c5c5c5c5c5c5cL;
                long m = (((w - 0x2020202020202020L) & ~w) | ((qt - ONES) & ~qt) | ((bs - ONES) & ~bs) | w) & HIGHS;
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
                System.arraycopy(src, runStart, out, n, q - runStart);
                n += q - runStart;
            }
            if (q >= stop) {
                p = stop;
                throw truncated();
            }
            byte b = src[q];
            if (b == '"') {
                p = q + 1;
                break;
            }
            p = q;
            if (b == '\\') {
                escape(emit);
            } else if (b >= 0) {
                throw structure(String.format("raw control character 0x%02x in a string", b));
            } else {
                utf8(emit);
            }
            q = p;
        }
        if (emit) {
            out[n++] = '"';
            if (n - start - 2 > maxString) {
                throw new Malformed(DamageKind.LIMIT_EXCEEDED, p - base, "string longer than " + maxString
                        + " bytes");
            }
        }
    }

    private void escape(boolean emit) {
        if (p + 1 >= end) {
            p = end;
            throw truncated();
        }
        byte e = in[p + 1];
        switch (e) {
            case '"', '\\' -> {
                if (emit) {
                    out[n++] = '\\';
                    out[n++] = e;
                }
                p += 2;
            }
            case '/' -> {
                if (emit) {
                    out[n++] = '/';
                }
                p += 2;
            }
            case 'b', 'f', 'n', 'r', 't' -> {
                if (emit) {
                    out[n++] = '\\';
                    out[n++] = e;
                }
                p += 2;
            }
            case 'u' -> {
                int c = hex4(p + 2);
                p += 6;
                if (Character.isHighSurrogate((char) c)) {
                    if (p + 6 <= end && in[p] == '\\' && in[p + 1] == 'u') {
                        int c2 = hex4(p + 2);
                        if (Character.isLowSurrogate((char) c2)) {
                            p += 6;
                            if (emit) {
                                writeCodePoint(Character.toCodePoint((char) c, (char) c2));
                            }
                            return;
                        }
                    } else if (p + 6 > end && endsInsideEscape()) {
                        p = end;
                        throw truncated();
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
                        control(c);
                    } else if (c == '"' || c == '\\') {
                        out[n++] = '\\';
                        out[n++] = (byte) c;
                    } else {
                        writeCodePoint(c);
                    }
                }
            }
            default -> {
                p++;
                throw structure(String.format("invalid escape '\\%c'", (char) (e & 0xff)));
            }
        }
    }

    /** True when the input ends within what could still be a {@code \\uXXXX} escape after {@code p}. */
    private boolean endsInsideEscape() {
        String pre = "\\u";
        for (int i = 0; i < Math.min(2, end - p); i++) {
            if (in[p + i] != pre.charAt(i)) {
                return false;
            }
        }
        for (int i = p + 2; i < end; i++) {
            if (hexValue(in[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A lone surrogate: remembered, and reported once the string (and, for a name, its colon) is read, in the order
     * a token parser finds problems (syntax inside and right after the token first).
     */
    private void lone(int c) {
        if (lone < 0) {
            lone = c;
            loneAt = p;
        }
    }

    private int lone = -1;
    private int loneAt;
    private Malformed pending;

    private void checkLone() {
        if (lone >= 0) {
            int c = lone;
            lone = -1;
            throw new Malformed(DamageKind.BAD_RECORD, loneAt - base,
                    String.format("lone surrogate U+%04X in a string (hash input ambiguous)", c));
        }
    }

    private Malformed loneSurrogate(int c) {
        return new Malformed(DamageKind.BAD_RECORD, p - base,
                String.format("lone surrogate U+%04X in a string (hash input ambiguous)", c));
    }

    private int hex4(int at) {
        if (at + 4 > end) {
            for (int i = at; i < end; i++) {
                if (hexValue(in[i]) < 0) {
                    p = i;
                    throw structure("invalid \\u escape");
                }
            }
            p = end;
            throw truncated();
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int h = hexValue(in[at + i]);
            if (h < 0) {
                p = at + i;
                throw structure("invalid \\u escape");
            }
            v = (v << 4) | h;
        }
        return v;
    }

    private void control(int c) {
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
    }

    private void writeCodePoint(int cp) {
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
    }

    /** A strict UTF-8 sequence (RFC 3629) at {@code in[p]} (a byte >= 0x80): validated and copied. */
    private void utf8(boolean emit) {
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
        if (p + need >= end) {
            for (int k = 1; p + k < end; k++) {
                if ((in[p + k] & 0xc0) != 0x80) {
                    throw invalidUtf8(b);
                }
            }
            p = end;
            throw truncated();
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
            for (int k = 0; k <= need; k++) {
                out[n++] = in[p + k];
            }
        }
        p += need + 1;
    }

    private Malformed invalidUtf8(int b) {
        return new Malformed(DamageKind.BAD_RECORD, p - base, "invalid UTF-8 byte 0x" + Integer.toHexString(b));
    }

    // ---- numbers

    private final byte[] digits = new byte[16];
    private boolean atRoot;

    /** Reads a number (RFC 8259 grammar) and writes its ECMAScript form. */
    private JsonToken number(boolean emit) {
        int s = p;
        boolean neg = false;
        if (in[p] == '-') {
            neg = true;
            p++;
        }
        if (p >= end) {
            throw truncated();
        }
        int intStart = p;
        byte b = in[p];
        if (b == '0') {
            p++;
            if (p < end && in[p] >= '0' && in[p] <= '9') {
                throw structure("leading zero in a number");
            }
        } else if (b >= '1' && b <= '9') {
            while (p < end && in[p] >= '0' && in[p] <= '9') {
                p++;
            }
        } else {
            throw structure("invalid number");
        }
        int intEnd = p;
        int fracStart = -1;
        int fracEnd = -1;
        if (p < end && in[p] == '.') {
            p++;
            fracStart = p;
            while (p < end && in[p] >= '0' && in[p] <= '9') {
                p++;
            }
            if (p == fracStart) {
                throw p >= end ? truncated() : structure("digit expected after '.'");
            }
            fracEnd = p;
        }
        boolean hasExp = false;
        long exp = 0;
        if (p < end && (in[p] == 'e' || in[p] == 'E')) {
            hasExp = true;
            p++;
            boolean expNeg = false;
            if (p < end && (in[p] == '+' || in[p] == '-')) {
                expNeg = in[p] == '-';
                p++;
            }
            int es = p;
            while (p < end && in[p] >= '0' && in[p] <= '9') {
                if (exp < 100_000) {
                    exp = exp * 10 + (in[p] - '0');
                }
                p++;
            }
            if (p == es) {
                throw p >= end ? truncated() : structure("digit expected in an exponent");
            }
            if (expNeg) {
                exp = -exp;
            }
        }
        if (atRoot && p < end && in[p] != ' ' && in[p] != '\n' && in[p] != '\r' && in[p] != '\t') {
            throw structure("content after the JSON value"); // a root number runs on (as a token parser sees it)
        }
        if (p - s > maxNumber) {
            throw new Malformed(DamageKind.LIMIT_EXCEEDED, s - base, "number longer than " + maxNumber
                    + " characters");
        }
        JsonToken token = fracStart < 0 && !hasExp ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
        if (!emit) {
            return token; // validated only (the omitted member's content is not hashed)
        }
        ensure(n + (end - p) + 64);
        if (token == JsonToken.VALUE_NUMBER_INT) {
            int nd = intEnd - intStart;
            if (nd <= 15 || (nd <= 18 && parseLong(intStart, intEnd) <= TWO_53)) {
                if (nd == 1 && in[intStart] == '0') {
                    out[n++] = '0'; // -0 is 0
                } else {
                    if (neg) {
                        out[n++] = '-';
                    }
                    System.arraycopy(in, intStart, out, n, nd);
                    n += nd;
                }
                return token;
            }
        } else if (decimal(neg, intStart, intEnd, fracStart, fracEnd, exp)) {
            return token;
        }
        String text = new String(in, s, p - s, StandardCharsets.ISO_8859_1);
        double d = Double.parseDouble(text); // correctly rounded
        if (Double.isInfinite(d)) {
            throw new Malformed(DamageKind.BAD_RECORD, s - base, "number outside the IEEE-754 double range: "
                    + JsonCanonicalizer.abbreviate(text));
        }
        String f = EsNumber.format(d);
        for (int i = 0; i < f.length(); i++) {
            out[n++] = (byte) f.charAt(i);
        }
        return token;
    }

    private long parseLong(int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (in[i] - '0');
        }
        return v;
    }

    /**
     * A literal with a fraction or an exponent whose significant digits (trailing zeros dropped) number at most
     * 15 and whose decimal exponent is moderate: written from its own digits (see the class comment). Returns
     * false when the general path is needed.
     */
    private boolean decimal(boolean neg, int intStart, int intEnd, int fracStart, int fracEnd, long exp) {
        int k = 0;
        int zeros = 0;       // zeros seen after the last significant digit, not yet appended
        long point = intEnd - intStart; // value = 0.D * 10^point before stripping leading zeros
        boolean leading = true;
        for (int part = 0; part < 2; part++) {
            int from = part == 0 ? intStart : fracStart;
            int to = part == 0 ? intEnd : fracEnd;
            if (from < 0) {
                continue;
            }
            for (int i = from; i < to; i++) {
                byte c = in[i];
                if (c == '0') {
                    if (leading) {
                        point--;
                    } else {
                        zeros++;
                    }
                    continue;
                }
                leading = false;
                if (k + zeros + 1 > 15) {
                    return false;
                }
                for (; zeros > 0; zeros--) {
                    digits[k++] = '0';
                }
                digits[k++] = c;
            }
        }
        if (k == 0) {
            out[n++] = '0'; // any zero, -0.0 included
            return true;
        }
        long e10 = point + exp;
        if (e10 <= -290 || e10 >= 290) {
            return false;
        }
        int nn = (int) e10;
        if (neg) {
            out[n++] = '-';
        }
        if (k <= nn && nn <= 21) {
            System.arraycopy(digits, 0, out, n, k);
            n += k;
            for (int i = 0; i < nn - k; i++) {
                out[n++] = '0';
            }
        } else if (0 < nn && nn <= 21) {
            System.arraycopy(digits, 0, out, n, nn);
            n += nn;
            out[n++] = '.';
            System.arraycopy(digits, nn, out, n, k - nn);
            n += k - nn;
        } else if (-6 < nn && nn <= 0) {
            out[n++] = '0';
            out[n++] = '.';
            for (int i = 0; i < -nn; i++) {
                out[n++] = '0';
            }
            System.arraycopy(digits, 0, out, n, k);
            n += k;
        } else {
            int e = nn - 1;
            out[n++] = digits[0];
            if (k > 1) {
                out[n++] = '.';
                System.arraycopy(digits, 1, out, n, k - 1);
                n += k - 1;
            }
            out[n++] = 'e';
            out[n++] = (byte) (e < 0 ? '-' : '+');
            String es = Integer.toString(Math.abs(e));
            for (int i = 0; i < es.length(); i++) {
                out[n++] = (byte) es.charAt(i);
            }
        }
        return true;
    }
}
