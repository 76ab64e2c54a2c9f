package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block-run signature of {@link LevelDbBlockProbe}: rare on bytes that are not LevelDB blocks. */
class LevelDbBlockProbeTest {

    @Test
    void signatureRateOnRandomBytesIsLow() {
        byte[] image = new byte[16 << 20];
        new Random(12345).nextBytes(image);
        LevelDbBlockProbe.Bytes b = off -> off >= 0 && off < image.length ? image[(int) off] & 0xff : -1;
        int weak = 0;
        int strong = 0;
        for (long a = 0; a < image.length; a += LevelDbBlockProbe.ALIGN) {
            int s = LevelDbBlockProbe.signature(b, a, Limits.DEFAULT.maxBlockBytes());
            weak += s == LevelDbBlockProbe.WEAK ? 1 : 0;
            strong += s == LevelDbBlockProbe.STRONG ? 1 : 0;
        }
        // 32768 aligned offsets: about 2e-4 weak (about 7) and 1e-6 strong expected (see LevelDbBlockProbe).
        assertTrue(weak <= 30, "weak " + weak);
        assertTrue(strong <= 2, "strong " + strong);
    }
}
