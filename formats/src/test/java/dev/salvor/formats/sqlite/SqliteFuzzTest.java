package dev.salvor.formats.sqlite;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.formats.chromium.IndexedDbSqliteCatalog;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import dev.salvor.fixtures.FuzzCorpus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: for any bytes, salvage, check and identify's table reads ({@link TableTree},
 * {@link IndexedDbSqliteCatalog}) end normally (no exception of any kind), within small memory limits, every
 * reported damage lies inside the input, and salvage with its pages read on worker threads and the first non-live
 * pass's rows kept ({@link NonLiveMemo}) gives the rows of the single-threaded salvage that reads every page twice,
 * in the same order. In the normal build this runs the seed inputs in
 * {@code SqliteFuzzTestInputs/}; set {@code JAZZER_FUZZ=1} to fuzz.
 */
class SqliteFuzzTest {
    private static final Limits SMALL = Limits.DEFAULT.withMaxRecordBytes(1 << 20).withMaxBlockBytes(1 << 20);

    @FuzzTest
    void salvageAndCheckNeverThrow(byte[] data) {
        List<Damage> damage = new ArrayList<>();
        List<SqliteRow> rows = new ArrayList<>();
        // the same bytes as database, WAL and journal: exercises all three readers
        ByteSource src = ByteSource.of("fuzz.db", data);
        // every page read again in the second non-live pass (no rows of the first pass kept)
        new SqliteSalvager(SMALL, 1, SqliteSalvager.MIN_PARALLEL_PAGES, 0).salvage(src,
                ByteSource.of("fuzz.db-wal", data),
                ByteSource.of("fuzz.db-journal", data), DamageSink.collectingInto(damage), rows::add);
        // the non-live phases on two worker threads, the first pass's rows kept for the second up to a small budget
        // (spent part way on larger inputs: the rest is read again), give the same rows in the same order
        List<SqliteRow> parallel = new ArrayList<>();
        new SqliteSalvager(SMALL, 2, 1, 4_000).salvage(src, ByteSource.of("fuzz.db-wal", data),
                ByteSource.of("fuzz.db-journal", data), DamageSink.IGNORE, parallel::add);
        assertEquals(rows.stream().map(GroundTruth::show).toList(), parallel.stream().map(GroundTruth::show).toList());
        new SqliteChecker(SMALL).check(src, null, null, DamageSink.collectingInto(damage));
        // identify's own reads: every table's rows and counts by a column (TableTree), Chromium's IndexedDB catalog
        SqliteDatabase db = SqliteDatabase.open(src, ByteSource.of("fuzz.db-wal", data), null, SMALL,
                DamageSink.collectingInto(damage));
        for (SchemaEntry e : TableTree.schema(db, DamageSink.collectingInto(damage))) {
            TableTree.Rows read = TableTree.rows(db, e, 100, DamageSink.collectingInto(damage));
            assertTrue(read.records().size() <= 100 && read.records().size() <= read.rows(), e.name());
            TableTree.Counts counts = TableTree.countBy(db, e, 1, DamageSink.collectingInto(damage));
            assertTrue(counts.byValue().values().stream().mapToLong(Long::longValue).sum() + counts.unreadable()
                    == counts.rows(), e.name());
        }
        IndexedDbSqliteCatalog.read(db, DamageSink.collectingInto(damage));
        for (Damage d : damage) {
            assertTrue(d.offset() < Math.max(1, data.length) + 65536L, d.toString());
        }
        for (SqliteRow r : rows) {
            assertTrue(r.page() >= 1, GroundTruth.show(r));
        }
    }

    static Stream<Object[]> salvageAndCheckNeverThrowInputs() {
        return FuzzCorpus.cases("sqlite");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("salvageAndCheckNeverThrowInputs")
    void salvageAndCheckNeverThrowRegression(String name, byte[] data) {
        salvageAndCheckNeverThrow(data);
    }
}
