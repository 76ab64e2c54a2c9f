package dev.salvor.salvage.report;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.UnitState;
import dev.salvor.salvage.InputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    private static final String HOSTILE = "<script>alert(1)</script>\u202egpj.exe";
    private static final Pattern RECT = Pattern.compile("<rect class=\"(\\w)\" x=\"\\d+\" y=\"\\d+\" width=\"\\d+\""
            + " height=\"\\d+\" data-from=\"(\\d+)\" data-to=\"(\\d+)\"><title>([^<]*)</title>");

    @TempDir
    Path tmp;

    /** The map cells of the page, by CSS class (v, f, c, u, d, n): shapes counted, one per run of cells. */
    private static Map<String, Integer> shapes(String html) {
        Map<String, Integer> m = new TreeMap<>();
        Matcher x = RECT.matcher(html);
        while (x.find()) {
            m.merge(x.group(1), 1, Integer::sum);
        }
        return m;
    }

    private static RunReport report(FileResult... files) {
        RunReport r = new RunReport("check", "9.9");
        for (FileResult f : files) {
            r.files().add(f);
        }
        r.finish();
        return r;
    }

    @Test
    void evidenceStringsShowAsTextNeverAsMarkup() throws IOException {
        Path input = Files.writeString(tmp.resolve("in.bin"), "x");
        FileResult f = new FileResult(HOSTILE, "leveldb", "table\"><b>", 4096);
        f.map().mark(0, 4096, UnitState.VERIFIED);
        f.addDamage(new Damage(HOSTILE, 100, 10, DamageKind.CRC_MISMATCH, "<img src=x onerror=alert(2)>",
                "'\"&", "detail </td></tr></table><iframe src=//evil>"));
        f.fact("<key>", "</dd><script>alert(3)</script>");
        RunReport r = report(f);
        r.inputs().add(InputFile.fingerprint(input, HOSTILE));
        r.notes().add("note </li></ul><style>body{display:none}</style>\u0007\u0000");
        r.recordsByState().put("<live>", 3L);
        r.extras().put("chains", Map.of("</summary><script>", "</pre><script>alert(4)</script>"));

        String html = HtmlReport.toHtml(r);
        String lower = html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("<script"), "no script element, and none from the evidence");
        assertFalse(lower.contains("<img") || lower.contains("<iframe") || lower.contains("table\"><b>")
                || lower.contains("<key>") || lower.contains("<live>") || lower.contains("</dd><script"), html);
        assertEquals(1, lower.split("<style", -1).length - 1, "only the page's own style element");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u202egpj.exe"), "the name, escaped");
        assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assertTrue(html.contains("&#39;&quot;&amp;"));
        assertTrue(html.contains("\\u0007\\u0000"), "control characters shown, not hidden");
        assertFalse(html.contains("\u202e") || html.contains("\u0007"), "no raw bidi override or control");
    }

    @Test
    void onePageHoldsEveryStateOfUnitAsCells() {
        FileResult f = new FileResult("mixed.db", "sqlite", "database", 6 * 4096);
        f.map().mark(0, 4096, UnitState.VERIFIED);
        f.map().mark(4096, 4096, UnitState.FREE);
        f.map().mark(2 * 4096, 4096, UnitState.CARVED);
        f.map().mark(3 * 4096, 4096, UnitState.UNVERIFIED);
        f.map().mark(4 * 4096, 4096, UnitState.DAMAGED);
        // the last page is left unmarked: not examined
        String html = HtmlReport.toHtml(report(f));
        Map<String, Long> bytes = new TreeMap<>();
        Matcher m = RECT.matcher(html);
        while (m.find()) {
            long from = Long.parseLong(m.group(2));
            long to = Long.parseLong(m.group(3));
            bytes.merge(m.group(1), to - from, Long::sum);
            assertEquals(0, from % 2048, "a shape is a row of 128 16-byte cells");
            assertTrue(m.group(4).startsWith(Html.hex(from, 4) + "\u2013" + Html.hex(to - 1, 4) + " \u00b7 "
                    + Html.count(to - from) + " bytes \u00b7 "), m.group(4));
        }
        assertEquals(Map.of("c", 4096L, "d", 4096L, "f", 4096L, "n", 4096L, "u", 4096L, "v", 4096L), bytes, html);
        assertTrue(html.contains("1 cell = 16 B"), "6 pages in 16-byte cells (the smallest)");
        assertTrue(html.contains("2,048 bytes \u00b7 carved") && html.contains("\u00b7 not examined"));
    }

    @Test
    void damagesAreRowsAndTheirBytesDamagedCellsLinkedToThem() {
        FileResult f = new FileResult("000013.ldb", "leveldb", "table", 15272);
        f.map().mark(0, 15272, UnitState.VERIFIED); // the engine did not mark the damage: the damage list does
        f.addDamage(new Damage("000013.ldb", 3434, 3382, DamageKind.CRC_MISMATCH, "0xeca7d1a2", "0x3a85d617",
                "data block checksum mismatch"));
        f.addDamage(Damage.of("000013.ldb", -1, 0, DamageKind.BAD_STRUCTURE, "keys out of order somewhere"));
        String html = HtmlReport.toHtml(report(f));
        assertTrue(html.contains("<tr id=\"d1-1\"><td class=\"num\">1</td><td class=\"hash\">0x0d6a</td>"
                + "<td class=\"num\">3,382</td><td class=\"kind\">crc-mismatch</td><td class=\"val\">0xeca7d1a2</td>"
                + "<td class=\"val\">0x3a85d617</td><td>data block checksum mismatch</td></tr>"), html);
        assertTrue(html.contains("<tr id=\"d1-2\"><td class=\"num\">2</td><td class=\"hash\">\u2014</td>"), html);
        Matcher m = RECT.matcher(html);
        long damagedFrom = Long.MAX_VALUE;
        long damagedTo = -1;
        while (m.find()) {
            if (m.group(1).equals("d")) {
                damagedFrom = Math.min(damagedFrom, Long.parseLong(m.group(2)));
                damagedTo = Math.max(damagedTo, Long.parseLong(m.group(3)));
                assertTrue(m.group(4).contains("damage 1: crc-mismatch at 0x0d6a"), m.group(4));
            }
        }
        assertEquals(3424, damagedFrom, "16-byte cells: from the cell holding 3434");
        assertEquals(6816, damagedTo, "to the end of the cell holding byte 6815, the damage's last");
        assertTrue(html.contains("<a href=\"#d1-1\"><rect class=\"d\""), "a damaged cell leads to its damage");
        assertTrue(html.contains("Damage at a glance"));
    }

    @Test
    void aLargeFragmentedFileStaysSmall() {
        long size = 54L << 20;
        FileResult f = new FileResult("big.db", "sqlite", "database", size);
        for (long off = 0; off < size; off += 4096) {
            f.map().mark(off, 4096, (off / 4096) % 3 == 0 ? UnitState.FREE : UnitState.VERIFIED);
        }
        for (int i = 0; i < 5000; i++) {
            f.addDamage(Damage.of("big.db", i * 10_000L, 100, DamageKind.CRC_MISMATCH, "damage " + i));
        }
        String html = HtmlReport.toHtml(report(f));
        int cells = shapes(html).values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(cells <= HtmlReport.MAX_CELLS_PER_FILE, "shapes: " + cells);
        assertEquals(HtmlReport.MAX_DAMAGES_PER_FILE, html.split("<tr id=\"d1-", -1).length - 1);
        assertTrue(html.contains("4,800 more damage(s) not listed here"));
        assertTrue(html.length() < 1_000_000, "page of " + html.length() + " characters");
    }

    @Test
    void manyFilesShareTheCellBudget() {
        assertEquals(4096, HtmlReport.cellsPerFile(1));
        assertEquals(4096, HtmlReport.cellsPerFile(16));
        assertEquals(2048, HtmlReport.cellsPerFile(17));
        assertEquals(64, HtmlReport.cellsPerFile(100_000));
    }

    @Test
    void aFileWithoutUnitsHasNoMapAndACleanRunSaysSo() throws IOException {
        FileResult text = new FileResult("LOG", "leveldb", "info-log", 2477);
        RunReport clean = report(text);
        clean.inputResults().add(new InputResult("db", "leveldb", false, InputStatus.CLEAN, null, 2, 1, 0));
        String html = HtmlReport.toHtml(clean);
        assertTrue(shapes(html).isEmpty());
        assertTrue(html.contains("No map: nothing in this file is a unit salvor reads"));
        assertTrue(html.contains("<header class=\"verdict clean\">"));
        assertFalse(html.contains("Damage at a glance"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HtmlReport.write(bytes, clean);
        assertEquals(html, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thePageLoadsNothingFromOutside() {
        FileResult f = new FileResult("a.log", "leveldb", "log", 100);
        f.map().mark(0, 100, UnitState.VERIFIED);
        String lower = HtmlReport.toHtml(report(f)).toLowerCase(Locale.ROOT);
        for (String outside : new String[] {"src=", "<link", "@import", "url(http", "url(//", "href=\"http",
            "href=\"//", "<script", "@font-face"}) {
            assertFalse(lower.contains(outside), outside);
        }
    }
}
