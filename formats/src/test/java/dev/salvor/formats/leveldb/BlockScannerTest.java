package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Crc32c;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block scanner's walk, its CRC-algebra resynchronisation (cross-checked by brute force) and its bounds. */
class BlockScannerTest {
    private static final BlockScanner.Validator ANY = (o, s) -> true;

    /** Writes a trailer at {@code e} that makes {@code [s, e)} a block (type byte {@code type}). */
    private static void plant(byte[] b, int s, int e, int type) {
        b[e] = (byte) type;
        int crc = Crc32c.mask(Crc32c.of(b, s, e - s + 1));
        b[e + 1] = (byte) crc;
        b[e + 2] = (byte) (crc >>> 8);
        b[e + 3] = (byte) (crc >>> 16);
        b[e + 4] = (byte) (crc >>> 24);
    }

    private static boolean verifies(byte[] b, int s, int e) {
        return CompressionType.isPlausibleId(b[e] & 0xff)
                && BlockTrailer.decode(b, e).verifies(b, s, e - s);
    }

    private static BlockScanner scanner(byte[] b) {
        return new BlockScanner(ByteSource.of("g", b), 64 << 20, ANY);
    }

    @Test
    void inverseStepUndoesTheZeroByteStep() {
        Random r = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            int v = r.nextInt();
            assertEquals(v, BlockScanner.inverseStep(BlockScanner.zeroStep(v)));
            assertEquals(v, BlockScanner.zeroStep(BlockScanner.inverseStep(v)));
        }
    }

    @Test
    void resyncFindsAPlantedBlockInsideGarbage() {
        Random r = new Random(2);
        for (int round = 0; round < 60; round++) {
            byte[] b = new byte[3000];
            r.nextBytes(b);
            int s = 1 + r.nextInt(1500);
            int e = s + BlockScanner.MIN_BLOCK + r.nextInt(1400);
            plant(b, s, e, r.nextInt(3));
            long[] found = scanner(b).resync(0, b.length);
            // Chance matches are possible in principle; the brute force below defines the right answer.
            long[] expected = bruteForceFirst(b, 0, b.length);
            assertArrayEquals(expected, found, "round " + round);
            assertArrayEquals(new long[] {s, e - s}, found, "round " + round);
        }
    }

    @Test
    void resyncAgreesWithBruteForceWhenManyTrailersVerify() {
        Random r = new Random(3);
        for (int round = 0; round < 30; round++) {
            byte[] b = new byte[700];
            r.nextBytes(b);
            // Plant trailers for overlapping pairs, then check the first verifying pair by end position.
            for (int k = 0; k < 6; k++) {
                int s = r.nextInt(600);
                int e = s + BlockScanner.MIN_BLOCK + r.nextInt(Math.max(1, 690 - s - BlockScanner.MIN_BLOCK - 5));
                if (e + 5 <= b.length) {
                    plant(b, s, e, 1);
                }
            }
            int from = r.nextInt(50);
            assertArrayEquals(bruteForceFirst(b, from, b.length), scanner(b).resync(from, b.length),
                    "round " + round);
        }
    }

    /** First (by end) pair {s, size} with from &lt;= s, a verifying trailer inside the range, as resync defines it. */
    private static long[] bruteForceFirst(byte[] b, int from, int to) {
        for (int e = from + BlockScanner.MIN_BLOCK; e + 5 <= to; e++) {
            if (verifies(b, from, e)) {
                return new long[] {from, e - from};
            }
            for (int s = e - BlockScanner.MIN_BLOCK; s > from; s--) {
                if (verifies(b, s, e)) {
                    return new long[] {s, e - s};
                }
            }
        }
        return null;
    }

    @Test
    void scanWalksContiguousBlocksAndIsolatesADamagedOne() {
        Random r = new Random(4);
        byte[] b = new byte[5000];
        r.nextBytes(b);
        int[] ends = {700, 1900, 2600, 4100, 4990};
        int start = 0;
        for (int e : ends) {
            plant(b, start, e, 1);
            start = e + 5;
        }
        b[2000] ^= 1; // inside block 2 [1905, 2600)
        List<BlockScanner.Segment> segs = scanner(b).scan(0, 4995);
        assertEquals(List.of(
                new BlockScanner.Segment(0, 700, true),
                new BlockScanner.Segment(705, 1195, true),
                new BlockScanner.Segment(1905, 700, false),
                new BlockScanner.Segment(2605, 1495, true),
                new BlockScanner.Segment(4105, 885, true)), segs);
    }

    @Test
    void aLargeBlockAfterAKnownStartIsFoundEvenWhenTheWalkBudgetIsSpent() {
        Random r = new Random(5);
        byte[] b = new byte[200_000];
        r.nextBytes(b);
        plant(b, 0, 150_000, 0);
        assertArrayEquals(new long[] {0, 150_000}, scanner(b).resync(0, b.length));
    }

    @Test
    void garbageYieldsOneUnverifiedRegion() {
        Random r = new Random(6);
        byte[] b = new byte[2 << 20];
        r.nextBytes(b);
        // Across ~10^6 starts per end, chance CRC matches do occur (about ten per MiB): the table reader's
        // validator rejects them by structure; here a validator that rejects everything stands in for it.
        BlockScanner strict = new BlockScanner(ByteSource.of("g", b), 64 << 20, (o, s) -> false);
        List<BlockScanner.Segment> segs = strict.scan(0, b.length);
        assertEquals(List.of(new BlockScanner.Segment(0, b.length, false)), segs);
    }

    @Test
    void manyTinyBlocksBetweenGarbageBytesAreAllFound() {
        // Adversarial for a naive scan: every walk fails, every block must come from a resync.
        Random r = new Random(7);
        byte[] b = new byte[60_000];
        r.nextBytes(b);
        List<long[]> planted = new ArrayList<>();
        int pos = 0;
        while (pos + 30 < b.length) {
            int s = pos + 1; // one garbage byte before each block
            int e = s + 10 + r.nextInt(10);
            plant(b, s, e, 0);
            planted.add(new long[] {s, e - s});
            pos = e + 5;
        }
        List<BlockScanner.Segment> segs = scanner(b).scan(0, pos);
        List<long[]> found = new ArrayList<>();
        for (BlockScanner.Segment s : segs) {
            if (s.verified()) {
                found.add(new long[] {s.offset(), s.length()});
            }
        }
        assertEquals(planted.size(), found.size());
        for (int i = 0; i < planted.size(); i++) {
            assertArrayEquals(planted.get(i), found.get(i));
        }
    }

    @Test
    void nothingFoundInAnEmptyOrTinyRange() {
        byte[] b = new byte[8];
        assertEquals(List.of(new BlockScanner.Segment(0, 8, false)), scanner(b).scan(0, 8));
        assertEquals(List.of(), scanner(b).scan(3, 3));
        assertNull(scanner(Arrays.copyOf(b, 3)).resync(0, 3));
    }

    @Test
    void validatorRejectsChanceMatches() {
        Random r = new Random(8);
        byte[] b = new byte[3000];
        r.nextBytes(b);
        plant(b, 100, 900, 1);
        plant(b, 1000, 2000, 1);
        BlockScanner picky = new BlockScanner(ByteSource.of("g", b), 64 << 20, (o, s) -> o == 1000);
        assertArrayEquals(new long[] {1000, 1000}, picky.resync(1, b.length));
        assertTrue(verifies(b, 100, 900));
    }
}
