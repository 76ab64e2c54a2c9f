package dev.salvor.formats.v8;

import dev.salvor.formats.core.EsNumber;

/** JavaScript's Number-to-String (ECMA-262 Number::toString) and array-index test, for property keys and JSON. */
final class JsNumbers {
    private JsNumbers() {
    }

    /**
     * The string JavaScript gives a number: "1", "1.5", "1e+21", "1e-7", "NaN", "-Infinity", "0" for -0; finite
     * numbers by {@link EsNumber} (shortest round-trip digits, so 2^60 is "1152921504606847000" as in V8).
     */
    static String toJsString(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return EsNumber.format(d);
    }

    /** The array index a property key names (a canonical integer 0..2^32-2), or -1. */
    static long arrayIndex(String key) {
        int len = key.length();
        if (len == 0 || len > 10) {
            return -1;
        }
        if (len > 1 && key.charAt(0) == '0') {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 4294967294L ? v : -1;
    }
}
