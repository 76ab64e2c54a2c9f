package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Index b-trees (page types 2 and 10) no schema names — page 1 destroyed, or a tree cut off by damage — told apart
 * into the two things SQLite stores in them (fileformat2 1.6): the indexes of rowid tables, and WITHOUT ROWID tables.
 *
 * <p>An index record is the indexed columns followed by the rowid of the table row it points to, and those columns
 * hold that row's values. A WITHOUT ROWID table's records point nowhere. So up to {@value #SAMPLE} records of each
 * tree are sampled, and the tree is an index when at least 90 % of them end with an integer that is the rowid of a
 * row of some table b-tree of the file whose values include every other value of the record (the rule tolerates a
 * few entries whose row was lost with a damaged page; a WITHOUT ROWID table whose last column is an integer would
 * need nearly all its rows to copy the columns of a table row with that rowid to pass). Anything else is a WITHOUT
 * ROWID table, inferred as {@code orphan_<root>} from its record shape (same column count in every sampled record)
 * — unless a table of the schema claims its records by shape, in which case the existing attribution stays.
 */
final class OrphanIndexTrees {
    /** Records sampled per tree. */
    static final int SAMPLE = 64;
    /** Trees classified at most (a hostile file of millions of one-page "trees" stays bounded). */
    static final int MAX_TREES = 4096;
    /** Record shapes learnt per inferred WITHOUT ROWID table. */
    static final int MAX_SHAPES = 4096;
    /** Record shapes kept over all trees (memory stays bounded whatever number of trees a file holds). */
    static final int MAX_SHAPES_TOTAL = 1 << 16;
    /** Largest payload sampled: index keys and WITHOUT ROWID rows are short; a huge one only costs memory. */
    static final int MAX_SAMPLE_PAYLOAD = 1 << 16;

    /**
     * An index tree.
     *
     * @param root  its root page
     * @param name  the name its entries are reported under ({@code orphan_<root>})
     * @param table the table its entries point to (schema name, or {@code orphan_<root>} of the table's tree)
     */
    record IndexTree(long root, String name, String table) {
    }

    private final Map<Long, IndexTree> indexes = new HashMap<>();
    private final Map<Long, TableInfo> withoutRowid = new HashMap<>();

    /** The index trees, by root. */
    Map<Long, IndexTree> indexes() {
        return indexes;
    }

    /** The inferred WITHOUT ROWID tables, by root. */
    Map<Long, TableInfo> withoutRowidTables() {
        return withoutRowid;
    }

    /** One tree's sample. */
    private static final class Sample {
        final List<Record> records = new ArrayList<>();
        final List<long[]> shapes = new ArrayList<>();
        boolean claimed;
        /** Per sampled record, whether some table row matched it; and the tables matched, with counts. */
        boolean[] hit;
        final Map<String, Integer> targets = new HashMap<>();
    }

    /** A sampled record waiting for the table row of its rowid. */
    private record Probe(Sample tree, int index) {
    }

    /** Classifies every index tree of {@code db} no live walk reached (and not on the freelist). */
    static OrphanIndexTrees classify(SqliteDatabase db, PageOwners pages, Freelist free, KnownTables tables) {
        OrphanIndexTrees out = new OrphanIndexTrees();
        Map<Long, Sample> samples = out.sample(db, pages, free, tables);
        if (samples.isEmpty()) {
            return out;
        }
        out.matchRows(db, pages, free, tables, samples);
        out.decide(samples);
        return out;
    }

    private static boolean unreached(SqliteDatabase db, PageOwners pages, Freelist free, long n) {
        return !pages.owned(n) && !free.trunks().contains(n) && !free.leaves().contains(n) && !pages.isOverflow(n)
                && n != db.lockBytePage()
                && !(db.header().autoVacuum() && PointerMap.isPointerMapPage(n, db.usableSize()));
    }

    /** Phase 1: the records of each unreached index tree (at most {@link #SAMPLE} kept, shapes of more). */
    private Map<Long, Sample> sample(SqliteDatabase db, PageOwners pages, Freelist free, KnownTables tables) {
        Map<Long, Sample> samples = new HashMap<>();
        int shapes = 0;
        for (long n = 1; n <= db.pageCount(); n++) {
            if (!unreached(db, pages, free, n)) {
                continue;
            }
            byte[] data = db.page(n);
            BtreePage page = data == null ? null : BtreePage.parse(n, data, db.usableSize(), db.mainAvailable(n),
                    db.main().name(), 0, DamageSink.IGNORE);
            if (page == null || page.type().isTable()) {
                continue;
            }
            long root = pages.treeRootOf(n);
            Sample s = samples.get(root);
            if (s == null) {
                if (samples.size() >= MAX_TREES) {
                    continue;
                }
                s = new Sample();
                samples.put(root, s);
            }
            for (Cell c : page.cells()) {
                if (c.payloadSize() > MAX_SAMPLE_PAYLOAD) {
                    continue;
                }
                OverflowChain.Result pl = OverflowChain.read(db, data, c, n, DamageSink.IGNORE, pages::inUse);
                Record r;
                try {
                    r = Record.decode(pl.bytes(), 0, pl.available(), c.payloadSize(), db.encoding(), false);
                } catch (Malformed m) {
                    continue; // not a record: nothing to learn from it
                }
                if (!r.unknown().isEmpty()) {
                    continue;
                }
                if (tables.attribute(r.serialTypes(), false) != null) {
                    s.claimed = true;
                }
                if (s.records.size() < SAMPLE) {
                    s.records.add(r);
                }
                if (s.shapes.size() < MAX_SHAPES && shapes < MAX_SHAPES_TOTAL) {
                    shapes++;
                    s.shapes.add(r.serialTypes());
                }
            }
        }
        return samples;
    }

    /**
     * Phase 2: every table-leaf cell of the current view (not on the freelist) whose rowid a sampled record ends
     * with is decoded once and compared with the records waiting for it.
     */
    private void matchRows(SqliteDatabase db, PageOwners pages, Freelist free, KnownTables tables,
                           Map<Long, Sample> samples) {
        Map<Long, List<Probe>> waiting = new HashMap<>();
        for (Sample s : samples.values()) {
            s.hit = new boolean[s.records.size()];
            for (int i = 0; i < s.records.size(); i++) {
                List<Object> v = s.records.get(i).values();
                if (v.size() >= 2 && v.get(v.size() - 1) instanceof Long rowid) {
                    waiting.computeIfAbsent(rowid, k -> new ArrayList<>(1)).add(new Probe(s, i));
                }
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        for (long n = 1; n <= db.pageCount(); n++) {
            if (free.trunks().contains(n) || free.leaves().contains(n) || pages.isOverflow(n)) {
                continue;
            }
            byte[] data = db.page(n);
            BtreePage page = data == null ? null : BtreePage.parse(n, data, db.usableSize(), db.mainAvailable(n),
                    db.main().name(), 0, DamageSink.IGNORE);
            if (page == null || page.type() != PageType.TABLE_LEAF) {
                continue;
            }
            String table = null;
            for (Cell c : page.cells()) {
                List<Probe> probes = waiting.get(c.rowid());
                if (probes == null) {
                    continue;
                }
                OverflowChain.Result pl = OverflowChain.read(db, data, c, n, DamageSink.IGNORE, pages::inUse);
                Record r;
                try {
                    r = Record.decode(pl.bytes(), 0, pl.available(), c.payloadSize(), db.encoding(), false);
                } catch (Malformed m) {
                    continue;
                }
                if (table == null) {
                    Long owner = pages.ownerRoot(n);
                    TableInfo t = tables.byRoot(owner);
                    table = t != null ? t.name : "orphan_" + pages.treeRootOf(n);
                }
                for (Probe p : probes) {
                    if (!p.tree().hit[p.index()] && covers(r, c.rowid(), p.tree().records.get(p.index()))) {
                        p.tree().hit[p.index()] = true;
                        p.tree().targets.merge(table, 1, Integer::sum);
                    }
                }
            }
        }
    }

    /**
     * True if every value of the index record {@code entry} but its last (the rowid) equals a value of the table
     * row {@code row} (numbers by numeric value, blobs by content), and at least one of them is not NULL. The
     * rowid counts as a value of the row: its alias column is stored as NULL.
     */
    static boolean covers(Record row, long rowid, Record entry) {
        List<Object> e = entry.values();
        List<Object> v = row.values();
        boolean anyValue = false;
        for (int i = 0; i < e.size() - 1; i++) {
            Object x = e.get(i);
            boolean found = false;
            if (x == null) {
                found = v.contains(null);
            } else {
                anyValue = true;
                found = same(x, rowid);
                for (int k = 0; k < v.size() && !found; k++) {
                    found = same(x, v.get(k));
                }
            }
            if (!found) {
                return false;
            }
        }
        return anyValue;
    }

    /** Value equality as the index compares: numbers by numeric value, blobs by content, text exactly. */
    static boolean same(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return x.longValue() == y.longValue();
        }
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return a != null && a.equals(b);
    }

    /** Phase 3: index (90 % of the sample points to matching rows), else WITHOUT ROWID table unless claimed. */
    private void decide(Map<Long, Sample> samples) {
        for (Map.Entry<Long, Sample> e : samples.entrySet()) {
            long root = e.getKey();
            Sample s = e.getValue();
            if (s.records.isEmpty()) {
                continue;
            }
            int hits = 0;
            for (boolean h : s.hit) {
                hits += h ? 1 : 0;
            }
            if (hits * 10 >= s.records.size() * 9) {
                // the table most sampled entries point into (the first on a tie); its name may be null when its
                // schema row lost the name
                Map.Entry<String, Integer> best = null;
                for (Map.Entry<String, Integer> t : s.targets.entrySet()) {
                    if (best == null || t.getValue() > best.getValue()) {
                        best = t;
                    }
                }
                String target = best == null ? null : best.getKey();
                indexes.put(root, new IndexTree(root, "orphan_" + root, target));
                continue;
            }
            if (s.claimed) {
                continue; // a known WITHOUT ROWID table's shape claims these records: attributed as before
            }
            int cols = s.shapes.get(0).length;
            if (cols == 0 || !s.shapes.stream().allMatch(t -> t.length == cols)) {
                continue;
            }
            StringBuilder sql = new StringBuilder("CREATE TABLE orphan_" + root + "(");
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sql.append(i == 0 ? "" : ", ").append('c').append(i);
                key.append(i == 0 ? "" : ", ").append('c').append(i);
            }
            // the key's length is not in the records: every column is declared part of it, which keeps the
            // stored order as the declared order
            String ddl = sql.append(", PRIMARY KEY(").append(key).append(")) WITHOUT ROWID").toString();
            TableInfo t = new TableInfo(new SchemaEntry("table", "orphan_" + root, "orphan_" + root, root, ddl,
                    TableSchema.parse(ddl)));
            t.inferred = true;
            for (long[] types : s.shapes) {
                t.learn(types);
            }
            withoutRowid.put(root, t);
        }
    }
}
