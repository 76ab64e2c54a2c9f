package dev.salvor.formats.v8;

import java.math.BigDecimal;

/** JavaScript's Number-to-String (ECMA-262 Number::toString) and array-index test, for property keys and JSON. */
final class JsNumbers {
    private JsNumbers() {
    }

    /** The string JavaScript gives a number: "1", "1.5", "1e+21", "1e-7", "NaN", "-Infinity", "0" for -0. */
    static String toJsString(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            if (Math.abs(d) < 9.007199254740992E15) {
                return Long.toString((long) d);
            }
            return new BigDecimal(d).toPlainString();
        }
        String sign = d < 0 ? "-" : "";
        // Shortest digits that round-trip (Java's Double.toString), as digits s and exponent n: value = 0.s * 10^n.
        String j = Double.toString(Math.abs(d));
        int e = j.indexOf('E');
        String mantissa = e < 0 ? j : j.substring(0, e);
        int exp = e < 0 ? 0 : Integer.parseInt(j.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String all = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int n = dot + exp;
        int lead = 0;
        while (lead < all.length() - 1 && all.charAt(lead) == '0') {
            lead++;
        }
        n -= lead;
        int stop = all.length();
        while (stop > lead + 1 && all.charAt(stop - 1) == '0') {
            stop--;
        }
        String digits = all.substring(lead, stop);
        int k = digits.length();
        StringBuilder out = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
        }
        return out.toString();
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
