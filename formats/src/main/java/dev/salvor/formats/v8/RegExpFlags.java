package dev.salvor.formats.v8;

/**
 * V8's RegExp flag bits as serialized after the pattern ({@code R}), and their JavaScript letters in the order
 * {@code RegExp.prototype.flags} lists them ("dgimsuvy"; V8's experimental linear flag "l" last).
 */
public final class RegExpFlags {
    static final int GLOBAL = 1;
    static final int IGNORE_CASE = 2;
    static final int MULTILINE = 4;
    static final int STICKY = 8;
    static final int UNICODE = 16;
    static final int DOT_ALL = 32;
    static final int LINEAR = 64;
    static final int HAS_INDICES = 128;
    static final int UNICODE_SETS = 256;
    /** Every bit V8 defines; a value with another bit set is not a RegExp V8 wrote. */
    static final int ALL = 511;

    private RegExpFlags() {
    }

    /** The flags as JavaScript prints them. */
    public static String letters(int flags) {
        StringBuilder b = new StringBuilder(9);
        if ((flags & HAS_INDICES) != 0) {
            b.append('d');
        }
        if ((flags & GLOBAL) != 0) {
            b.append('g');
        }
        if ((flags & IGNORE_CASE) != 0) {
            b.append('i');
        }
        if ((flags & MULTILINE) != 0) {
            b.append('m');
        }
        if ((flags & DOT_ALL) != 0) {
            b.append('s');
        }
        if ((flags & UNICODE) != 0) {
            b.append('u');
        }
        if ((flags & UNICODE_SETS) != 0) {
            b.append('v');
        }
        if ((flags & STICKY) != 0) {
            b.append('y');
        }
        if ((flags & LINEAR) != 0) {
            b.append('l');
        }
        return b.toString();
    }
}
