package dev.salvor.formats.jsonlog;

import com.fasterxml.jackson.core.JsonToken;

/**
 * One scalar value at the read position, told apart by its first byte: a string ({@link JcsStrings}), a number
 * ({@link JcsNumbers}) or one of the literals {@code true false null}, which are their own canonical form.
 */
final class JcsScalars {
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final JcsInput input;
    private final JcsOutput output;
    private final JcsStrings strings;
    private final JcsNumbers numbers;

    JcsScalars(JcsInput input, JcsOutput output, JcsStrings strings, JcsNumbers numbers) {
        this.input = input;
        this.output = output;
        this.strings = strings;
        this.numbers = numbers;
    }

    /**
     * Reads the scalar at {@code in[p]}, writing its canonical form when {@code emit}; {@code atRoot} when it is
     * the whole JSON text. Returns its token type.
     */
    JsonToken scalar(boolean emit, boolean atRoot) {
        byte b = input.in[input.p];
        switch (b) {
            case '"':
                strings.string(emit);
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
                    return numbers.number(emit, atRoot);
                }
                throw input.structure(b == ']' || b == '}' ? "unexpected '" + (char) b + "'"
                        : String.format("unexpected character 0x%02x", b & 0xff));
        }
    }

    private void literal(byte[] lit, boolean emit) {
        JcsInput r = input;
        if (r.end - r.p < lit.length) {
            for (int i = 0; r.p + i < r.end; i++) {
                if (r.in[r.p + i] != lit[i]) {
                    r.p += i;
                    throw r.structure("invalid literal");
                }
            }
            r.p = r.end;
            throw r.truncated();
        }
        for (int i = 0; i < lit.length; i++) {
            if (r.in[r.p + i] != lit[i]) {
                r.p += i;
                throw r.structure("invalid literal");
            }
        }
        r.p += lit.length;
        if (r.p < r.end) {
            // As a token parser does: "nullx" is one unrecognised token, not null followed by garbage.
            byte c = r.in[r.p];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                    || c < 0) {
                throw r.structure("invalid literal");
            }
        }
        if (emit) {
            System.arraycopy(lit, 0, output.out, output.n, lit.length);
            output.n += lit.length;
        }
    }
}
