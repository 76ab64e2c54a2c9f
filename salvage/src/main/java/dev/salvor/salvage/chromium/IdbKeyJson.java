package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.IdbKey;
import dev.salvor.formats.chromium.IdbKeyPath;
import dev.salvor.salvage.report.JsonLineWriter;
import dev.salvor.salvage.report.JsonLineWriter.Name;

import dev.salvor.formats.v8.JsonValue;

/**
 * IndexedDB keys in JSON: a number as a JSON number (an integral value without a fraction; a non-finite one as
 * {@code {"number":"Infinity"}}), a date as {@code {"date":"2024-02-29T12:00:00.000Z"}} (as JavaScript's
 * toISOString writes it: millisecond ISO-8601 UTC, six-digit signed years outside 0..9999, the same text as the
 * values' dates; a fractional or out-of-range date as {@code {"date":<milliseconds>}}), a string as a JSON string, binary as
 * {@code {"binary":"<base64>"}}, an array as a JSON array, Chromium's MinKey as {@code {"min_key":true}} and its
 * "none" key as null. Key paths: a string, an array of strings, or null.
 */
final class IdbKeyJson {
    private static final Name NUMBER = Name.of("number");
    private static final Name DATE = Name.of("date");
    private static final Name BINARY = Name.of("binary");
    private static final Name MIN_KEY = Name.of("min_key");
    /** JavaScript's date range: ±8.64e15 ms around 1970. */
    private static final double MAX_DATE = 8.64e15;
    /** Largest integer a double holds exactly. */
    private static final double EXACT = 9007199254740992d;

    private IdbKeyJson() {
    }

    static void write(JsonLineWriter j, IdbKey key) {
        if (key == null || key instanceof IdbKey.None) {
            j.nullValue();
        } else if (key instanceof IdbKey.Number n) {
            number(j, n.value());
        } else if (key instanceof IdbKey.Date d) {
            j.beginObject();
            j.name(DATE);
            double ms = d.millis();
            if (Double.isFinite(ms) && ms == Math.rint(ms) && Math.abs(ms) <= MAX_DATE) {
                j.string(JsonValue.iso(ms)); // as toISOString gives it, as the values' dates are
            } else {
                number(j, ms);
            }
            j.endObject();
        } else if (key instanceof IdbKey.Str s) {
            j.string(s.value());
        } else if (key instanceof IdbKey.Binary b) {
            j.beginObject();
            j.name(BINARY);
            j.string(java.util.Base64.getEncoder().encodeToString(b.bytes()));
            j.endObject();
        } else if (key instanceof IdbKey.Array a) {
            j.beginArray();
            for (IdbKey e : a.elements()) {
                write(j, e);
            }
            j.endArray();
        } else {
            j.beginObject();
            j.name(MIN_KEY);
            j.bool(true);
            j.endObject();
        }
    }

    /** A number: integral values in the exact range without a fraction, non-finite ones as an object. */
    static void number(JsonLineWriter j, double v) {
        if (!Double.isFinite(v)) {
            j.beginObject();
            j.name(NUMBER);
            j.string(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
            j.endObject();
        } else if (v == Math.rint(v) && Math.abs(v) <= EXACT && !(v == 0 && 1 / v < 0)) {
            j.number((long) v);
        } else {
            j.number(v);
        }
    }

    static void keyPath(JsonLineWriter j, IdbKeyPath p) {
        if (p == null || p.isNone()) {
            j.nullValue();
        } else if (p.string() != null) {
            j.string(p.string());
        } else {
            j.beginArray();
            p.array().forEach(j::string);
            j.endArray();
        }
    }
}
