package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pieces the salvage pipeline's speed rests on: the header-only record read of the first live walk fails exactly
 * where a lenient decode fails, the sealed candidate set answers exactly as the unsealed one, and salvaging the same
 * database twice gives the same rows and damage in the same order.
 */
class SqliteSalvagePipelineTest {

    /** Outcome of a lenient decode or of the header-only read, as comparable text. */
    private static String outcome(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (Malformed m) {
            return m.kind() + " @" + m.position() + " " + m.detail();
        }
    }

    @Test
    void headerOnlyReadFailsExactlyWhereLenientDecodeFails() {
        Random rnd = new Random(42);
        int failures = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[1 + rnd.nextInt(24)];
            rnd.nextBytes(b);
            if (rnd.nextBoolean()) {
                b[0] = (byte) (1 + rnd.nextInt(Math.min(b.length, 12))); // a plausible header size
                for (int k = 1; k < b.length && k < 12; k++) {
                    if (rnd.nextInt(3) > 0) {
                        b[k] = (byte) rnd.nextInt(20); // small serial types, some reserved (10, 11)
                    }
                }
            }
            int off = rnd.nextInt(3);
            byte[] shifted = new byte[b.length + off];
            System.arraycopy(b, 0, shifted, off, b.length);
            int available = rnd.nextInt(b.length + 1);
            long payload = rnd.nextInt(4) == 0 ? rnd.nextInt(1 << 20) : available + rnd.nextInt(3);
            long[][] types = new long[2][];
            String full = outcome(() -> types[0] = Record.decode(shifted, off, available, payload, TextEncoding.UTF_8,
                    false).serialTypes());
            String head = outcome(() -> types[1] = Record.serialTypes(shifted, off, available, payload));
            assertEquals(full, head, "case " + i);
            if (types[0] != null) {
                assertArrayEquals(types[0], types[1], "case " + i);
            } else {
                failures++;
            }
        }
        assertTrue(failures > 10_000 && failures < 190_000, "both outcomes exercised: " + failures);
    }

    @Test
    void sealedSetAnswersAsBefore() {
        Random rnd = new Random(5);
        LongHashSet s = new LongHashSet();
        Set<Long> ref = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            long v = rnd.nextInt(4) == 0 ? rnd.nextInt(100) : rnd.nextLong();
            assertEquals(ref.add(v), s.add(v));
        }
        s.add(0);
        ref.add(0L);
        s.seal();
        Random probe = new Random(6);
        for (int i = 0; i < 200_000; i++) {
            long v = probe.nextInt(3) == 0 ? probe.nextInt(200) : probe.nextLong();
            assertEquals(ref.contains(v), s.contains(v), "value " + v);
        }
        for (long v : ref) {
            assertTrue(s.contains(v));
        }
        // adding after sealing drops the filter: the new member is found
        long fresh = 0x1234_5678_9abc_def1L;
        assertFalse(s.contains(fresh));
        assertTrue(s.add(fresh));
        assertTrue(s.contains(fresh));
        LongHashSet empty = new LongHashSet();
        empty.seal();
        assertFalse(empty.contains(1));
        assertFalse(empty.contains(0));
    }

    private static List<String> run(byte[] db, byte[] wal, byte[] journal) {
        return run(new SqliteSalvager(), db, wal, journal);
    }

    private static List<String> run(SqliteSalvager salvager, byte[] db, byte[] wal, byte[] journal) {
        List<Damage> damage = new ArrayList<>();
        List<String> out = new ArrayList<>();
        salvager.salvage(ByteSource.of("x.db", db), wal == null ? null : ByteSource.of("x.db-wal", wal),
                journal == null ? null : ByteSource.of("x.db-journal", journal), DamageSink.collectingInto(damage),
                r -> out.add(String.join("|", r.file(), String.valueOf(r.table()), String.valueOf(r.rowid()),
                        r.stateId(), r.sourceId(), Long.toString(r.page()), Long.toString(r.offset()),
                        String.valueOf(r.walFrame()), r.unknownColumns().toString(), r.values().stream()
                                .map(v -> v instanceof byte[] b ? "x" + java.util.HexFormat.of().formatHex(b)
                                        : String.valueOf(v)).toList().toString())));
        damage.forEach(d -> out.add("damage " + d));
        return out;
    }

    private static byte[] readOrNull(Path p) throws IOException {
        return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
    }

    /** A fixture database: its main file, and its WAL and rollback journal when it has them. */
    private record FixtureDb(Path db, byte[] main, byte[] wal, byte[] journal) {
    }

    /** Every fixture database of fixtures/sqlite ({@code NAME/NAME.db}), in name order; at least 10. */
    private static List<FixtureDb> fixtureDbs(boolean withGroundTruthOnly) throws IOException {
        List<FixtureDb> out = new ArrayList<>();
        try (var dirs = Files.list(GroundTruth.fixturesDir())) {
            for (Path d : dirs.sorted().toList()) {
                Path db = d.resolve(d.getFileName() + ".db");
                if (!Files.isRegularFile(db)
                        || withGroundTruthOnly && !Files.isRegularFile(d.resolve("ground-truth.json"))) {
                    continue;
                }
                out.add(new FixtureDb(db, Files.readAllBytes(db), readOrNull(d.resolve(d.getFileName() + ".db-wal")),
                        readOrNull(d.resolve(d.getFileName() + ".db-journal"))));
            }
        }
        assertTrue(out.size() >= 10, "fixtures: " + out.size());
        return out;
    }

    /** Same rows, same damage, same order, run after run (the passes and the page skipping are deterministic). */
    @Test
    void deterministicOnEveryFixture() throws IOException {
        for (FixtureDb f : fixtureDbs(true)) {
            List<String> a = run(f.main(), f.wal(), f.journal());
            List<String> b = run(f.main(), f.wal(), f.journal());
            assertFalse(a.isEmpty(), f.db().toString());
            assertEquals(a.size(), b.size(), f.db().toString());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i), b.get(i), f.db() + " line " + i);
            }
        }
    }

    /**
     * The non-live phases read on worker threads (every page count, one to three workers) give the rows and damage
     * of the single-threaded salvage in the same order, on every fixture: damaged trees, lost schemas (orphan tables
     * and index trees), dropped tables, WAL and journal histories, freelists.
     */
    @Test
    void parallelPagesGiveTheSingleThreadedRows() throws IOException {
        for (FixtureDb f : fixtureDbs(false)) {
            List<String> serial = run(new SqliteSalvager(Limits.DEFAULT, 1), f.main(), f.wal(), f.journal());
            for (int threads = 1; threads <= 3; threads++) {
                List<String> parallel = run(new SqliteSalvager(Limits.DEFAULT, threads, 1), f.main(), f.wal(),
                        f.journal());
                assertEquals(serial, parallel, f.db() + " with " + threads + " worker(s)");
            }
        }
    }

    /**
     * The rows of the first non-live pass kept for the second ({@link NonLiveMemo}) give the rows and damage of a
     * salvage that reads every page again, on every fixture, whatever the budget: everything kept, nothing kept, or a
     * budget spent part way (the pages after the last complete one are read again), on one thread and on workers.
     */
    @Test
    void keptFirstPassRowsGiveTheRowsOfASecondReading() throws IOException {
        for (FixtureDb f : fixtureDbs(false)) {
            List<String> reread = run(new SqliteSalvager(Limits.DEFAULT, 1, 1, 0), f.main(), f.wal(), f.journal());
            for (long budget : new long[] {Long.MAX_VALUE, 1, 600, 4_000, 40_000, 400_000}) {
                for (int threads = 1; threads <= 2; threads++) {
                    List<String> kept = run(new SqliteSalvager(Limits.DEFAULT, threads, 1, budget), f.main(),
                            f.wal(), f.journal());
                    assertEquals(reread, kept, f.db() + " with a budget of " + budget + " and " + threads
                            + " thread(s)");
                }
            }
        }
    }

    /**
     * A payload size claimed by garbage costs what its chain holds: a cell claiming 1.5 GB whose first overflow
     * pointer leads nowhere (or to a page that ends the chain) allocates a few pages, not the claimed size (the
     * test JVM's heap is smaller than the claim, so an up-front allocation fails the test with OutOfMemoryError).
     */
    @Test
    void claimedPayloadSizeIsNotAllocatedUpFront() throws IOException {
        byte[] file = Files.readAllBytes(GroundTruth.fixturesDir().resolve("basic/basic.db"));
        Limits huge = Limits.DEFAULT.withMaxRecordBytes(Integer.MAX_VALUE - 16);
        SqliteDatabase db = SqliteDatabase.open(ByteSource.of("b.db", file), null, null, huge, DamageSink.IGNORE);
        byte[] page = db.page(2);
        long claimed = 1_500_000_000L;
        for (long first : new long[] {db.pageCount() + 5, 2}) {
            Cell cell = new Cell(100, 120, 0, 1, claimed, 104, 100, first);
            List<Damage> damage = new ArrayList<>();
            OverflowChain.Result r = OverflowChain.read(db, page, cell, 2, DamageSink.collectingInto(damage));
            assertFalse(r.complete());
            assertTrue(r.available() < claimed && r.bytes().length < 1 << 20, "allocated " + r.bytes().length);
            assertFalse(damage.isEmpty());
        }
    }
}
