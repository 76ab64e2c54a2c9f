package dev.salvor.salvage;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonBytesTest {

    private static boolean jdkStrict(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void validatorAgreesWithTheJdkDecoderOnRandomAndEdgeInputs() {
        Random r = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[r.nextInt(8)];
            r.nextBytes(b);
            assertEquals(jdkStrict(b), JsonBytes.isUtf8(b), () -> java.util.HexFormat.of().formatHex(b));
        }
        assertTrue(JsonBytes.isUtf8("héllo €𝄞".getBytes(StandardCharsets.UTF_8)));
        assertFalse(JsonBytes.isUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), "surrogate");
        assertFalse(JsonBytes.isUtf8(new byte[] {(byte) 0xc0, (byte) 0x80}), "overlong NUL");
        assertFalse(JsonBytes.isUtf8(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}), "> U+10FFFF");
    }
}
