package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.EsNumber;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;

/**
 * JSON numbers (RFC 8259 grammar) written in their ECMAScript form (RFC 8785 section 3.2.2.3), mostly without
 * going through a double:
 * <ul>
 *   <li>an integer literal of at most 15 digits (or up to 18 digits and at most 2^53) is its own ECMAScript form
 *       ({@code -0} becomes {@code 0});</li>
 *   <li>a literal with at most 15 significant digits and a decimal exponent within +-290 is read by the nearest
 *       double and printed back with the same digits (any decimal of at most 15 significant digits survives the
 *       round trip, DBL_DIG), so its form is those digits laid out the ECMAScript way;</li>
 *   <li>anything else goes through {@link Double#parseDouble} (correctly rounded) and {@link EsNumber}.</li>
 * </ul>
 */
final class JcsNumbers {
    private static final long TWO_53 = 1L << 53;

    private final JcsInput input;
    private final JcsOutput output;
    private final int maxNumber;
    /** The significant digits of the literal being laid out (at most 15). */
    private final byte[] digits = new byte[16];

    JcsNumbers(JcsInput input, JcsOutput output, int maxNumber) {
        this.input = input;
        this.output = output;
        this.maxNumber = maxNumber;
    }

    /**
     * Reads a number at {@code in[p]} and, when {@code emit}, writes its ECMAScript form. A number that is the
     * whole JSON text ({@code atRoot}) must be followed by whitespace or the end, as a token parser sees it.
     */
    JsonToken number(boolean emit, boolean atRoot) {
        JcsInput r = input;
        byte[] in = r.in;
        int end = r.end;
        int s = r.p;
        int p = s;
        boolean neg = false;
        if (in[p] == '-') {
            neg = true;
            p++;
        }
        if (p >= end) {
            r.p = p;
            throw r.truncated();
        }
        int intStart = p;
        byte b = in[p];
        if (b == '0') {
            p++;
            if (p < end && in[p] >= '0' && in[p] <= '9') {
                r.p = p;
                throw r.structure("leading zero in a number");
            }
        } else if (b >= '1' && b <= '9') {
            while (p < end && in[p] >= '0' && in[p] <= '9') {
                p++;
            }
        } else {
            r.p = p;
            throw r.structure("invalid number");
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
                r.p = p;
                throw p >= end ? r.truncated() : r.structure("digit expected after '.'");
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
                r.p = p;
                throw p >= end ? r.truncated() : r.structure("digit expected in an exponent");
            }
            if (expNeg) {
                exp = -exp;
            }
        }
        r.p = p;
        if (atRoot && p < end && in[p] != ' ' && in[p] != '\n' && in[p] != '\r' && in[p] != '\t') {
            throw r.structure("content after the JSON value"); // a root number runs on (as a token parser sees it)
        }
        if (p - s > maxNumber) {
            throw new Malformed(DamageKind.LIMIT_EXCEEDED, s - r.base, "number longer than " + maxNumber
                    + " characters");
        }
        JsonToken token = fracStart < 0 && !hasExp ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
        if (!emit) {
            return token; // validated only (the omitted member's content is not hashed)
        }
        JcsOutput w = output;
        w.ensure(w.n + (end - p) + 64);
        if (token == JsonToken.VALUE_NUMBER_INT) {
            int nd = intEnd - intStart;
            if (nd <= 15 || (nd <= 18 && parseLong(in, intStart, intEnd) <= TWO_53)) {
                if (nd == 1 && in[intStart] == '0') {
                    w.out[w.n++] = '0'; // -0 is 0
                } else {
                    if (neg) {
                        w.out[w.n++] = '-';
                    }
                    System.arraycopy(in, intStart, w.out, w.n, nd);
                    w.n += nd;
                }
                return token;
            }
        } else if (decimal(in, neg, intStart, intEnd, fracStart, fracEnd, exp)) {
            return token;
        }
        String text = new String(in, s, p - s, StandardCharsets.ISO_8859_1);
        double d = Double.parseDouble(text); // correctly rounded
        if (Double.isInfinite(d)) {
            throw new Malformed(DamageKind.BAD_RECORD, s - r.base, "number outside the IEEE-754 double range: "
                    + JsonCanonicalizer.abbreviate(text));
        }
        String f = EsNumber.format(d);
        for (int i = 0; i < f.length(); i++) {
            w.out[w.n++] = (byte) f.charAt(i);
        }
        return token;
    }

    private static long parseLong(byte[] in, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (in[i] - '0');
        }
        return v;
    }

    /**
     * A literal with a fraction or an exponent whose significant digits (trailing zeros dropped) number at most
     * 15 and whose decimal exponent is moderate: written from its own digits (see the class comment). Returns
     * false, having written nothing, when the general path is needed.
     */
    private boolean decimal(byte[] in, boolean neg, int intStart, int intEnd, int fracStart, int fracEnd, long exp) {
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
        byte[] out = output.out;
        int n = output.n;
        if (k == 0) {
            out[n++] = '0'; // any zero, -0.0 included
            output.n = n;
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
        // The ECMAScript layout (see EsNumber), with the k digits and the value 0.digits * 10^nn.
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
        output.n = n;
        return true;
    }
}
