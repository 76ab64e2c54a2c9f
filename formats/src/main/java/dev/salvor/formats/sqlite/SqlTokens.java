package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal SQL tokenizer for schema statements: identifiers and keywords, quoted names ({@code "x"}, {@code 'x'},
 * {@code `x`}, {@code [x]}, with doubled quotes as escapes), numbers, single-character punctuation; comments
 * ({@code --} and C-style) are skipped. Never fails: an unterminated quote runs to the end of the text.
 */
final class SqlTokens {
    private SqlTokens() {
    }

    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int e = s.indexOf("*/", i + 2);
                i = e < 0 ? n : e + 2;
            } else if (c == '"' || c == '\'' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int j = i + 1;
                while (j < n) {
                    if (s.charAt(j) == close) {
                        if (close != ']' && j + 1 < n && s.charAt(j + 1) == close) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                out.add(s.substring(i, Math.min(n, j + 1)));
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_'
                        || s.charAt(j) == '$' || s.charAt(j) > 127)) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                out.add(String.valueOf(c));
                i++;
            }
        }
        return out;
    }

    /** Removes the quotes of a quoted identifier and undoubles escaped quotes. */
    static String unquote(String t) {
        if (t.length() >= 2) {
            char c = t.charAt(0);
            char e = t.charAt(t.length() - 1);
            if ((c == '"' || c == '\'' || c == '`') && e == c) {
                String q = String.valueOf(c);
                return t.substring(1, t.length() - 1).replace(q + q, q);
            }
            if (c == '[' && e == ']') {
                return t.substring(1, t.length() - 1);
            }
        }
        return t;
    }
}
