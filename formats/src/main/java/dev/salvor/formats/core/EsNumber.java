package dev.salvor.formats.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * ECMAScript {@code Number::toString} for finite doubles, as RFC 8785 section 3.2.2.3 requires: the shortest
 * decimal digit string that reads back as the same double, the closest such string when several have that length
 * (ties to an even last digit), laid out in plain or exponent form by the digit count and exponent.
 *
 * <p>Java 17's {@link Double#toString(double)} is not used: before JDK 19 it sometimes prints more digits than
 * needed or not the closest shortest string (JDK-4511638). Instead the shortest length is found by a binary search
 * over the precision {@code p in [1, 17]}: a double has a {@code p}-digit representation iff the {@code p}-digit
 * floor or ceiling of its exact binary value reads back ({@link Double#parseDouble} rounds correctly) - the set of
 * {@code p}-digit decimals grows with {@code p}, so the predicate is monotone. Seventeen digits always suffice.
 *
 * <p>Layout (ES2015 7.1.12.1, with {@code s} the {@code k} digits and {@code n} the decimal exponent so that the
 * value is {@code 0.s * 10^n}):
 * <pre>
 *   k &lt;= n &lt;= 21      digits then n-k zeros            1e20  -&gt; 100000000000000000000
 *   0 &lt;  n &lt;= 21      digits with a point after n       4.5
 *   -6 &lt; n &lt;= 0      "0." then -n zeros then digits     0.000001
 *   otherwise         d[.ddd]e(+|-)(n-1)                1e+21, 1e-7, 5e-324
 * </pre>
 * Spec: https://262.ecma-international.org/6.0/#sec-tostring-applied-to-the-number-type
 */
public final class EsNumber {
    private static final double TWO_53 = 9007199254740992.0;

    private EsNumber() {
    }

    /** Formats a finite double; {@code -0} gives {@code "0"}. */
    public static String format(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("not a finite number: " + d);
        }
        if (d == 0) {
            return "0";
        }
        // Fast path: integral values below 2^53 print all their digits, exactly as Long.toString does.
        if (Math.abs(d) < TWO_53 && d == Math.rint(d)) {
            return Long.toString((long) d);
        }
        StringBuilder sb = new StringBuilder(26);
        if (d < 0) {
            sb.append('-');
            d = -d;
        }
        BigDecimal shortest = shortest(d);
        String s = shortest.unscaledValue().toString();
        int k = s.length();
        int n = k - shortest.scale();
        if (k <= n && n <= 21) {
            sb.append(s);
            for (int i = 0; i < n - k; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(s, 0, n).append('.').append(s, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            for (int i = 0; i < -n; i++) {
                sb.append('0');
            }
            sb.append(s);
        } else {
            int e = n - 1;
            sb.append(s.charAt(0));
            if (k > 1) {
                sb.append('.').append(s, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }

    /** The shortest, then closest, then even decimal that reads back as {@code d > 0}; trailing zeros stripped. */
    static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        int lo = 1;
        int hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pick(exact, d, mid) != null) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        BigDecimal best = pick(exact, d, lo);
        if (best == null) {
            throw new AssertionError("no 17-digit representation for " + d);
        }
        return best.stripTrailingZeros();
    }

    /** The best {@code p}-digit decimal reading back as {@code d}, or null when none does. */
    private static BigDecimal pick(BigDecimal exact, double d, int p) {
        BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
        BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
        boolean downOk = readsBack(down, d);
        boolean upOk = readsBack(up, d);
        if (downOk && upOk && down.compareTo(up) != 0) {
            int c = exact.subtract(down).compareTo(up.subtract(exact));
            if (c != 0) {
                return c < 0 ? down : up;
            }
            return down.unscaledValue().testBit(0) ? up : down;
        }
        return downOk ? down : upOk ? up : null;
    }

    private static boolean readsBack(BigDecimal candidate, double d) {
        return Double.parseDouble(candidate.toString()) == d;
    }
}
