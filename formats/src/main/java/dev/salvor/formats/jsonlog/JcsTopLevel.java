package dev.salvor.formats.jsonlog;

import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level members of an event that callers want besides its canonical bytes: the member left out of the hash
 * input (the event's own hash, {@code omit}), a few members kept as scalars as they are read ({@code capture}: the
 * id and the previous hash), or every top-level member ({@code all}, for the public canonicaliser).
 *
 * <p>The omitted member's value is still validated, and kept as a scalar; its name, comma and value are taken back
 * out of the output. A second member of the omitted name makes the hash input ambiguous: rejected. Names are
 * matched in canonical form (quoted, JCS-escaped: see {@link JcsEngine#keyBytes}), byte for byte.
 */
final class JcsTopLevel {
    private final JcsInput input;
    private final JcsOutput output;

    // What the caller asked for in this run.
    private byte[] omitKey;
    private byte[][] captureKeys;
    private boolean recordAll;

    // What was found.
    private JsonCanonicalizer.Scalar omitted;
    private JsonCanonicalizer.Scalar[] captured;
    private Map<String, JsonCanonicalizer.Scalar> all;

    // The member being read.
    private boolean omitting;    // it is the omitted member
    private int omitAt;          // output position before the omitted member's comma
    private int captureIndex;    // index in capture, or -1
    private String allKey;       // its name for all(), or null
    private Malformed pending;   // a duplicate omitted name, reported after its number or literal value

    JcsTopLevel(JcsInput input, JcsOutput output) {
        this.input = input;
        this.output = output;
    }

    void start(byte[] omit, byte[][] capture, boolean allTop) {
        omitKey = omit;
        captureKeys = capture;
        recordAll = allTop;
        omitted = null;
        captured = capture == null ? null : new JsonCanonicalizer.Scalar[capture.length];
        all = allTop ? new LinkedHashMap<>() : Map.of();
        omitting = false;
        omitAt = -1;
        captureIndex = -1;
        allKey = null;
        pending = null;
    }

    JsonCanonicalizer.Scalar omitted() {
        return omitted;
    }

    JsonCanonicalizer.Scalar[] captured() {
        return captured;
    }

    Map<String, JsonCanonicalizer.Scalar> all() {
        return all;
    }

    /**
     * A top-level member name, {@code out[segStart, keyEnd)}, was read with its colon; {@code commaAt} is the
     * output position before its comma, {@code value} the first byte of its value (0 at the end of the input).
     */
    void name(int segStart, int keyEnd, int commaAt, byte value) {
        if (recordAll) {
            allKey = CanonicalStrings.decode(output.out, segStart + 1, keyEnd - 1);
        }
        if (omitKey != null && equalsKey(segStart, keyEnd, omitKey)) {
            if (omitted != null) {
                Malformed dup = new Malformed(DamageKind.BAD_RECORD, input.p - input.base, "duplicate member"
                        + " name " + new String(omitKey, StandardCharsets.UTF_8) + " (hash input ambiguous)");
                if (value == '"' || value == '{' || value == '[') {
                    throw dup;
                }
                pending = dup; // after the number or literal, as a token parser would
            }
            omitting = true;
            omitAt = commaAt;
        } else if (captureKeys != null) {
            for (int i = 0; i < captureKeys.length; i++) {
                if (equalsKey(segStart, keyEnd, captureKeys[i])) {
                    captureIndex = i;
                }
            }
        }
    }

    /** True while the omitted member is read: its name and value are not part of the output. */
    boolean omitting() {
        return omitting;
    }

    /** The output position the omitted member's comma, name and value are taken back to. */
    int omitAt() {
        return omitAt;
    }

    /** The omitted member's value was read: the output goes back to {@link #omitAt()}. */
    void endOmitted() {
        omitting = false;
        output.n = omitAt;
    }

    /** True when the current member's value is to be kept. */
    boolean wanted() {
        return omitting || captureIndex >= 0 || allKey != null;
    }

    /** Keeps the current member's value (a container as its start token). */
    void record(JsonCanonicalizer.Scalar s) {
        if (omitting) {
            omitted = s;
        } else if (captureIndex >= 0) {
            captured[captureIndex] = s;
        }
        if (allKey != null) {
            all.put(allKey, s);
        }
        captureIndex = -1;
        allKey = null;
    }

    /** Throws the duplicate omitted name found before this number or literal value, if any. */
    void checkPending() {
        if (pending != null) {
            Malformed m = pending;
            pending = null;
            throw m;
        }
    }

    /** The scalar just read: input {@code in[inStart, p)}, canonical form from output {@code outStart}. */
    JsonCanonicalizer.Scalar scalarOf(JsonToken t, int inStart, int outStart) {
        return switch (t) {
            case VALUE_STRING -> new JsonCanonicalizer.Scalar(t,
                    CanonicalStrings.decode(output.out, outStart + 1, output.n - 1));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new JsonCanonicalizer.Scalar(t,
                    new String(input.in, inStart, input.p - inStart, StandardCharsets.ISO_8859_1));
            case VALUE_TRUE -> new JsonCanonicalizer.Scalar(t, "true");
            case VALUE_FALSE -> new JsonCanonicalizer.Scalar(t, "false");
            default -> new JsonCanonicalizer.Scalar(t, "null");
        };
    }

    private boolean equalsKey(int start, int stop, byte[] key) {
        if (stop - start != key.length) {
            return false;
        }
        byte[] out = output.out;
        for (int i = 0; i < key.length; i++) {
            if (out[start + i] != key[i]) {
                return false;
            }
        }
        return true;
    }
}
