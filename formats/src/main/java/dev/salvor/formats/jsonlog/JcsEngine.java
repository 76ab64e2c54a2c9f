package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.EsNumber;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.util.Arrays;
import java.util.Map;

/**
 * The RFC 8785 (JCS) canonicaliser's engine: one pass over UTF-8 JSON bytes, writing the canonical form into a
 * reusable buffer ({@link #out()}, {@link #length()}) - no parser object, no per-member allocation, no recursion.
 *
 * <p>This class reads the structure (RFC 8259 grammar): containers are tracked on explicit int stacks (depth
 * bounded by {@code maxDepth}), names, colons, commas and brackets are checked and written here. The other phases
 * have a class each, sharing one input cursor ({@link JcsInput}) and one output buffer ({@link JcsOutput}):
 * <ul>
 *   <li>{@link JcsMembers}: each object's member spans, sorted by name as UTF-16 code units when it closes;
 *       duplicates rejected;</li>
 *   <li>{@link JcsScalars}: strings ({@link JcsStrings}: escapes, strict UTF-8, lone surrogates), numbers
 *       ({@link JcsNumbers}, with {@link EsNumber}) and literals;</li>
 *   <li>{@link JcsTopLevel}: the top-level member named {@code omit} is left out (its value is still validated,
 *       and kept as a scalar); up to a few top-level members named in {@code capture}, or all of them, are kept as
 *       scalars as they are read.</li>
 * </ul>
 * Errors are {@link Malformed} (stackless): {@link DamageKind#BAD_STRUCTURE} for syntax,
 * {@link DamageKind#TRUNCATED} when the input ends inside the value, {@link DamageKind#BAD_RECORD} for content
 * that has no single canonical form (duplicate names, lone surrogates, invalid UTF-8, numbers outside the double
 * range), {@link DamageKind#LIMIT_EXCEEDED} for nesting, string or number length over the limits. Positions are
 * relative to the start of the input range. When several problems are present, the first reported is the one a
 * token parser (Jackson) would report first: the tests compare the two.
 *
 * <p>Not thread-safe: one engine per thread (its buffers are reused from call to call).
 * Spec: https://www.rfc-editor.org/rfc/rfc8785, https://www.rfc-editor.org/rfc/rfc8259
 */
final class JcsEngine {
    private static final int OBJECT = 1;
    private static final int ARRAY = 2;

    private final int maxDepth;
    private final JcsInput input = new JcsInput();
    private final JcsOutput output = new JcsOutput();
    private final JcsMembers members = new JcsMembers(input, output);
    private final JcsStrings strings;
    private final JcsScalars scalars;
    private final JcsTopLevel tops = new JcsTopLevel(input, output);

    /** Container stack, index = depth (1 = root container): kind, members' start on the member stack, values. */
    private int[] kind = new int[16];
    private int[] memBase = new int[16];
    private int[] count = new int[16];

    JcsEngine(int maxDepth, int maxString, int maxNumber) {
        this.maxDepth = maxDepth;
        this.strings = new JcsStrings(input, output, maxString);
        this.scalars = new JcsScalars(input, output, strings, new JcsNumbers(input, output, maxNumber));
    }

    /** The canonical bytes of the last successful run: {@code out()[0, length())}. */
    byte[] out() {
        return output.out;
    }

    int length() {
        return output.n;
    }

    /** The omitted top-level member's value, or null when it was absent. */
    JsonCanonicalizer.Scalar omitted() {
        return tops.omitted();
    }

    /** The captured top-level members, index by index with the names given (null when absent). */
    JsonCanonicalizer.Scalar[] captured() {
        return tops.captured();
    }

    /** Every top-level member (only when asked for with {@code all}), in input order, or an empty map. */
    Map<String, JsonCanonicalizer.Scalar> all() {
        return tops.all();
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
        input.start(in, off, end);
        output.n = 0;
        members.drop(0);
        strings.reset();
        tops.start(omit, capture, allTop);
        output.ensure(end - off + 64);
        try {
            parse();
        } catch (ArrayIndexOutOfBoundsException e) {
            // Defence in depth: every index is checked against end; never let an index error escape.
            throw new Malformed(DamageKind.BAD_STRUCTURE, input.p - input.base, "invalid JSON");
        }
        int after = input.p;
        if (exact) {
            input.skipWs();
            if (input.p < end) {
                throw input.structure("content after the JSON value");
            }
        }
        input.release();
        return after;
    }

    private void push(int depth, int k) {
        if (depth > maxDepth) {
            throw new Malformed(DamageKind.LIMIT_EXCEEDED, input.p - input.base, "nesting deeper than " + maxDepth);
        }
        if (depth >= kind.length) {
            int len = Math.max(depth + 1, kind.length * 2);
            kind = Arrays.copyOf(kind, len);
            memBase = Arrays.copyOf(memBase, len);
            count = Arrays.copyOf(count, len);
        }
        kind[depth] = k;
        memBase[depth] = members.top();
        count[depth] = 0;
    }

