package dev.salvor.formats.sqlite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NonLiveMemoTest {
    private static final String SQL = "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)";
    private static final TableInfo ITEMS = new TableInfo(new SchemaEntry("table", "items", "items", 2, SQL,
            TableSchema.parse(SQL)));

    /** Rows of every value kind, site and kind: replayed value for value, in order, the table object itself. */
    @Test
    void replaysEveryRowAsRecorded() {
        List<FoundRow> rows = sampleRows();
        NonLiveMemo memo = new NonLiveMemo(Long.MAX_VALUE);
        for (FoundRow r : rows) {
            memo.add(r);
        }
        memo.pagesDone(3);
        assertFalse(memo.truncated());
        assertEquals(3, memo.pages());
        List<FoundRow> back = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        memo.replay(back::add, done::add);
        assertEquals(render(rows), render(back));
        assertEquals(List.of(3L), done);
        assertSame(ITEMS, back.get(0).table());
        assertTrue(back.get(1).values() instanceof ArrayList, "a growable list stays growable");
    }

    /**
     * A budget spent part way keeps the rows of the complete pages only: the rows recorded after the last complete
     * page are dropped, and nothing more is recorded.
     */
    @Test
    void aSpentBudgetKeepsOnlyCompletePages() {
        List<FoundRow> rows = new ArrayList<>();
        for (int page = 1; page <= 200; page++) {
            for (int i = 0; i < 3; i++) {
                rows.add(row(page, i, "row " + page + "/" + i + " " + "x".repeat(40)));
            }
        }
        long budget = 30_000; // blocks of 7 500 bytes: four blocks, the last one part filled when the budget is spent
        NonLiveMemo memo = new NonLiveMemo(budget);
        int page = 0;
        for (FoundRow r : rows) {
            if (r.site().page() != page) {
                memo.pagesDone(page);
                page = (int) r.site().page();
            }
            memo.add(r);
        }
        memo.pagesDone(page);
        assertTrue(memo.truncated());
        assertTrue(memo.used() <= budget + 200, "used " + memo.used());
        assertTrue(memo.pages() > 10 && memo.pages() < 200, "pages " + memo.pages());
        List<FoundRow> back = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        memo.replay(back::add, done::add);
        long kept = memo.pages();
        assertEquals(render(rows.stream().filter(r -> r.site().page() <= kept).toList()), render(back));
        // the replay tells each complete page where it was told, up to the last one kept
        assertEquals(java.util.stream.LongStream.rangeClosed(1, kept).boxed().toList(), done);

        NonLiveMemo small = new NonLiveMemo(2_000);
        small.pagesDone(0);
        small.add(row(1, 0, "x".repeat(3_000)));
        small.pagesDone(1);
        assertTrue(small.truncated(), "a row larger than the budget is never kept");
        assertEquals(0, small.pages());
        List<FoundRow> none = new ArrayList<>();
        small.replay(none::add, p -> none.add(null));
        assertTrue(none.isEmpty());
    }

    @Test
    void noBudgetKeepsNothing() {
        NonLiveMemo memo = new NonLiveMemo(0);
        memo.add(sampleRows().get(0));
        memo.pagesDone(1);
        assertTrue(memo.truncated());
        assertEquals(0, memo.pages());
        assertEquals(0, NonLiveMemo.budgetFor(128L << 20));
        assertEquals(0, NonLiveMemo.budgetFor(256L << 20));
        assertEquals(128L << 20, NonLiveMemo.budgetFor(512L << 20));
        assertEquals(64L << 20, NonLiveMemo.budgetFor(384L << 20));
    }

    private static FoundRow row(long page, int i, String text) {
        RowSite at = new RowSite(RowState.DELETED, RowSource.FREEBLOCK, "x.db", page, page * 4096 + i, null);
        return new FoundRow(ITEMS, "items", null, Arrays.asList(null, text, (double) i, new byte[] {(byte) i}),
                new ArrayList<>(List.of(0)), at);
    }

    private static List<FoundRow> sampleRows() {
        RowSite at = new RowSite(RowState.DELETED, RowSource.FREEBLOCK, "x.db", 1, 4096 + 100, null);
        RowSite wal = new RowSite(RowState.UNCOMMITTED, RowSource.WAL, "x.db-wal", 2, 32 + 24, 7);
        List<FoundRow> rows = new ArrayList<>();
        rows.add(new FoundRow(ITEMS, "items", 5L, Arrays.asList(5L, "caf\u00e9", -0.0, new byte[] {0, -1, 7}),
                List.of(), at));
        rows.add(new FoundRow(null, "orphan_9", null, new ArrayList<>(Arrays.asList(Long.MIN_VALUE, Double.NaN,
                "\ud800 lone surrogate \u20ac \ud83d\ude00", new byte[0], null)), new ArrayList<>(List.of(1, 4)),
                wal));
        rows.add(new FoundRow(null, "ix_name", null, List.of("name", 12L), List.of(), at.at(40), RowKind.INDEX,
                new SqliteRow.IndexTarget("items", 12L)));
        rows.add(new FoundRow(ITEMS, null, Long.MAX_VALUE, Arrays.asList(Long.MAX_VALUE, "", 1e300,
                new byte[100_000]), List.of(), at.as(RowState.LIVE).from(RowSource.BTREE)));
        rows.add(new FoundRow(null, null, null, Arrays.asList("x".repeat(NonLiveMemo.BLOCK)), List.of(),
                new RowSite(RowState.DELETED, RowSource.UNALLOCATED, "x.db", 3, 3 * 4096, null)));
        return rows;
    }

    private static List<String> render(List<FoundRow> rows) {
        return rows.stream().map(r -> String.join("|", r.table() == null ? "-" : r.table().name,
                String.valueOf(r.tableName()), String.valueOf(r.rowid()), r.values().stream()
                        .map(v -> v instanceof byte[] b ? "x" + HexFormat.of().formatHex(b)
                                : v == null ? "null" : v.getClass().getSimpleName() + ":" + (v instanceof Double d
                                ? Long.toHexString(Double.doubleToRawLongBits(d)) : v)).toList().toString(),
                r.unknown().toString(), r.site().toString(), r.kind().toString(), String.valueOf(r.pointsTo())))
                .toList();
    }
}
