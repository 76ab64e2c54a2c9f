package dev.salvor.bench;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.Block;
import dev.salvor.formats.leveldb.BlockTrailer;
import dev.salvor.formats.leveldb.DataBlockRef;
import dev.salvor.formats.leveldb.TableLayout;
import dev.salvor.formats.leveldb.TableReader;
import dev.salvor.formats.leveldb.TableStats;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link TableReader#scan} of one whole table ({@link TableInput}: a ~2 MiB table of the 1 GB comparison database
 * when present), memory-mapped with {@link ByteSource#open} as {@code salvor check} does (the file is page-cached;
 * a generated table is first written to a temporary file), with a new reader per pass (footer, index and layout analysis included, as
 * {@code salvor check} does per file). One score = one table; {@code :mb} = table file bytes/s, single-threaded.
 * {@code layout} is the per-file fixed cost alone (footer, metaindex, index, handle checks; {@code :mb} counts the
 * table's bytes too). {@code crcOnly} is not a production path: layout plus the trailer CRC of every data block over
 * a zero-copy view, without decompressing or decoding (what a CRC-only {@code check} would cost). {@code check}
 * is the per-table work of {@code salvor check} at its default level: layout, then
 * {@link TableReader#verifyDataBlock} of every block with one reused {@link Block.Scratch} (keys in place, no object
 * per entry); {@code crcLevel} that of {@code check --level crc} ({@link TableReader#checkDataBlockCrcs}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TableScanBenchmark {
    @Param({"auto"})
    public String table;

    /** {@code mapped} (production: {@link ByteSource#open}) or {@code memory} ({@link ByteSource#of}). */
    @Param({"mapped"})
    public String io;

    private ByteSource source;
    private long size;
    private Path temp;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        TableInput in = TableInput.load(table);
        Path file = in.file();
        if (file == null) {
            temp = Files.createTempFile("salvor-bench-", ".ldb");
            Files.write(temp, in.bytes());
            file = temp;
        }
        source = io.equals("memory") ? in.source() : ByteSource.open(file, in.name());
        size = in.bytes().length;
        TableStats s = new TableReader(source, DamageSink.STRICT, Limits.DEFAULT).scan(e -> { });
        if (s.blocksDamaged() != 0 || !s.indexOk() || s.scanned()) {
            throw new IllegalStateException("benchmark table does not read cleanly: " + s);
        }
        System.out.printf("%n# table %s: %d bytes, %d data blocks, %d entries%n", in.origin(), size,
                s.blocksVerified(), s.entries());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        source.close();
        if (temp != null) {
            Files.deleteIfExists(temp);
        }
    }

    @Benchmark
    public TableStats scan(Blackhole bh, Mb mb, Entries entries) {
        TableStats s = new TableReader(source, DamageSink.STRICT, Limits.DEFAULT).scan(bh::consume);
        mb.add(size);
        entries.entries += s.entries();
        return s;
    }

    @Benchmark
    public TableLayout layout(Mb mb) {
        mb.add(size);
        return new TableReader(source, DamageSink.STRICT, Limits.DEFAULT).layout();
    }

    @Benchmark
    public int crcOnly(Mb mb) {
        TableReader r = new TableReader(source, DamageSink.STRICT, Limits.DEFAULT);
        int bad = 0;
        for (DataBlockRef ref : r.dataBlocks()) {
            ByteBuffer v = source.view(ref.offset(), ref.size() + BlockTrailer.ENCODED_LENGTH);
            byte type = v.get(ref.size());
            int stored = v.order(ByteOrder.LITTLE_ENDIAN).getInt(ref.size() + 1);
            v.limit(ref.size());
            if (Crc32c.mask(Crc32c.ofDataThenType(v, type)) != stored) {
                bad++;
            }
        }
        mb.add(size);
        return bad;
    }

    @Benchmark
    public long check(Blackhole bh, Mb mb, Entries entries) {
        TableReader r = new TableReader(source, DamageSink.STRICT, Limits.DEFAULT);
        Block.Scratch scratch = new Block.Scratch();
        long n = 0;
        for (DataBlockRef ref : r.dataBlocks()) {
            n += r.verifyDataBlock(ref, scratch, (key, keyLength, internalKey, offset) -> bh.consume(internalKey))
                    .entries();
        }
        mb.add(size);
        entries.entries += n;
        return n;
    }

    @Benchmark
    public TableStats crcLevel(Mb mb) {
        TableStats s = new TableReader(source, DamageSink.STRICT, Limits.DEFAULT).checkDataBlockCrcs((ref, ok) -> { });
        mb.add(size);
        return s;
    }
}
