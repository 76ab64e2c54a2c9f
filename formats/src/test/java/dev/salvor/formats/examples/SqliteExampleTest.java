package dev.salvor.formats.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.sqlite.RowState;
import dev.salvor.formats.sqlite.SqliteRow;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs the README's SQLite examples on a database and WAL written by the real sqlite3 (fixtures/sqlite/wal: a WAL
 * with uncheckpointed commits over a checkpointed first generation), against the rows the generator recorded.
 */
class SqliteExampleTest {
    private static final Path WAL_CASE = Fixtures.path("sqlite/wal");

    @Test
    void checkFindsNoDamage() throws IOException {
        JsonNode truth = truth();
        SqliteExample.Checked checked = SqliteExample.check(db(truth), wal(truth));

        assertEquals(List.of(), checked.damage());
        assertEquals(0, checked.report().damages());
        assertEquals(truth.get("page_size").asLong() * checked.report().pages(), java.nio.file.Files.size(db(truth)),
                "every page of the database file checked");
    }

    @Test
    void salvageReturnsEveryLiveRowAndEveryDeletedAndOlderOne() throws IOException {
        JsonNode truth = truth();
        SqliteExample.Salvaged salvaged = SqliteExample.salvage(db(truth), wal(truth));

        assertEquals(List.of(), salvaged.damage());
        assertEquals(keys(truth.get("live")), keys(salvaged.rows(), EnumSet.of(RowState.LIVE)), "live rows");
        assertEquals(truth.get("live").size(), salvaged.rows().stream().filter(r -> r.state() == RowState.LIVE)
                .count(), "each live row once");
        // fixtures/sqlite/README.md: in this case every deleted row and every older version survives on disk. A row
        // deleted after a commit whose page version the WAL still holds is an older version of that page (state
        // superseded), so both are looked for among the non-live rows.
        Set<String> nonLive = keys(salvaged.rows(), EnumSet.of(RowState.DELETED, RowState.SUPERSEDED));
        assertContains(keys(truth.get("deleted")), nonLive, "deleted rows");
        assertContains(keys(truth.get("old")), nonLive, "older versions");
        assertEquals(0, truth.get("uncommitted").size());
        assertEquals(0, salvaged.rows().stream().filter(r -> r.state() == RowState.UNCOMMITTED).count());
    }

    /**
     * "table#rowid" of the ground truth's rows ("table#first value" in a WITHOUT ROWID table); values are SQL literals
     * as printed by sqlite3's quote().
     */
    private static Set<String> keys(JsonNode rows) {
        Set<String> keys = new TreeSet<>();
        for (JsonNode r : rows) {
            String first = r.get("values").get(0).asText();
            String id = r.get("rowid").isNull() ? first.substring(1, first.length() - 1) : r.get("rowid").asText();
            keys.add(r.get("table").asText() + "#" + id);
        }
        return keys;
    }

    /** The same keys of the salvaged rows in {@code states}. */
    private static Set<String> keys(List<SqliteRow> rows, Set<RowState> states) {
        Set<String> keys = new TreeSet<>();
        rows.stream().filter(r -> states.contains(r.state()))
                .forEach(r -> keys.add(r.table() + "#" + (r.rowid() == null ? r.values().get(0) : r.rowid())));
        return keys;
    }

    private static void assertContains(Set<String> expected, Set<String> actual, String what) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        assertEquals(Set.of(), missing, what + " not salvaged (of " + expected.size() + ")");
    }

    private static JsonNode truth() throws IOException {
        return Fixtures.json(WAL_CASE.resolve("ground-truth.json"));
    }

    private static Path db(JsonNode truth) {
        return WAL_CASE.resolve(truth.get("db").asText());
    }

    private static Path wal(JsonNode truth) {
        return WAL_CASE.resolve(truth.get("wal").asText());
    }
}
