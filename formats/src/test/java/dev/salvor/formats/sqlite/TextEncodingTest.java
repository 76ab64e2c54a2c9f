package dev.salvor.formats.sqlite;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The in-place strict UTF-8 decoding of carved text ({@link TextEncoding#decodeStrict}) accepts and returns exactly
 * what the JDK's reporting UTF-8 decoder (its former implementation) does: every 1- and 2-byte sequence, every
 * 3-byte sequence with a lead byte, the boundaries of the 4-byte forms, and random mixes of valid and invalid text.
 */
class TextEncodingTest {

    /** The reference: the JDK decoder reporting malformed input, as decodeStrict used it before. */
    private static String reference(byte[] b, int off, int len) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(len);
        CoderResult r = d.decode(ByteBuffer.wrap(b, off, len), out, true);
        if (r.isError() || d.flush(out).isError()) {
            return null;
        }
        return out.flip().toString();
    }

    private static void same(byte[] b, int off, int len) {
        assertEquals(reference(b, off, len), TextEncoding.UTF_8.decodeStrict(b, off, len),
                () -> "bytes " + hex(b, off, len));
    }

    private static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            s.append(String.format("%02x ", b[i] & 0xff));
        }
        return s.toString();
    }

    @Test
    void everyShortSequenceAsTheJdkDecoder() {
        byte[] b = new byte[5];
        for (int x = 0; x < 256; x++) {
            b[1] = (byte) x;
            same(b, 1, 1);
            for (int y = 0; y < 256; y++) {
                b[2] = (byte) y;
                same(b, 1, 2);
                if (x >= 0xc0) {
                    for (int z = 0; z < 256; z++) {
                        b[3] = (byte) z;
                        same(b, 1, 3);
                    }
                }
            }
        }
    }

    @Test
    void fourByteFormsAtTheirBoundaries() {
        int[] seconds = {0x00, 0x7f, 0x80, 0x8f, 0x90, 0xbf, 0xc0, 0xff};
        int[] others = {0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xff};
        byte[] b = new byte[6];
        for (int x = 0xf0; x <= 0xff; x++) {
            for (int y : seconds) {
                for (int z : others) {
                    for (int w : others) {
                        b[1] = (byte) x;
                        b[2] = (byte) y;
                        b[3] = (byte) z;
                        b[4] = (byte) w;
                        same(b, 1, 4);
                        same(b, 1, 3); // cut short
                    }
                }
            }
        }
    }

    @Test
    void randomTextAsTheJdkDecoder() {
        Random rnd = new Random(14);
        String[] pieces = {"a", "text ", "\u00e9", "\u20ac", "\ud83d\ude00", "\u4e2d\u6587", "\t\n"};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder s = new StringBuilder();
            int n = rnd.nextInt(12);
            for (int i = 0; i < n; i++) {
                s.append(pieces[rnd.nextInt(pieces.length)]);
            }
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            if (b.length > 0 && rnd.nextBoolean()) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256); // damaged: often invalid
            }
            int off = b.length > 0 ? rnd.nextInt(b.length) : 0;
            same(b, 0, b.length);
            same(b, off, b.length - off);
        }
    }

    @Test
    void validTextKeepsItsValueAndInvalidIsRefused() {
        byte[] ok = "caf\u00e9 \ud83d\ude00".getBytes(StandardCharsets.UTF_8);
        assertEquals("caf\u00e9 \ud83d\ude00", TextEncoding.UTF_8.decodeStrict(ok, 0, ok.length));
        assertNull(TextEncoding.UTF_8.decodeStrict(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, 3));
        assertNull(TextEncoding.UTF_8.decodeStrict(new byte[] {(byte) 0xc0, (byte) 0xaf}, 0, 2));
        assertNull(TextEncoding.UTF_16LE.decodeStrict(new byte[] {65, 0, 66}, 0, 3));
        assertEquals("AB", TextEncoding.UTF_16LE.decodeStrict(new byte[] {65, 0, 66, 0}, 0, 4));
    }
}