    /** The state machine over one value (explicit stacks; no recursion). */
    private void parse() {
        final JcsInput r = input;
        final JcsOutput w = output;
        int d = 0;               // open containers; container d is the innermost
        int skipFrom = 0;        // > 0: containers at depth >= skipFrom write nothing (the omitted member's value)
        int valueOut = 0;        // output position where the current top-level value starts
        r.skipWs();
        if (r.p >= r.end) {
            throw new Malformed(DamageKind.BAD_STRUCTURE, 0, "no JSON value");
        }
        boolean wantKey = false;
        while (true) {
            if (wantKey) {
                // ---- a member name and its colon
                wantKey = false;
                name(d, skipFrom == 0);
                valueOut = w.n;
            }
            // ---- a value
            if (r.p >= r.end) {
                throw r.truncated();
            }
            byte b = r.in[r.p];
            boolean writing = skipFrom == 0;
            if (b == '{' || b == '[') {
                boolean top = d == 1 && writing;
                if (top && tops.wanted()) {
                    tops.record(new JsonCanonicalizer.Scalar(b == '{' ? JsonToken.START_OBJECT
                            : JsonToken.START_ARRAY, null));
                }
                d++;
                push(d, b == '{' ? OBJECT : ARRAY);
                if (writing && !(top && tops.omitting())) {
                    w.out[w.n++] = b;
                } else if (skipFrom == 0) {
                    skipFrom = d; // the omitted member's container: validated, not written
                }
                r.p++;
                r.skipWs();
                if (r.p >= r.end) {
                    throw r.truncated();
                }
                if (r.in[r.p] != (b == '{' ? '}' : ']')) {
                    wantKey = b == '{';
                    continue;
                }
                // empty: in[p] closes it
            } else {
                int inStart = r.p;
                // The omitted member's number or literal is only validated (it is not hashed); its string is
                // written to be read back, then dropped.
                JsonToken t = scalars.scalar(writing && !(d == 1 && tops.omitting() && b != '"'), d == 0);
                if (writing) {
                    strings.checkLone(); // this string's, or the member name's when the value is a number or literal
                    tops.checkPending();
                }
                if (d == 0) {
                    return; // a scalar root
                }
                if (d == 1) {
                    if (tops.wanted()) {
                        tops.record(tops.scalarOf(t, inStart, valueOut));
                    }
                    if (tops.omitting()) {
                        tops.endOmitted(); // its text was written only to be read: drop it
                    } else {
                        valueDone(d, skipFrom);
                    }
                } else {
                    valueDone(d, skipFrom);
                }
                if (!separator(d, skipFrom)) {
                    wantKey = kind[d] == OBJECT;
                    continue;
                }
            }
            // ---- closing brackets, and the separators after them
            while (true) {
                // close container d (in[p] is its closing bracket)
                r.p++;
                if (skipFrom != 0 && d >= skipFrom) {
                    members.drop(memBase[d]);
                    if (d == skipFrom) {
                        skipFrom = 0;
                    }
                } else if (kind[d] == OBJECT) {
                    members.sortObject(memBase[d]);
                    w.out[w.n++] = '}';
                } else {
                    w.out[w.n++] = ']';
                }
                d--;
                if (d == 0) {
                    return;
                }
                // The closed container was a value of container d.
                if (d == 1 && tops.omitting()) {
                    tops.endOmitted();
                } else {
                    valueDone(d, skipFrom);
                }
                if (!separator(d, skipFrom)) {
                    wantKey = kind[d] == OBJECT;
                    break;
                }
            }
        }
    }

    /**
     * A member name and its colon, at {@code in[p]}, in the object at depth {@code d}: written with its comma and
     * pushed on the member stack when {@code writing} (a top-level name is also matched against the omitted and
     * captured names); only validated inside the omitted member's value.
     */
    private void name(int d, boolean writing) {
        final JcsInput r = input;
        final JcsOutput w = output;
        if (r.p >= r.end) {
            throw r.truncated();
        }
        if (r.in[r.p] != '"') {
            throw r.structure("expected a member name");
        }
        int commaAt = w.n;
        if (writing && count[d] > 0) {
            w.out[w.n++] = ',';
        }
        int segStart = w.n;
        strings.string(writing);
        int keyEnd = w.n;
        r.skipWs();
        if (r.p >= r.end) {
            throw r.truncated();
        }
        if (r.in[r.p] != ':') {
            throw r.structure("expected ':' after a member name");
        }
        r.p++;
        r.skipWs();
        if (writing) {
            // A token parser reads a number or literal right after the colon before handing out the
            // name: keep that order of errors (a string or container value is read later).
            byte v = r.p < r.end ? r.in[r.p] : 0;
            if (v == '"' || v == '{' || v == '[') {
                strings.checkLone();
            }
            if (d == 1) {
                tops.name(segStart, keyEnd, commaAt, v);
            }
            if (tops.omitting()) {
                w.n = tops.omitAt(); // the omitted member: no comma, no name
            } else {
                w.out[w.n++] = ':';
                members.push(segStart, keyEnd);
            }
        }
    }

    /**
     * After a value of container {@code d}: reads a comma (returns false: another member or element follows; an
     * array's comma is written here, an object's with its next name) or the container's closing bracket (returns
     * true, leaving {@code in[p]} on it).
     */
    private boolean separator(int d, int skipFrom) {
        JcsInput r = input;
        r.skipWs();
        if (r.p >= r.end) {
            throw r.truncated();
        }
        byte c = r.in[r.p];
        if (c == ',') {
            r.p++;
            r.skipWs();
            if (kind[d] != OBJECT && skipFrom == 0) {
                output.out[output.n++] = ',';
            }
            return false;
        }
        byte closer = (byte) (kind[d] == OBJECT ? '}' : ']');
        if (c != closer) {
            throw r.structure(c == '}' || c == ']' ? "'" + (char) c + "' closes a"
                    + (kind[d] == OBJECT ? "n object" : "n array")
                    : "expected ',' or '" + (char) closer + "'");
        }
        return true;
    }

    /** A value of container {@code d} ended: an object's member span closes and counts (for its commas). */
    private void valueDone(int d, int skipFrom) {
        if (kind[d] == OBJECT && (skipFrom == 0 || d < skipFrom)) {
            members.endValue(output.n);
            count[d]++;
        }
    }
}
