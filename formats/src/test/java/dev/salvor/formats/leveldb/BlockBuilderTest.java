package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BlockBuilder} output read back by {@link Block}, and its restart array. */
class BlockBuilderTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 16, 100})
    void entriesRoundTripThroughTheBlockReader(int interval) {
        BlockBuilder b = new BlockBuilder(interval);
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(String.format("user/%05d/name", i * 7).getBytes(StandardCharsets.UTF_8));
            values.add(("value " + i).repeat(i % 5).getBytes(StandardCharsets.UTF_8));
            b.add(keys.get(i), values.get(i));
        }
        int estimated = b.estimatedSize();
        byte[] block = b.finish();
        assertEquals(estimated, block.length, "estimate is the finished size");
        Block decoded = Block.decode(block, "t", 0, DamageSink.STRICT, Limits.DEFAULT);
        assertTrue(decoded.clean());
        assertEquals((200 + interval - 1) / interval, decoded.restartCount());
        assertEquals(200, decoded.entries().size());
        for (int i = 0; i < 200; i++) {
            assertArrayEquals(keys.get(i), decoded.entries().get(i).key());
            assertArrayEquals(values.get(i), decoded.entries().get(i).value());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16})
    void sharedPrefixesAreStoredOnceAndRestartsCarryWholeKeys(int interval) {
        BlockBuilder b = new BlockBuilder(interval);
        b.add("abcdef".getBytes(StandardCharsets.UTF_8), new byte[0]);
        b.add("abcxyz".getBytes(StandardCharsets.UTF_8), new byte[] {7});
        byte[] block = b.finish();
        // entry 1: shared 0, non_shared 6, value 0, "abcdef"; entry 2: shared 3, non_shared 3, value 1, "xyz", 7
        byte[] expected = {0, 6, 0, 'a', 'b', 'c', 'd', 'e', 'f', 3, 3, 1, 'x', 'y', 'z', 7,
                0, 0, 0, 0, 1, 0, 0, 0};
        assertArrayEquals(expected, block);
        b.reset();
        assertTrue(b.isEmpty());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 0, 0, 0}, b.finish(), "an empty block: one restart at 0");
    }
}
