package dev.salvor.formats.leveldb;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    /**
     * The chunk-level pre-test ({@code snappyRejected}) never rejects an offset that {@code signature} accepts: every
     * offset of chunks made of the bytes that matter (0x00, 0x01, 0x28 and the zstd magic, small varints, literal
     * tags, continuation bytes) and of random bytes, each chunk compared with the full test reading the same bytes.
     */
    @Test
    void preTestNeverRejectsWhatTheSignatureAccepts() {
        Random r = new Random(7);
        int[] alphabet = {0x00, 0x00, 0x00, 0x01, 0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x09, 0x10, 0x7f, 0x80, 0x81, 0xff,
            0x04, 0x0c, 0xf0, 0xf4, 0x3c};
        int accepted = 0;
        for (int round = 0; round < 400; round++) {
            byte[] bytes = new byte[4096];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) (round % 4 == 0 ? r.nextInt(256) : alphabet[r.nextInt(alphabet.length)]);
            }
            ImageChunk c = ImageChunk.of(0, bytes);
            LevelDbBlockProbe.Bytes b = off -> off >= 0 && off < bytes.length ? bytes[(int) off] & 0xff : -1;
            for (int i = 0; i < bytes.length; i++) {
                int s = LevelDbBlockProbe.signature(b, i, Limits.DEFAULT.maxBlockBytes());
                if (s != LevelDbBlockProbe.NO) {
                    accepted++;
                    assertFalse(LevelDbBlockProbe.snappyRejected(c, i), "round " + round + " offset " + i);
                }
            }
        }
        // The alphabet makes accepted offsets common: the comparison above is not vacuous.
        assertTrue(accepted > 1000, "accepted " + accepted);
    }

    /** The first data block of real tables (Snappy and uncompressed) passes the pre-test and the signature. */
    @Test
    void realTablesPassThePreTest() {
        for (String f : new String[]{"leveldb/snappy/db/000005.ldb", "leveldb/uncompressed/db/000005.ldb"}) {
            byte[] t = LevelDbHostileSweepTest.fixture(f);
            ImageChunk c = ImageChunk.of(0, t);
            LevelDbBlockProbe.Bytes b = off -> off >= 0 && off < t.length ? t[(int) off] & 0xff : -1;
            assertNotEquals(LevelDbBlockProbe.NO, LevelDbBlockProbe.signature(b, 0, Limits.DEFAULT.maxBlockBytes()), f);
            assertFalse(LevelDbBlockProbe.snappyRejected(c, 0), f);
        }
    }

    /**
     * On random bytes the pre-test decides almost every aligned offset alone: about 1 in 1000 go on to the full
     * test (1 in 120 did when every offset starting with 0x00 or 0x28 went there).
     */
    @Test
    void preTestRejectsAlmostAllRandomOffsets() {
        byte[] image = new byte[16 << 20];
        new Random(99).nextBytes(image);
        ImageChunk c = ImageChunk.of(0, image);
        int passed = 0;
        int offsets = 0;
        for (int i = 0; i + 16 <= image.length; i += LevelDbBlockProbe.ALIGN) {
            offsets++;
            passed += LevelDbBlockProbe.snappyRejected(c, i) ? 0 : 1;
        }
        assertEquals(32768, offsets);
        assertTrue(passed < offsets / 500, "passed " + passed + " of " + offsets);
    }

    /**
     * Pass 1 drops the weak candidates whose short walk finds no block (the test confirm would make later): on
     * random bytes holding two real tables, the candidates proposed are a subset of the offsets the signature
     * accepts, fewer of them, and confirm finds exactly the same block runs from either list.
     */
    @Test
    void weakCandidatesWithoutABlockAreDroppedInPassOneWithTheSameResult() {
        byte[] image = new byte[8 << 20];
        new Random(2024).nextBytes(image);
        byte[] snappy = LevelDbHostileSweepTest.fixture("leveldb/snappy/db/000005.ldb");
        byte[] plain = LevelDbHostileSweepTest.fixture("leveldb/uncompressed/db/000005.ldb");
        System.arraycopy(snappy, 0, image, 512 * 1000, snappy.length);
        System.arraycopy(plain, 0, image, 512 * 9000, plain.length);
        ByteSource src = ByteSource.of("img", image);
        LevelDbBlockProbe probe = new LevelDbBlockProbe(src, Limits.DEFAULT);
        LevelDbBlockProbe.Bytes b = off -> off >= 0 && off < image.length ? image[(int) off] & 0xff : -1;
        List<Long> accepted = new ArrayList<>();
        int weak = 0;
        for (int a = 0; a < image.length; a += LevelDbBlockProbe.ALIGN) {
            int s = LevelDbBlockProbe.signature(b, a, Limits.DEFAULT.maxBlockBytes());
            if (s != LevelDbBlockProbe.NO) {
                accepted.add((long) a);
            }
            weak += s == LevelDbBlockProbe.WEAK ? 1 : 0;
        }
        List<Long> proposed = new ArrayList<>();
        Probe.Sink sink = new Probe.Sink() {
            @Override
            public void propose(long offset) {
                proposed.add(offset);
            }

            @Override
            public void found(Artifact artifact) {
                throw new AssertionError("the block probe confirms in pass 2");
            }
        };
        ImageChunk c = ImageChunk.of(0, image);
        for (int a = 0; a < image.length; a += LevelDbBlockProbe.ALIGN) {
            probe.at(c, a, sink);
        }
        assertTrue(accepted.containsAll(proposed), "proposed " + proposed + " accepted " + accepted);
        assertTrue(weak > 0 && proposed.size() < accepted.size(), "weak " + weak + ", " + proposed + " of " + accepted);
        assertTrue(proposed.contains(512L * 1000) && proposed.contains(512L * 9000), "proposed " + proposed);
        List<Artifact> fromAll = probe.confirm(accepted);
        assertEquals(fromAll, probe.confirm(proposed));
        assertEquals(2, fromAll.size(), "runs " + fromAll);
    }
}
