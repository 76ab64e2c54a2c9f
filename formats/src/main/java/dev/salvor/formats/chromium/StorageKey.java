package dev.salvor.formats.chromium;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A serialized Chromium storage key (the partition a Local or Session Storage area belongs to): the origin, e.g.
 * {@code https://a.test} (Local Storage writes it without the trailing slash, Session Storage with it), optionally
 * followed by attributes {@code ^<digit><value>} after the origin's slash: {@code ^0} top-level site (a third-party
 * context: {@code https://a.test/^0https://top.test}), {@code ^1}/{@code ^2} the nonce's high/low halves (an opaque,
 * e.g. fenced-frame partition), {@code ^3} the ancestor-chain bit, {@code ^4}..{@code ^6} an opaque top-level site's
 * nonce and precursor.
 *
 * @param serialized the whole key as stored
 * @param origin     the origin part, without a trailing slash
 * @param attributes the {@code ^<digit>} attributes by name (top_level_site, nonce_high, nonce_low,
 *                   ancestor_chain_bit, top_level_site_nonce_high, top_level_site_nonce_low,
 *                   top_level_site_precursor, or {@code attribute_<digit>})
 */
public record StorageKey(String serialized, String origin, Map<String, String> attributes) {
    private static final String[] NAMES = {"top_level_site", "nonce_high", "nonce_low", "ancestor_chain_bit",
            "top_level_site_nonce_high", "top_level_site_nonce_low", "top_level_site_precursor"};

    public StorageKey {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** True when the key names a partition besides its origin (a third-party or opaque context). */
    public boolean partitioned() {
        return !attributes.isEmpty();
    }

    /** Parses a serialized storage key (never fails: text that has no attributes is all origin). */
    public static StorageKey parse(String s) {
        int caret = s.indexOf("/^");
        String origin = caret < 0 ? s : s.substring(0, caret);
        // Session Storage writes the origin with its trailing slash ("https://a.test/"), Local Storage without; one
        // trailing slash is dropped unless that would cut into the scheme's "//" ("file://" stays as it is)
        if (origin.endsWith("/") && !origin.endsWith(":/") && !origin.endsWith("://")) {
            origin = origin.substring(0, origin.length() - 1);
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        if (caret >= 0) {
            // "^<digit><value>" pairs up to the next "^<digit>"; a "^" not followed by a digit belongs to the value
            String rest = s.substring(caret + 1);
            int i = 0;
            while (i + 1 < rest.length() && rest.charAt(i) == '^' && Character.isDigit(rest.charAt(i + 1))) {
                int digit = rest.charAt(i + 1) - '0';
                int next = i + 2;
                while (next < rest.length() && !(rest.charAt(next) == '^' && next + 1 < rest.length()
                        && Character.isDigit(rest.charAt(next + 1)))) {
                    next++;
                }
                String name = digit < NAMES.length ? NAMES[digit] : "attribute_" + digit;
                attrs.put(name, rest.substring(i + 2, next));
                i = next;
            }
        }
        return new StorageKey(s, origin, attrs);
    }
}
