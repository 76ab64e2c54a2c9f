package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.ByteSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The format's cheap detection test and how much of a file it reads. */
class ChainHeadTest {
    private static final String H = "a".repeat(64);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recognisesEventLogsLedgersAndExports() {
        assertTrue(ChainHead.matches(bytes("{\"id\":1,\"previous_hash\":null,\"current_hash\":\"" + H + "\"}\n")));
        assertTrue(ChainHead.matches(bytes("\ufeff [{\"seq\":1,\"h\":\"" + H + "\",\"p\":null}]")));
        assertTrue(ChainHead.matches(bytes("sequence_number,previous_hash,entry_hash\n1,,x\n")));
        assertFalse(ChainHead.matches(bytes("{\"id\":1,\"name\":\"x\"}")));
        assertFalse(ChainHead.matches(bytes("SQLite format 3\0")));
        assertFalse(ChainHead.matches(new byte[0]));
    }

    @Test
    void readsOnlyTheHeadWhenTheFirstEventEndsThere() {
        String first = "{\"id\":1,\"previous_hash\":null,\"current_hash\":\"" + H + "\"}\n";
        byte[] file = bytes(first + first.repeat(100_000));
        AtomicLong read = new AtomicLong();
        ChainHead h = ChainHead.read(counting(file, read));
        assertTrue(h.chained());
        assertEquals(ChainHead.HEAD_BYTES, read.get());
    }

    @Test
    void readsOnWhileTheFirstEventGoesOn() {
        // The chain members come after 100 KiB of payload: the head grows until the event closes.
        String first = "{\"id\":1,\"payload\":\"" + "x".repeat(100_000) + "\",\"previous_hash\":null,\"current_hash\":\""
                + H + "\"}\n";
        byte[] file = bytes(first.repeat(20));
        AtomicLong read = new AtomicLong();
        ChainHead h = ChainHead.read(counting(file, read));
        assertTrue(h.chained());
        assertTrue(h.complete());
        ChainHead cut = ChainHead.of(java.util.Arrays.copyOf(file, ChainHead.HEAD_BYTES), false);
        assertFalse(cut.complete());
        assertFalse(cut.chained());
    }

    @Test
    void aHeaderLineLongerThanTheLimitIsNoHeader() {
        byte[] file = bytes("a_hash,b_hash,c".repeat(100_000));
        ChainHead h = ChainHead.read(ByteSource.of("x.csv", java.util.Arrays.copyOf(file, ChainHead.MAX_HEAD_BYTES
                + 10)));
        assertEquals(ChainHead.Layout.CSV, h.layout());
        assertTrue(h.members().isEmpty());
    }

    private static ByteSource counting(byte[] data, AtomicLong read) {
        ByteSource inner = ByteSource.of("f", data);
        return new ByteSource() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public long size() {
                return inner.size();
            }

            @Override
            public void read(long offset, byte[] dst, int dstOff, int len) {
                read.addAndGet(len);
                inner.read(offset, dst, dstOff, len);
            }

            @Override
            public void close() {
            }
        };
    }
}
