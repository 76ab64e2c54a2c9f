package dev.salvor.formats.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** A fixture's ground-truth.json (see fixtures/sqlite/generate.sh) and row matching against salvaged rows. */
final class GroundTruth {
    /** One expected row; values are SQL literals as printed by SQLite's quote(). */
    record Row(String table, Long rowid, List<Object> values) {
    }

    final String name;
    final Path dir;
    final JsonNode json;
    final List<Row> live;
    final List<Row> deleted;
    final List<Row> old;
    final List<Row> uncommitted;

    static Path fixturesDir() {
        Path p = Path.of("..", "fixtures", "sqlite");
        if (!Files.isDirectory(p)) {
            p = Path.of("fixtures", "sqlite");
        }
        return p;
    }

    GroundTruth(String name) throws IOException {
        this.name = name;
        this.dir = fixturesDir().resolve(name);
        ObjectMapper m = new ObjectMapper();
        JsonNode j = m.readTree(dir.resolve("ground-truth.json").toFile());
        this.json = j;
        JsonNode rows = j.hasNonNull("truth")
                ? m.readTree(fixturesDir().resolve(j.get("truth").asText()).resolve("ground-truth.json").toFile()) : j;
        live = rows(rows.get("live"));
        deleted = rows(rows.get("deleted"));
        old = rows(rows.get("old"));
        uncommitted = rows(rows.get("uncommitted"));
    }

    Path db() {
        return dir.resolve(json.get("db").asText());
    }

    Path wal() {
        return json.hasNonNull("wal") ? dir.resolve(json.get("wal").asText()) : null;
    }

    Path journal() {
        return json.hasNonNull("journal") ? dir.resolve(json.get("journal").asText()) : null;
    }

    private static List<Row> rows(JsonNode a) {
        List<Row> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        for (JsonNode r : a) {
            List<Object> v = new ArrayList<>();
            for (JsonNode x : r.get("values")) {
                v.add(literal(x.asText()));
            }
            out.add(new Row(r.get("table").asText(), r.get("rowid").isNull() ? null : r.get("rowid").asLong(), v));
        }
        return out;
    }

    /** Parses an SQL literal printed by quote(): NULL, integer, real, 'text', X'hex'. */
    static Object literal(String s) {
        if (s.equals("NULL")) {
            return null;
        }
        if (s.startsWith("'")) {
            return s.substring(1, s.length() - 1).replace("''", "'");
        }
        if (s.startsWith("X'")) {
            return HexFormat.of().parseHex(s.substring(2, s.length() - 1));
        }
        if (s.contains(".") || s.contains("e") || s.contains("E") || s.contains("Inf")) {
            return Double.parseDouble(s);
        }
        return Long.parseLong(s);
    }

    /** Value equality as a reader sees it: numbers by numeric value, blobs by content. */
    static boolean same(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            if (a instanceof Long && b instanceof Long) {
                return a.equals(b);
            }
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        return Objects.equals(a, b);
    }

