package dev.salvor.formats.sqlite;

import dev.salvor.bench.sqlite.SyntheticDatabase;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
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

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The free-space carving of {@code salvage} on the leaf pages of a {@link SyntheticDatabase} ({@code rows} rows, 5 %
 * deleted into freeblocks): one operation carves every freeblock and the unallocated gap of every leaf page.
 * {@code perPage}: the page's own cells are decoded once per page ({@link FreeSpaceCarver#enterPage} once), as
 * {@code PageRows} does now; {@code perRegion}: once per region, as before (issue #14's profile: 44 % of
 * {@code salvage}'s samples). {@code decodeStrict} / {@code decodeStrictJdk}: the strict UTF-8 decoding of carved
 * text values, in place versus the JDK decoder with its buffers (the former implementation), over the table's texts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class FreeSpaceCarveBench {
    @Param({"50000"})
    public int rows;

    private record Region(byte[] page, int start, int end, boolean freeblock, boolean first) {
    }

    private FreeSpaceCarver carver;
    private TableInfo table;
    private final List<Region> regions = new ArrayList<>();
    private final List<byte[]> texts = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
        SyntheticDatabase image = SyntheticDatabase.build(rows, 0.05, 42);
        SqliteDatabase db = SqliteDatabase.open(ByteSource.of("bench.db", image.image()), null, null, Limits.DEFAULT,
                DamageSink.IGNORE);
        PageOwners pages = new PageOwners(db);
        List<SchemaEntry> schema = SchemaReader.read(db, pages.owners(), DamageSink.IGNORE);
        KnownTables tables = new KnownTables(schema);
        new LiveTrees(db, pages, tables.stored()).learn(schema, DamageSink.IGNORE);
        carver = new FreeSpaceCarver(db, pages::inUse);
        for (long n = 2; n <= db.pageCount(); n++) {
            Long root = pages.ownerRoot(n);
            byte[] data = db.page(n);
            BtreePage page = root == null || data == null ? null : BtreePage.parse(n, data, db.usableSize(),
                    db.available(n), "bench.db", 0, DamageSink.IGNORE);
            if (page == null || page.type() != PageType.TABLE_LEAF) {
                continue;
            }
            table = tables.byRoot(root);
            boolean first = true;
            for (int[] fb : page.freeblocks()) {
                regions.add(new Region(data, fb[0], fb[0] + fb[1], true, first));
                first = false;
            }
            int[] un = page.unallocated();
            regions.add(new Region(data, un[0], un[0] + un[1], false, first));
            for (Cell c : page.cells()) {
                Record r = Record.decode(data, c.payloadOffset(), c.localSize(), c.localSize(), db.encoding(), false);
                for (Object v : r.values()) {
                    if (v instanceof String s) {
                        texts.add(s.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        if (table == null || regions.isEmpty()) {
            throw new IllegalStateException("no leaf page to carve");
        }
    }

    @Benchmark
    public void perPage(Blackhole bh) {
        for (Region r : regions) {
            if (r.first) {
                carver.enterPage();
            }
            bh.consume(carver.carve(r.page, r.start, r.end, r.freeblock, table, true));
        }
    }

    @Benchmark
    public void perRegion(Blackhole bh) {
        for (Region r : regions) {
            carver.enterPage();
            bh.consume(carver.carve(r.page, r.start, r.end, r.freeblock, table, true));
        }
    }

    @Benchmark
    public void decodeStrict(Blackhole bh) {
        for (byte[] t : texts) {
            bh.consume(TextEncoding.UTF_8.decodeStrict(t, 0, t.length));
        }
    }

    @Benchmark
    public void decodeStrictJdk(Blackhole bh) {
        for (byte[] t : texts) {
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            CharBuffer out = CharBuffer.allocate(t.length);
            CoderResult r = d.decode(ByteBuffer.wrap(t, 0, t.length), out, true);
            bh.consume(r.isError() || d.flush(out).isError() ? null : out.flip().toString());
        }
    }
}
