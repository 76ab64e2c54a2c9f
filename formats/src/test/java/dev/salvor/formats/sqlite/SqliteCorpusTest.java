package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every database of the SQLite forensic corpus (Nemetz, Schmitt, Freiling, DFRWS EU 2018) through the salvager
 * and the checker when {@code ../shared/corpora/sqlite-forensic-corpus-v1} exists next to the repository (or under
 * {@code $SALVOR_SHARED/corpora}), and
 * measures live and deleted recall and phantoms per category against the corpus's .xml ground truth. Nothing is
 * printed: the figures go to {@code target/sqlite-corpus-recall.txt} and are asserted below.
 */
class SqliteCorpusTest {

    static Path corpus() {
        String shared = System.getenv("SALVOR_SHARED"); // the shared folder when the tree is not beside it
        if (shared != null && Files.isDirectory(Path.of(shared, "corpora", "sqlite-forensic-corpus-v1"))) {
            return Path.of(shared, "corpora", "sqlite-forensic-corpus-v1");
        }
        for (Path p : new Path[] {Path.of("..", "..", "shared", "corpora", "sqlite-forensic-corpus-v1"),
            Path.of("..", "shared", "corpora", "sqlite-forensic-corpus-v1")}) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    /** A ground-truth row: table, deleted flag, column contents as text (null when absent). */
    record XRow(String table, boolean deleted, List<String> values) {
    }

    static final Pattern ELEMENT = Pattern.compile("<element>(.*?)</element>", Pattern.DOTALL);
    static final Pattern ROW = Pattern.compile("<row( deleted=\"1\")?>(.*?)</row>", Pattern.DOTALL);
    static final Pattern CONTENT = Pattern.compile("<column>.*?(?:<content>(.*?)</content>|<content\\s*/>)?\\s*"
            + "</column>", Pattern.DOTALL);

    /** Lenient extraction (two corpus files are not well-formed XML). */
    static List<XRow> truth(Path xml) throws IOException {
        String s = new String(Files.readAllBytes(xml), StandardCharsets.UTF_8);
        List<XRow> out = new ArrayList<>();
        Matcher el = ELEMENT.matcher(s);
        while (el.find()) {
            String e = el.group(1);
            String type = between(e, "<type>", "</type>");
            if (!"table".equalsIgnoreCase(type)) {
                continue;
            }
            String name = unescape(between(e, "<name>", "</name>"));
            boolean tableDeleted = "True".equals(between(e, "<deleted>", "</deleted>"));
            Matcher r = ROW.matcher(e);
            while (r.find()) {
                List<String> v = new ArrayList<>();
                Matcher c = CONTENT.matcher(r.group(2));
                while (c.find()) {
                    v.add(c.group(1) == null ? null : unescape(c.group(1)));
                }
                out.add(new XRow(name, tableDeleted || r.group(1) != null, v));
            }
        }
        return out;
    }

    private static String between(String s, String a, String b) {
        int i = s.indexOf(a);
        int j = i < 0 ? -1 : s.indexOf(b, i + a.length());
        return i < 0 || j < 0 ? null : s.substring(i + a.length(), j);
    }

    private static String unescape(String s) {
        return s == null ? null : s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&apos;", "'").replace("&amp;", "&");
    }

    static boolean same(Object v, String g) {
        if (g == null) {
            return v == null;
        }
        if (v == null) {
            return g.isEmpty() || g.equals("NULL") || g.equals("None");
        }
        if (v instanceof Long) {
            if (g.equals(v.toString())) {
                return true;
            }
        }
        if (v instanceof Number) {
            try {
                double a = ((Number) v).doubleValue();
                double b = Double.parseDouble(g);
                return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)) || (float) a == (float) b;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (v instanceof byte[]) {
            return new String((byte[]) v, StandardCharsets.UTF_8).equals(g);
        }
        return v.toString().equals(g);
    }

    static boolean matches(SqliteRow r, XRow g) {
        if (r.values().size() != g.values().size()) {
            return false;
        }
        for (int i = 0; i < g.values().size(); i++) {
            if (r.unknownColumns().contains(i)) {
                continue;
            }
            Object v = r.values().get(i);
            if (v == null && r.rowid() != null && String.valueOf(r.rowid()).equals(g.values().get(i))
                    && (r.table() == null || r.table().startsWith("orphan_"))) {
                continue; // unattributed: the rowid alias is seen as stored (NULL)
            }
            if (!same(v, g.values().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Per-category tallies. */
    static final class Tally {
        long files;
        long liveTotal;
        long liveFound;
        long deletedTotal;
        long deletedFound;
        long phantoms;
        long damages;

        @Override
        public String toString() {
            return String.format("files %d live %d/%d deleted %d/%d phantoms %d damages %d", files, liveFound,
                    liveTotal, deletedFound, deletedTotal, phantoms, damages);
        }
    }

    @Test
    // a guard against a hang, not a speed test: the row matching below is truth x rows per database, 10-20 s on an
    // idle machine, over 60 s when the 2 cores are shared with other builds
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void corpusRecall() throws IOException {
        Path root = corpus();
        Assumptions.assumeTrue(root != null, "corpus not present");
        Map<String, Tally> tallies = new TreeMap<>();
        List<Path> dbs;
        try (Stream<Path> s = Files.walk(root)) {
            dbs = s.filter(p -> p.toString().endsWith(".db")).sorted().toList();
        }
        for (Path db : dbs) {
            String cat = db.getParent().getFileName().toString();
            Tally t = tallies.computeIfAbsent(cat, k -> new Tally());
            t.files++;
            List<SqliteRow> rows = new ArrayList<>();
            List<Damage> damage = new ArrayList<>();
            long start = System.nanoTime();
            try (ByteSource src = ByteSource.open(db, db.getFileName().toString())) {
                new SqliteSalvager().salvage(src, null, null, DamageSink.collectingInto(damage), rows::add);
                new SqliteChecker().check(src, null, null, DamageSink.collectingInto(damage));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 10_000, db + " took " + ms + " ms");
            t.damages += damage.size();
            Path xml = Path.of(db.toString().replaceAll("\\.db$", ".xml"));
            if (!Files.exists(xml)) {
                continue;
            }
            List<XRow> truth = truth(xml);
            for (XRow g : truth) {
                if (g.deleted()) {
                    t.deletedTotal++;
                    if (rows.stream().anyMatch(r -> matches(r, g))) {
                        t.deletedFound++;
                    }
                } else {
                    t.liveTotal++;
                    if (rows.stream().filter(r -> r.state().equals(RowState.LIVE)).anyMatch(r -> matches(r, g))) {
                        t.liveFound++;
                    }
                }
            }
            for (SqliteRow r : rows) {
                if (r.state().equals(RowState.LIVE) || "sqlite_schema".equals(r.table())) {
                    continue;
                }
                boolean known = r.table() == null || r.table().startsWith("orphan_")
                        || truth.stream().anyMatch(g -> g.table().equals(r.table()));
                if (known && truth.stream().noneMatch(g -> matches(r, g))) {
                    t.phantoms++;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        tallies.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "sqlite-corpus-recall.txt"), sb.toString());
        Tally all = new Tally();
        Tally comparable = new Tally();
        tallies.forEach((k, v) -> {
            // 09: the ground truth lists 5,000 rows but the database holds 3,852 (corpus ABOUT.md).
            if (!k.equals("09")) {
                comparable.liveTotal += v.liveTotal;
                comparable.liveFound += v.liveFound;
            }
        });
        tallies.values().forEach(v -> {
            all.files += v.files;
            all.liveTotal += v.liveTotal;
            all.liveFound += v.liveFound;
            all.deletedTotal += v.deletedTotal;
            all.deletedFound += v.deletedFound;
            all.phantoms += v.phantoms;
        });
        Files.writeString(Path.of("target", "sqlite-corpus-recall.txt"), sb + "all: " + all + "\n");
        assertTrue(comparable.liveFound * 100 >= comparable.liveTotal * 99, "live recall " + comparable);
        Tally dropped = tallies.get("0A");
        assertTrue(dropped == null || dropped.deletedFound * 2 > dropped.deletedTotal, "dropped tables " + dropped);
        assertTrue(all.deletedFound * 2 > all.deletedTotal, "deleted recall must beat 50 %: " + all);
        assertTrue(all.phantoms == 0, "phantoms " + all);
        Tally virtual = tallies.get("06");
        assertTrue(virtual == null || virtual.liveFound == virtual.liveTotal, "virtual tables (FTS, R*Tree) " + virtual);
    }
}
