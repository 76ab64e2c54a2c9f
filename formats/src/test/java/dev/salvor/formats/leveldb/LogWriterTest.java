package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LogWriter}: read back by {@link LogReader} with every CRC checked, and byte for byte log_writer.cc's layout. */
class LogWriterTest {

    @Test
    void recordsOfEverySizeReadBackAndMatchTheReferenceLayout() throws IOException {
        Random rnd = new Random(13);
        // sizes that hit the block edges: empty, small, exactly a block's payload, the 7-byte and <7-byte tails
        int[] sizes = {0, 1, 100, LogFormat.BLOCK_SIZE - 7, 5, LogFormat.BLOCK_SIZE - 7 - 5 - 7 - 7, 3, 0,
                100_000, 32_000, 762, 1, 70_000};
        List<byte[]> payloads = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogWriter writer = new LogWriter(out);
        TracingLogWriter reference = new TracingLogWriter();
        for (int size : sizes) {
            byte[] p = new byte[size];
            rnd.nextBytes(p);
            payloads.add(p);
            writer.addRecord(p);
            reference.add(p);
        }
        byte[] log = out.toByteArray();
        assertEquals(log.length, writer.written());
        assertArrayEquals(reference.bytes(), log, "same bytes as the reference writer");
        List<LogicalRecord> read = new ArrayList<>();
        new LogReader(ByteSource.of("t.log", log), DamageSink.STRICT, Limits.DEFAULT).read(read::add);
        assertEquals(payloads.size(), read.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), read.get(i).payload(), "record " + i);
            assertTrue(read.get(i).crcOk());
        }
    }
}
