package dev.salvor.formats.sqlite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RowDeduplicator} answers as a de-duplication that keeps every key of every live row would (the class
 * comment's promise), whatever its live-walk shortcut skips: random tables with and without a rowid alias and
 * WITHOUT ROWID, values that repeat (a few names, tags) beside unique ones, deleted candidates with and without their
 * rowid and with unknown columns, stale copies of live rows among them.
 */
class RowDeduplicatorTest {

    private static final String[] SQL = {
        "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, email TEXT, score REAL)",
        "CREATE TABLE tags(tag TEXT, item_id INTEGER, weight REAL, PRIMARY KEY(tag, item_id)) WITHOUT ROWID",
        "CREATE TABLE plain(a TEXT, b INTEGER)",
        "CREATE TABLE one(x TEXT)",
    };

    private static TableInfo table(int i, String sql) {
        String name = sql.split("[ (]")[2];
        return new TableInfo(new SchemaEntry("table", name, name, i + 2, sql, TableSchema.parse(sql)));
    }

    private static List<Object> values(TableInfo t, Random rnd, long key) {
        List<Object> v = new ArrayList<>();
        for (int c = 0; c < t.columns; c++) {
            if (c == t.ipk) {
                v.add(key);
            } else {
                switch (rnd.nextInt(4)) {
                    case 0 -> v.add("name" + rnd.nextInt(5)); // repeats: a weak probe
                    case 1 -> v.add("unique" + key + "-" + c);
                    case 2 -> v.add((long) rnd.nextInt(3));
                    default -> v.add(rnd.nextInt(4) == 0 ? null : (double) (key % 7));
                }
            }
        }
        return v;
    }

    /** The reference: every key of every live row, the same admit rules. */
    private static final class Reference {
        final Set<Long> full = new HashSet<>();
        final Set<Long> masked = new HashSet<>();
        final Set<Long> rowids = new HashSet<>();
        final Set<Long> emitted = new HashSet<>();
        final List<List<Integer>> masks = new ArrayList<>();

        void live(FoundRow row) {
            long th = RowKeys.table(row.tableName());
            long[] ch = RowKeys.columns(row.values());
            full.add(RowKeys.combine(th, row.rowid(), ch, List.of()));
            for (List<Integer> m : masks) {
                full.add(RowKeys.combine(th, row.rowid(), ch, m));
                full.add(RowKeys.combine(th, null, ch, m));
            }
            TableInfo t = row.table();
            masked.add(RowKeys.combine(th, null, ch, t.ipk >= 0 ? List.of(t.ipk) : List.of()));
            if (row.rowid() != null) {
                rowids.add(RowKeys.combine(th, row.rowid(), RowKeys.NO_COLUMNS, List.of()));
            }
        }

        RowState admit(FoundRow row) {
            TableInfo t = row.table();
            long th = RowKeys.table(row.tableName());
            long full = RowKeys.combine(th, row.rowid(), RowKeys.columns(row.values()), row.unknown());
            if (this.full.contains(full)) {
                return null;
            }
            List<Integer> mask = t.ipk >= 0 ? List.of(t.ipk) : List.of();
            if (row.rowid() == null && row.unknown().equals(mask) && masked.contains(full)) {
                return null;
            }
            if (!emitted.add(RowKeys.table(row.state().id()) ^ full)) {
                return null;
            }
            if (row.state() == RowState.DELETED && row.rowid() != null
                    && rowids.contains(RowKeys.combine(th, row.rowid(), RowKeys.NO_COLUMNS, List.of()))) {
                return RowState.SUPERSEDED;
            }
            return row.state();
        }
    }

    @Test
    void answersAsIfEveryLiveKeyWereKept() {
        int hidden = 0;
        int superseded = 0;
        for (int round = 0; round < 40; round++) {
            Random rnd = new Random(round);
            List<TableInfo> tables = new ArrayList<>();
            for (int i = 0; i < SQL.length; i++) {
                tables.add(table(i, SQL[i]));
            }
            List<FoundRow> live = new ArrayList<>();
            for (int k = 1; k <= 300; k++) {
                TableInfo t = tables.get(rnd.nextInt(tables.size()));
                live.add(new FoundRow(t, t.name, t.withoutRowid ? null : (long) k, values(t, rnd, k), List.of(),
                        new RowSite(RowState.LIVE, RowSource.BTREE, "x.db", 2, k, null)));
            }
            List<FoundRow> found = new ArrayList<>();
            for (int k = 0; k < 400; k++) {
                FoundRow base = live.get(rnd.nextInt(live.size()));
                TableInfo t = base.table();
                List<Object> v = new ArrayList<>(rnd.nextInt(3) == 0 ? values(t, rnd, 1000 + k) : base.values());
                List<Integer> unknown = new ArrayList<>();
                Long rowid = t.withoutRowid || rnd.nextBoolean() ? null
                        : rnd.nextInt(3) == 0 ? Long.valueOf(2000 + k) : base.rowid();
                if (rowid == null && t.ipk >= 0) {
                    unknown.add(t.ipk); // a lost rowid: its alias column is unknown
                    v.set(t.ipk, null);
                }
                // one or two lost columns (then the probe columns are the next ones the candidate knows)
                for (int lost = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0; lost > 0; lost--) {
                    int c = rnd.nextInt(t.columns);
                    if (!unknown.contains(c)) {
                        unknown.add(c);
                        v.set(c, null);
                    }
                }
                unknown.sort(null);
                found.add(new FoundRow(t, t.name, rowid, v, unknown,
                        new RowSite(RowState.DELETED, RowSource.FREEBLOCK, "x.db", 3 + rnd.nextInt(20), k, null)));
            }
            RowDeduplicator dedup = new RowDeduplicator();
            Reference ref = new Reference();
            for (FoundRow f : found) {
                dedup.collect(f);
                if (!f.unknown().isEmpty() && !ref.masks.contains(f.unknown()) && ref.masks.size() < 16) {
                    ref.masks.add(List.copyOf(f.unknown()));
                }
            }
            dedup.seal();
            for (FoundRow l : live) {
                dedup.mark(l);
                ref.live(l);
            }
            for (FoundRow f : found) {
                RowState want = ref.admit(f);
                assertEquals(want, dedup.admit(f), "round " + round + ": " + f);
                hidden += want == null ? 1 : 0;
                superseded += want == RowState.SUPERSEDED ? 1 : 0;
            }
        }
        assertTrue(hidden > 1000 && superseded > 100, "both outcomes exercised: " + hidden + " " + superseded);
    }
}
