package dev.salvor.formats.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class Utf16Test {
    @Test
    void loneSurrogatesAreKeptWhereTheCharsetWouldReplaceThem() {
        // "a", a lone high surrogate, "é", then the pair of U+1F600
        byte[] le = {0x61, 0, 0x3D, (byte) 0xD8, (byte) 0xE9, 0, 0x3D, (byte) 0xD8, 0x00, (byte) 0xDE};
        assertEquals("a\uD83D\u00E9\uD83D\uDE00", Utf16.littleEndian(le, 0, 5));
        assertNotEquals(Utf16.littleEndian(le, 0, 5), new String(le, StandardCharsets.UTF_16LE), "the charset loses it");
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i += 2) {
            be[i] = le[i + 1];
            be[i + 1] = le[i];
        }
        assertEquals("a\uD83D\u00E9\uD83D\uDE00", Utf16.bigEndian(be, 0, 5));
        assertEquals("\u00E9", Utf16.littleEndian(le, 4, 1));
        assertEquals("", Utf16.bigEndian(be, 10, 0));
    }
}
