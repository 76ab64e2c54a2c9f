package dev.salvor.formats.sqlite;

import com.code_intelligence.jazzer.junit.FuzzTest;
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

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: for any bytes, salvage and check end normally (no exception of any kind), within small memory limits,
 * and every reported damage lies inside the input. In the normal build this runs the seed inputs in
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
        new SqliteSalvager(SMALL).salvage(src, ByteSource.of("fuzz.db-wal", data),
                ByteSource.of("fuzz.db-journal", data), DamageSink.collectingInto(damage), rows::add);
        new SqliteChecker(SMALL).check(src, null, null, DamageSink.collectingInto(damage));
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
