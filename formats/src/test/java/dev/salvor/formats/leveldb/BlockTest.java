package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Block decoding: golden bytes, each kind of damage with its exact report, and resynchronisation. */
class BlockTest {
    private final List<Damage> damage = new ArrayList<>();

    private Block decode(byte[] b) {
        return Block.decode(b, "b.ldb", 0x10, DamageSink.collectingInto(damage), Limits.DEFAULT);
    }

    private List<String> texts() {
        return damage.stream().map(Damage::toString).toList();
    }

    private static String suffix(int len) {
        return "(resource=b.ldb, offset=0x10, length=" + (len + 5) + ")";
    }

    private static List<String> keys(Block b) {
        return b.entries().stream().map(e -> new String(e.key(), StandardCharsets.ISO_8859_1)).toList();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** A block of keys k00..k{n-1} (values v..), restart points every {@code interval} entries. */
    private static TracingTableWriter.BlockBuilder builder(int n, int interval) {
        TracingTableWriter.BlockBuilder bb = new TracingTableWriter.BlockBuilder(interval);
        for (int i = 0; i < n; i++) {
            bb.add(String.format("key%02d", i).getBytes(StandardCharsets.US_ASCII),
                    ("v" + i).getBytes(StandardCharsets.US_ASCII));
        }
        return bb;
    }

    @Test
    void goldenBlockWithPrefixCompression() {
        // "apple" -> "1", then "apricot" -> "22" sharing "ap"; one restart point at 0.
        byte[] b = hex("00 05 01 6170706c65 31  02 05 02 7269636f74 3232  00000000 01000000");
        Block block = decode(b);
        assertEquals(List.of(), texts());
        assertEquals(List.of("apple", "apricot"), keys(block));
        assertEquals("22", new String(block.entries().get(1).value(), StandardCharsets.US_ASCII));
        assertEquals(List.of(0, 9), block.entries().stream().map(BlockEntry::offsetInBlock).toList());
        assertEquals(1, block.restartCount());
        assertTrue(block.clean());
    }

    @Test
    void emptyBlockIsClean() {
        Block block = decode(hex("00000000 01000000"));
        assertTrue(block.clean());
        assertTrue(block.entries().isEmpty());
    }

    @Test
    void blockShorterThanItsRestartCount() {
        Block block = decode(hex("010203"));
        assertEquals(List.of("block too short for its restart count at +0: actual=3 bytes vs expected=>= 4 bytes"
                + " (bad-restart-array) " + suffix(3)), texts());
        assertTrue(block.entries().isEmpty());
        assertFalse(block.clean());
    }

    @Test
    void overlongVarintInAnEntryHeader() {
        byte[] b = hex("ffffffffff01 00 00  00000000 01000000");
        decode(b);
        assertEquals(List.of("block entry header undecodable at +0: actual=overlong or cut off at +4 vs"
                + " expected=varint32 of <= 5 bytes ending before +8 (bad-varint) " + suffix(b.length)), texts());
    }

    @Test
    void valueRunningPastTheEntries() {
        byte[] b = hex("00 01 7f 61 62  00000000 01000000");
        decode(b);
        assertEquals(List.of("block entry value runs past the entries at +0: actual=127 vs expected=<= 1"
                + " (bad-length) " + suffix(b.length)), texts());
    }

    @Test
    void keyRunningPastTheEntries() {
        byte[] b = hex("00 09 00 61 62  00000000 01000000");
        decode(b);
        assertEquals(List.of("block entry key runs past the entries at +0: actual=9 vs expected=<= 2 (bad-length) "
                + suffix(b.length)), texts());
    }

    @Test
    void zeroedEntriesAreEmptyKeysNotEndlessEntries() {
        byte[] b = hex("00 01 00 61  000000 000000 000000  00000000 01000000");
        Block block = decode(b);
        assertEquals(List.of("a"), keys(block));
        assertEquals(List.of("block entry has an empty key (zeroed bytes?) at +4: actual=0 vs expected=> 0"
                + " (bad-key) " + suffix(b.length)), texts());
    }

    @Test
    void sharedPrefixTooLongReanchorsAtTheNextRestartPoint() {
        TracingTableWriter.BlockBuilder bb = builder(12, 4);
        byte[] b = bb.finish();
        int e5 = bb.offsets.get(5);
        b[e5] = 40;
        Block block = decode(b);
        assertEquals(List.of("block entry shares more key bytes than the previous key has at +" + e5
                + ": actual=40 vs expected=<= 5 (previous key length) (bad-key) " + suffix(b.length)), texts());
        assertEquals(List.of("key00", "key01", "key02", "key03", "key04", "key08", "key09", "key10", "key11"),
                keys(block));
    }

    @Test
    void entryRunningOverTheNextRestartPointIsCutThere() {
        TracingTableWriter.BlockBuilder bb = builder(8, 4);
        byte[] b = bb.finish();
        int e2 = bb.offsets.get(2);
        int restart = bb.offsets.get(4);
        b[e2 + 2] = 30; // value length 2 -> 30 (key delta is 1 byte: "2"): swallows entries 3 and 4
        Block block = decode(b);
        assertEquals(List.of("block entry runs over the next restart point at +" + e2 + ": actual=+"
                + (e2 + 3 + 1 + 30) + " vs expected=<= +" + restart + " (next restart point) (bad-length) "
                + suffix(b.length)), texts());
        assertEquals(List.of("key00", "key01", "key04", "key05", "key06", "key07"), keys(block));
    }

    @Test
    void restartOffsetsThatAreNotAscendingAreReportedAndDecodingContinues() {
        TracingTableWriter.BlockBuilder bb = builder(12, 4);
        byte[] b = bb.finish();
        int arrayStart = b.length - 4 - 3 * 4;
        b[arrayStart + 8] = 1; // restart 2: offset bb.offsets.get(8) -> 1
        b[arrayStart + 9] = 0;
        Block block = decode(b);
        assertEquals(List.of("block restart point 2 of 3 impossible (1 bad) at +" + (arrayStart + 8)
                + ": actual=1 vs expected=> " + bb.offsets.get(4) + " (ascending) (bad-restart-array) "
                + suffix(b.length)), texts());
        assertEquals(12, block.entries().size());
    }

    @Test
    void restartCountZeroWithEntries() {
        TracingTableWriter.BlockBuilder bb = builder(3, 16);
        byte[] full = bb.finish();
        // Drop the restart array, keep a count of 0.
        byte[] b = new byte[full.length - 4];
        System.arraycopy(full, 0, b, 0, full.length - 8);
        Block block = decode(b);
        assertEquals(List.of("block has entries but no restart points at +" + (b.length - 4)
                + ": actual=0 vs expected=>= 1 (bad-restart-array) " + suffix(b.length)), texts());
        assertEquals(List.of("key00", "key01", "key02"), keys(block));
    }

    @Test
    void hugeRestartCountStillRecoversEntriesUpToTheRestartArray() {
        TracingTableWriter.BlockBuilder bb = builder(40, 16);
        byte[] b = bb.finish();
        b[b.length - 1] = 0x7f;
        Block block = decode(b);
        assertEquals(1, texts().size());
        assertTrue(texts().get(0).startsWith("block restart count does not fit in the block at +" + (b.length - 4)
                + ": actual=" + (0x7f000003L) + " vs expected=<= "), texts().get(0));
        assertEquals(40, block.entries().size());
    }

    @Test
    void entryCountIsBoundedByTheLimit() {
        byte[] b = builder(50, 16).finish();
        Block block = Block.decode(b, "b.ldb", 0x10, DamageSink.collectingInto(damage),
                Limits.DEFAULT.withMaxEntriesPerBlock(20));
        assertEquals(20, block.entries().size());
        assertEquals(List.of("block holds more entries than the configured limit (raise maxEntriesPerBlock) at +"
                + builder(50, 16).offsets.get(20) + ": actual=more vs expected=<= 20 entries (limit-exceeded) "
                + suffix(b.length)), texts());
    }

    @Test
    void restartPointBeyondABadEntryMustHaveSharedZero() {
        TracingTableWriter.BlockBuilder bb = builder(12, 4);
        byte[] b = bb.finish();
        b[bb.offsets.get(1)] = 50;       // bad entry 1
        b[bb.offsets.get(4)] = 3;        // restart 1's entry no longer has shared == 0: skipped
        Block block = decode(b);
        assertEquals(List.of("key00", "key08", "key09", "key10", "key11"), keys(block));
        assertEquals(1, texts().size());
    }
}