    /** True if the salvaged row is this expected row (unknown columns and a lost rowid are not compared). */
    static boolean matches(SqliteRow s, Row g, boolean compareTable) {
        boolean attributed = s.table() != null && !s.table().startsWith("orphan_");
        if (compareTable && attributed && !s.table().equals(g.table())) {
            return false;
        }
        if (s.rowid() != null && g.rowid() != null && !s.rowid().equals(g.rowid())) {
            return false;
        }
        if (s.values().size() != g.values().size()) {
            return false;
        }
        for (int i = 0; i < g.values().size(); i++) {
            if (s.unknownColumns().contains(i)) {
                continue;
            }
            if (!attributed && s.values().get(i) == null && g.rowid() != null && g.rowid().equals(g.values().get(i))) {
                continue; // without a schema the rowid alias is seen as stored: NULL
            }
            if (!same(s.values().get(i), g.values().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** All bytes of the fixture's input files, for the survival estimate. */
    byte[][] inputs() throws IOException {
        List<byte[]> l = new ArrayList<>();
        for (Path p : new Path[] {db(), wal(), journal()}) {
            if (p != null) {
                l.add(Files.readAllBytes(p));
            }
        }
        return l.toArray(new byte[0][]);
    }

    /** Text encoding of the fixture. */
    java.nio.charset.Charset charset() {
        String e = json.get("encoding").asText();
        return e.equals("UTF-16le") ? java.nio.charset.StandardCharsets.UTF_16LE
                : e.equals("UTF-16be") ? java.nio.charset.StandardCharsets.UTF_16BE
                : java.nio.charset.StandardCharsets.UTF_8;
    }

    /**
     * Rows whose bytes plausibly survive: the first 24 bytes of their longest text or blob value occur somewhere in
     * the inputs (an upper-bound estimate of what any carver could recover; rows without text or blob count as
     * surviving).
     */
    List<Row> surviving(List<Row> rows) throws IOException {
        byte[][] in = inputs();
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            byte[] needle = needle(r);
            if (needle == null) {
                out.add(r);
                continue;
            }
            byte[] n = Arrays.copyOf(needle, Math.min(24, needle.length));
            int ps = json.get("page_size").asInt();
            boolean found = false;
            for (byte[] hay : in) {
                for (int at = indexOf(hay, n, 0); at >= 0 && !found; at = indexOf(hay, n, at + 1)) {
                    // a copy inside an index page is an index entry, not the row (except WITHOUT ROWID tables);
                    // WAL and journal page images sit after a frame/record header, so only the main file is
                    // checked for page types
                    int pageStart = at / ps * ps;
                    int type = hay == in[0] ? hay[pageStart == 0 ? 100 : pageStart] & 0xff : 13;
                    found = r.rowid() == null || (type != 2 && type != 10);
                }
                if (found) {
                    out.add(r);
                    break;
                }
            }
        }
        return out;
    }

    /** The bytes searched for by {@link #surviving}, or null when the row has no text or blob. */
    byte[] needle(Row r) {
        // the longest text or blob value, followed by the stored body of the next column when it is an integer
        // (so that an old version is not found inside a newer one that extends it, and keys that repeat their
        // text, as WITHOUT ROWID keys do, are told apart)
        byte[] needle = null;
        int at = -1;
        for (int i = 0; i < r.values().size(); i++) {
            Object v = r.values().get(i);
            byte[] b = v instanceof String ? ((String) v).getBytes(charset()) : v instanceof byte[] ? (byte[]) v
                    : null;
            if (b != null && b.length >= 4 && (needle == null || b.length > needle.length)) {
                needle = b;
                at = i;
            }
        }
        if (needle == null) {
            return null;
        }
        if (at + 1 < r.values().size() && r.values().get(at + 1) instanceof Long) {
            byte[] b = intBody((Long) r.values().get(at + 1));
            byte[] n = Arrays.copyOf(needle, needle.length + b.length);
            System.arraycopy(b, 0, n, needle.length, b.length);
            needle = n;
        }
        return needle.length <= 24 ? needle : Arrays.copyOfRange(needle, needle.length - 24, needle.length);
    }

    /** The record body of an integer (serial types 1-6; 0 and 1 have none). */
    static byte[] intBody(long v) {
        if (v == 0 || v == 1) {
            return new byte[0];
        }
        int[] sizes = {1, 2, 3, 4, 6, 8};
        for (int n : sizes) {
            if (n == 8 || (v >= -(1L << (8 * n - 1)) && v < (1L << (8 * n - 1)))) {
                byte[] b = new byte[n];
                for (int i = n - 1; i >= 0; i--) {
                    b[i] = (byte) v;
                    v >>= 8;
                }
                return b;
            }
        }
        throw new AssertionError();
    }

    static int indexOf(byte[] hay, byte[] n) {
        return indexOf(hay, n, 0);
    }

    static int indexOf(byte[] hay, byte[] n, int from) {
        // ISO-8859-1 maps bytes 1:1 to chars, so String.indexOf (an intrinsic) searches bytes
        String h = new String(hay, java.nio.charset.StandardCharsets.ISO_8859_1);
        return h.indexOf(new String(n, java.nio.charset.StandardCharsets.ISO_8859_1), from);
    }

    static String show(SqliteRow r) {
        StringBuilder sb = new StringBuilder(r.stateId() + "/" + r.sourceId() + " " + r.table() + " rowid=" + r.rowid()
                + " page=" + r.page() + " off=" + r.offset() + " unknown=" + r.unknownColumns() + " [");
        for (Object v : r.values()) {
            sb.append(v instanceof byte[] ? "X'" + HexFormat.of().formatHex((byte[]) v) + "'" : String.valueOf(v))
                    .append(", ");
        }
        return sb.append(']').toString();
    }
}
