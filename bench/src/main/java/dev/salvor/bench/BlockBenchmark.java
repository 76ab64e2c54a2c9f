package dev.salvor.bench;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.Block;
import dev.salvor.formats.leveldb.DecodedDataBlock;
import dev.salvor.formats.leveldb.TableReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per data block of a real table ({@link TableInput}, ~4 KiB uncompressed blocks): one score = one block, taken
 * round-robin over all the table's data blocks.
 * <ul>
 *   <li>{@code crcVerify}: masked CRC32C of the stored block + type byte compared with the trailer
 *       ({@code :mb} = stored bytes/s);</li>
 *   <li>{@code decode}: {@link Block#decode} of the decompressed contents ({@code :mb} = decoded bytes/s);</li>
 *   <li>{@code readDataBlock}: {@link TableReader#readDataBlock}, the whole per-block path of {@code salvage}
 *       (copy out of the source, CRC, Snappy, entry decoding, internal keys; {@code :mb} = stored bytes/s);</li>
 *   <li>{@code verifyDataBlock}: {@link TableReader#verifyDataBlock}, the same work as {@code salvor check} does it:
 *       reused buffers, keys decoded and checked in place, no object per entry ({@code :mb} = stored bytes/s;
 *       compare {@code -prof gc}'s bytes per operation with {@code readDataBlock}'s).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BlockBenchmark {
    @Param({"auto"})
    public String table;

    private List<TableInput.DataBlock> blocks;
    private TableReader reader;
    private int next;
    private final Block.Scratch scratch = new Block.Scratch();

    @Setup(Level.Trial)
    public void setup() {
        TableInput in = TableInput.load(table);
        blocks = List.copyOf(in.dataBlocks());
        reader = new TableReader(in.source(), DamageSink.STRICT, Limits.DEFAULT);
        reader.layout();
        long stored = 0;
        long contents = 0;
        int snappy = 0;
        for (TableInput.DataBlock b : blocks) {
            stored += b.stored().length;
            contents += b.contents().length;
            snappy += b.type() == 1 ? 1 : 0;
        }
        System.out.printf("%n# table %s: %d data blocks (%d Snappy), %.0f B stored / %.0f B decoded on average%n",
                in.origin(), blocks.size(), snappy, (double) stored / blocks.size(),
                (double) contents / blocks.size());
    }

    private TableInput.DataBlock nextBlock() {
        TableInput.DataBlock b = blocks.get(next);
        next = next + 1 == blocks.size() ? 0 : next + 1;
        return b;
    }

    @Benchmark
    public boolean crcVerify(Mb mb) {
        TableInput.DataBlock b = nextBlock();
        byte[] s = b.stored();
        int n = s.length - 5;
        mb.add(s.length);
        return Crc32c.mask(Crc32c.ofDataThenType(s, 0, n, s[n])) == ByteCursor.getFixed32(s, n + 1);
    }

    @Benchmark
    public Block decode(Mb mb, Entries entries) {
        TableInput.DataBlock b = nextBlock();
        Block block = Block.decode(b.contents(), "bench.ldb", b.ref().offset(), DamageSink.STRICT, Limits.DEFAULT);
        mb.add(b.contents().length);
        entries.entries += block.entries().size();
        return block;
    }

    @Benchmark
    public DecodedDataBlock readDataBlock(Mb mb, Entries entries) {
        TableInput.DataBlock b = nextBlock();
        DecodedDataBlock d = reader.readDataBlock(b.ref());
        mb.add(b.stored().length);
        entries.entries += d.entries().size();
        return d;
    }

    @Benchmark
    public TableReader.CheckedDataBlock verifyDataBlock(Mb mb, Entries entries, Blackhole bh) {
        TableInput.DataBlock b = nextBlock();
        TableReader.CheckedDataBlock d = reader.verifyDataBlock(b.ref(), scratch,
                (key, keyLength, internalKey, offset) -> bh.consume(key[keyLength - 1]));
        mb.add(b.stored().length);
        entries.entries += d.entries();
        return d;
    }
}
