package dev.salvor.formats.leveldb;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for the table reader's salvage path. In a plain {@code mvn test} they replay the inputs under
 * {@code src/test/resources/dev/salvor/formats/leveldb/TableReaderFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} they
 * fuzz. Only damage reports may come out: any exception is a finding.
 */
class TableReaderFuzzTest {
    private static final Limits LIMITS = Limits.DEFAULT.withMaxBlockBytes(1 << 20).withMaxEntriesPerBlock(1 << 14);
    private static final TableWriter.Written BASE = new TableWriter().blockSize(256)
            .write(Tables.entries(30, 99));

    private static void readAll(byte[] bytes) {
        List<Damage> damage = new ArrayList<>();
        TableReader reader = new TableReader(ByteSource.of("fuzz.ldb", bytes), DamageSink.collectingInto(damage),
                LIMITS);
        reader.scan(e -> { });
        for (Damage d : damage) {
            if (d.offset() > bytes.length) {
                throw new AssertionError("damage located past the end of the input: " + d);
            }
        }
    }

    /** Arbitrary bytes as a table file. */
    @FuzzTest(maxDuration = "30s")
    void arbitraryBytes(byte[] data) {
        readAll(data);
    }

    /**
     * A valid table with fuzzer-chosen byte patches and truncation; optionally every block trailer is recomputed
     * afterwards, so patched blocks verify and the decoders behind the checksum are exercised too.
     */
    @FuzzTest(maxDuration = "30s")
    void patchedTable(FuzzedDataProvider in) {
        byte[] b = BASE.bytes().clone();
        boolean fixCrcs = in.consumeBoolean();
        int patches = in.consumeInt(0, 16);
        for (int i = 0; i < patches; i++) {
            b[in.consumeInt(0, b.length - 1)] = in.consumeByte();
        }
        if (fixCrcs) {
            List<BlockHandle> blocks = new ArrayList<>(BASE.dataBlocks());
            blocks.add(BASE.filter());
            blocks.add(BASE.metaindex());
            blocks.add(BASE.index());
            for (BlockHandle h : blocks) {
                int end = (int) (h.offset() + h.size());
                int crc = Crc32c.mask(Crc32c.of(b, (int) h.offset(), (int) h.size() + 1));
                b[end + 1] = (byte) crc;
                b[end + 2] = (byte) (crc >>> 8);
                b[end + 3] = (byte) (crc >>> 16);
                b[end + 4] = (byte) (crc >>> 24);
            }
        }
        int len = in.consumeBoolean() ? in.consumeInt(0, b.length) : b.length;
        readAll(Arrays.copyOf(b, len));
    }
}
