package dev.salvor.salvage.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.UnitState;
import dev.salvor.salvage.InputFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link RunReport} as one self-contained HTML page, the picture a specialist attaches to an incident report: the
 * verdict; the run's custody facts (tool and version, command, times, every input with its size and SHA-256 before
 * and after); the counts (units verified and damaged, records by state); the notes; then, per file (damaged files
 * first), its figures, the map of its units ({@link MapPicture}) and its damage table; and the format sections.
 *
 * <p>The page needs nothing but itself: CSS inline, no script, no font, image or link outside it, so it opens the
 * same offline, in a mail client or years later. Every string from the evidence is escaped ({@link Html#text}).
 * Its size is bounded whatever the input: at most {@value #MAX_CELLS_PER_FILE} map cells per file (fewer when there
 * are many files: {@value #MAX_CELLS_PER_PAGE} for the page, but never under {@value #MIN_CELLS_PER_FILE}), at most
 * {@value #MAX_DAMAGES_PER_FILE} damage rows per file and {@value #MAX_DAMAGES_PER_PAGE} in all; the rest is counted
 * and left to the JSON report.
 */
public final class HtmlReport {
    static final int MAX_CELLS_PER_FILE = 4096;
    static final int MAX_CELLS_PER_PAGE = 65536;
    static final int MIN_CELLS_PER_FILE = 64;
    static final int MAX_DAMAGES_PER_FILE = 200;
    static final int MAX_DAMAGES_PER_PAGE = 2000;
    /** Damaged files named at a glance, at the top of the page. */
    static final int GLANCE_FILES = 12;

    private static final String CSS = resource("report.css");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunReport report;
    private final List<FileResult> images;
    private final StringBuilder out = new StringBuilder(1 << 16);
    private int damagesLeft = MAX_DAMAGES_PER_PAGE;

    private HtmlReport(RunReport report, List<FileResult> images) {
        this.report = report;
        this.images = images;
    }

    /** Writes the page of {@code report} to {@code out} in UTF-8 (the stream is flushed, not closed). */
    public static void write(OutputStream out, RunReport report) throws IOException {
        write(out, report, List.of());
    }

    /**
     * Writes the page of {@code report}, with the maps of {@code images} first (the raw images artifacts were carved
     * from: where each lies), to {@code out} in UTF-8 (flushed, not closed).
     */
    public static void write(OutputStream out, RunReport report, List<FileResult> images) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(toHtml(report, images));
        w.flush();
    }

    /** The page of {@code report}. */
    public static String toHtml(RunReport report) {
        return toHtml(report, List.of());
    }

    /**
     * The page of {@code report} with the maps of {@code images} (see
     * {@link #write(OutputStream, RunReport, List)}).
     */
    public static String toHtml(RunReport report, List<FileResult> images) {
        return new HtmlReport(report, List.copyOf(images)).page();
    }

    private String page() {
        boolean clean = "clean".equals(report.verdict());
        String verdict = Html.text(report.status().display(report.worstFormat()));
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"salvor ").append(Html.text(report.toolVersion()))
                .append("\">\n<title>salvor ").append(Html.text(report.command())).append(": ").append(verdict)
                .append(firstInput()).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        patterns();
        banner(clean, verdict);
        glance();
        custody();
        counts();
        notes();
        files();
        extras();
        out.append("<footer>Written by salvor ").append(Html.text(report.toolVersion()))
                .append(". This page is self-contained: no script, and nothing is loaded from anywhere.</footer>\n")
                .append("</body>\n</html>\n");
        return out.toString();
    }

    private String firstInput() {
        if (report.inputs().isEmpty()) {
            return "";
        }
        String more = report.inputs().size() > 1 ? " and " + (report.inputs().size() - 1) + " more" : "";
        return " \u2014 " + Html.text(report.inputs().get(0).name()) + more;
    }

    /** The hatch damaged cells are filled with (so damage reads without colour too). */
    private void patterns() {
        out.append("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>")
                .append("<pattern id=\"hatch\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">")
                .append("<rect width=\"4\" height=\"4\" fill=\"#e03131\"/>")
                .append("<path d=\"M-1,1 l2,-2 M0,4 l4,-4 M3,5 l2,-2\" stroke=\"#8f1d1d\" stroke-width=\"1\"/>")
                .append("</pattern>");
        for (int pitch : new int[] {8, 16}) {
            // white lines in the last pixel column and row of every cell: the gaps between cells
            out.append("<pattern id=\"grid").append(pitch).append("\" width=\"").append(pitch).append("\" height=\"")
                    .append(pitch).append("\" patternUnits=\"userSpaceOnUse\"><path d=\"M").append(pitch - 0.5)
                    .append(",0 V").append(pitch).append(" M0,").append(pitch - 0.5).append(" H").append(pitch)
                    .append("\" stroke=\"#ffffff\" stroke-width=\"1\"/></pattern>");
        }
        out.append("</defs></svg>\n");
    }

    private void banner(boolean clean, String verdict) {
        long damagedFiles = report.files().stream().filter(f -> !f.damages().isEmpty()).count();
        out.append("<header class=\"verdict ").append(clean ? "clean" : "damaged").append("\">\n<h1>salvor ")
                .append(Html.text(report.command())).append(": <span class=\"word\">").append(verdict)
                .append("</span></h1>\n<p>");
        if (clean) {
            out.append("No damage found in ").append(Html.count(report.files().size())).append(" file(s).");
        } else {
            out.append(Html.count(report.damageCount())).append(" damage(s) in ").append(Html.count(damagedFiles))
                    .append(" of ").append(Html.count(report.files().size())).append(" file(s).");
            if (report.anyInputChanged()) {
                out.append(" <strong>An input changed while it was read.</strong>");
            }
        }
        out.append(' ').append(Html.count(report.unitsVerified())).append(" unit(s) verified, ")
                .append(Html.count(report.unitsDamaged())).append(" damaged; ")
                .append(Html.bytes(report.bytesVerified())).append(" verified.</p>\n</header>\n");
    }

    /** The damaged files, each with its first damage, linked to their sections: where to start reading. */
    private void glance() {
        List<FileResult> all = allFiles();
        List<Integer> damaged = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).damages().isEmpty()) {
                damaged.add(i);
            }
        }
        if (damaged.isEmpty()) {
            return;
        }
        out.append("<section id=\"glance\">\n<h2>Damage at a glance</h2>\n<ul class=\"glance\">\n");
        for (int k = 0; k < Math.min(GLANCE_FILES, damaged.size()); k++) {
            int i = damaged.get(k);
            FileResult f = all.get(i);
            Damage d = f.damages().get(0);
            out.append("<li><a href=\"#f").append(i + 1).append("\">").append(Html.text(f.file())).append("</a> ")
                    .append("<span class=\"meta\">").append(Html.text(f.format())).append(' ')
                    .append(Html.text(f.role())).append("</span> \u2014 <b>").append(Html.count(f.damages().size()))
                    .append(" damage(s)</b>; first: <span class=\"kind\">").append(Html.text(d.kind().id()))
                    .append("</span>").append(d.offset() < 0 ? "" : " at " + Html.hex(d.offset(),
                            Html.hexDigits(f.size()))).append(": ").append(Html.text(d.detail())).append("</li>\n");
        }
        if (damaged.size() > GLANCE_FILES) {
            out.append("<li>\u2026 and ").append(Html.count(damaged.size() - GLANCE_FILES))
                    .append(" more damaged file(s): see the table of files below.</li>\n");
        }
        out.append("</ul>\n</section>\n");
    }

    /** The images' maps, then the report's files: the order of the page's file sections and their ids. */
    private List<FileResult> allFiles() {
        List<FileResult> all = new ArrayList<>(images);
        all.addAll(report.files());
        return all;
    }

    private void custody() {
        out.append("<section id=\"run\">\n<h2>Run</h2>\n<table class=\"facts\">\n");
        row("Tool", "salvor " + report.toolVersion());
        row("Command", report.command());
        row("Started", String.valueOf(report.startedAt()));
        row("Finished", report.finishedAt() == null ? "(not finished)" : report.finishedAt() + " ("
                + duration(Duration.between(report.startedAt(), report.finishedAt())) + ")");
        row("Verdict", report.status().display(report.worstFormat()) + " (exit " + report.exitCode() + ")");
        for (InputResult in : report.inputResults()) {
            row("Input " + in.input(), in.status().display(in.format())
                    + (in.message() != null ? ": " + in.message() : ""));
        }
        for (OutputFile o : report.outputs()) {
            row("Output (" + o.role() + ")", o.path() + ", " + o.size() + " bytes, SHA-256 " + o.sha256());
        }
        out.append("</table>\n<h3>Inputs</h3>\n<table class=\"list inputs\">\n<thead><tr><th>File</th><th>Size</th>")
                .append("<th>SHA-256 before the run</th><th>After the run</th></tr></thead>\n<tbody>\n");
        for (InputFile in : report.inputs()) {
            out.append("<tr").append(in.changedDuringRun() ? " class=\"bad\"" : "").append("><td class=\"name\">")
                    .append(Html.text(in.name())).append("</td><td class=\"num\">").append(Html.count(in.size()))
                    .append("</td><td class=\"hash\">").append(Html.text(in.sha256()))
                    .append("</td><td class=\"hash\">");
            if (in.changedDuringRun()) {
                out.append("<strong>CHANGED during the run</strong> ").append(Html.text(in.sha256After()));
            } else if (in.sha256After() == null) {
                out.append("unchanged (size and mtime)");
            } else if (in.sha256After().equals(in.sha256())) {
                out.append("identical");
            } else {
                out.append(Html.text(in.sha256After()));
            }
            out.append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</section>\n");
    }

    private void row(String key, String value) {
        out.append("<tr><th>").append(Html.text(key)).append("</th><td>").append(Html.text(value))
                .append("</td></tr>\n");
    }

    private static String duration(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private void counts() {
        out.append("<section id=\"counts\">\n<h2>Counts</h2>\n<div class=\"tiles\">\n");
        tile("files", report.files().size(), null);
        tile("units verified", report.unitsVerified(), "v");
        tile("units damaged", report.unitsDamaged(), report.unitsDamaged() > 0 ? "d" : null);
        tile("damages", report.damageCount(), report.damageCount() > 0 ? "d" : null);
        out.append("<div class=\"tile\"><b>").append(Html.bytes(report.bytesVerified()))
                .append("</b><span>verified</span></div>\n");
        out.append("</div>\n");
        if (!report.recordsByState().isEmpty()) {
            out.append("<h3>Records by state</h3>\n<div class=\"tiles\">\n");
            for (Map.Entry<String, Long> e : report.recordsByState().entrySet()) {
                tile(e.getKey(), e.getValue(), null);
            }
            out.append("</div>\n");
        }
        out.append("</section>\n");
    }

    private void tile(String label, long n, String cls) {
        out.append("<div class=\"tile").append(cls == null ? "" : " " + cls).append("\"><b>").append(Html.count(n))
                .append("</b><span>").append(Html.text(label)).append("</span></div>\n");
    }

    private void notes() {
        if (report.notes().isEmpty()) {
            return;
        }
        out.append("<section id=\"notes\">\n<h2>Notes</h2>\n<ul class=\"notes\">\n");
        for (String n : report.notes()) {
            out.append("<li>").append(Html.text(n)).append("</li>\n");
        }
        out.append("</ul>\n</section>\n");
    }

    private void files() {
        List<FileResult> all = allFiles();
        int maxCells = cellsPerFile(all.size());
        out.append("<section id=\"files\">\n<h2>Files</h2>\n");
        legend();
        out.append("<table class=\"list overview\">\n<thead><tr><th>File</th><th>Format</th><th>Role</th>")
                .append("<th>Size</th><th>Units verified</th><th>Damaged</th><th>Damages</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < all.size(); i++) {
            FileResult f = all.get(i);
            out.append("<tr").append(f.damages().isEmpty() ? "" : " class=\"bad\"").append("><td class=\"name\">")
                    .append("<a href=\"#f").append(i + 1).append("\">").append(Html.text(f.file()))
                    .append("</a></td><td>")
                    .append(Html.text(f.format())).append("</td><td>").append(Html.text(f.role()))
                    .append("</td><td class=\"num\">").append(Html.count(f.size())).append("</td><td class=\"num\">")
                    .append(Html.count(f.unitsVerified())).append("</td><td class=\"num\">")
                    .append(Html.count(f.unitsDamaged())).append("</td><td class=\"num\">")
                    .append(Html.count(f.damages().size())).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        // Damaged files first: they are what the page is read for.
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < all.size(); i++) {
                FileResult f = all.get(i);
                boolean damaged = !f.damages().isEmpty() || i < images.size();
                if (damaged == (pass == 0)) {
                    file(f, i + 1, maxCells);
                }
            }
        }
        out.append("</section>\n");
    }

    /** Cells per file: {@value #MAX_CELLS_PER_FILE}, fewer (a power of two) when many files share the page. */
    static int cellsPerFile(int files) {
        int share = MAX_CELLS_PER_PAGE / Math.max(1, files);
        int pow = Integer.highestOneBit(Math.max(1, share));
        return Math.max(MIN_CELLS_PER_FILE, Math.min(MAX_CELLS_PER_FILE, pow));
    }

    private void legend() {
        out.append("<ul class=\"legend\">\n");
        legendItem("v", "verified", "its checksum or structure proved it");
        legendItem("d", "damaged", "failed its checksum or structure, or named by a damage");
        legendItem("f", "free", "space the format marks unused (freelist, old WAL frames, padding)");
        legendItem("u", "unverified", "read but not proven (older page versions, uncommitted frames, orphans)");
        legendItem("c", "carved", "where an artifact was carved from a raw image");
        legendItem("n", "not examined", "holds no unit salvor reads");
        out.append("</ul>\n<p class=\"hint\">Each cell is a byte range of the file, in the worst state found in it;"
                + " hover over a cell for its offsets, click a damaged cell for its damage.</p>\n");
    }

    private void legendItem(String cls, String label, String meaning) {
        out.append("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"").append(cls)
                .append("\" width=\"14\" height=\"14\"/></svg><b>").append(label).append("</b> ").append(meaning)
                .append("</li>\n");
    }

    private void file(FileResult f, int index, int maxCells) {
        List<Damage> listed = listed(f);
        String prefix = "d" + index + "-";
        out.append("<section class=\"file").append(f.damages().isEmpty() ? "" : " bad").append("\" id=\"f")
                .append(index).append("\">\n<h3>").append(Html.text(f.file())).append("</h3>\n<p class=\"meta\">")
                .append(Html.text(f.format())).append(" \u00b7 ").append(Html.text(f.role())).append(" \u00b7 ")
                .append(Html.count(f.size())).append(" bytes \u00b7 ").append(Html.count(f.unitsVerified()))
                .append(" unit(s) verified, ").append(Html.count(f.unitsDamaged())).append(" damaged \u00b7 ")
                .append(Html.bytes(f.bytesVerified())).append(" verified \u00b7 ")
                .append(Html.count(f.damages().size())).append(" damage(s)</p>\n");
        facts(f);
        MapPicture map = MapPicture.of(f, maxCells, listed, prefix);
        if (map == null) {
            out.append("<p class=\"nomap\">").append(f.size() <= 0 ? "Empty file (or not one file): no map."
                    : "No map: nothing in this file is a unit salvor reads, and no damage in it has an offset.")
                    .append("</p>\n");
        } else {
            mapFigures(map, f);
            out.append("<div class=\"mapwrap\">\n");
            map.render(out);
            out.append("</div>\n");
        }
        damageTable(f, listed, prefix);
        out.append("</section>\n");
    }

    private void facts(FileResult f) {
        if (f.facts().isEmpty()) {
            return;
        }
        out.append("<dl class=\"kv\">");
        for (Map.Entry<String, Object> e : f.facts().entrySet()) {
            out.append("<div><dt>").append(Html.text(e.getKey())).append("</dt><dd>").append(Html.text(e.getValue()))
                    .append("</dd></div>");
        }
        out.append("</dl>\n");
    }

    private void mapFigures(MapPicture map, FileResult f) {
        long[] bytes = map.bytesByState();
        String approx = map.bucketed() ? "\u2248" : "";
        out.append("<p class=\"scale\">1 cell = ").append(Html.bytes(map.cellBytes()));
        if (map.unitSize() > 0) {
            long units = map.cellBytes() / map.unitSize();
            out.append(units == 1 ? " (1 unit)" : " (" + units + " units of " + Html.bytes(map.unitSize()) + ")");
        }
        out.append(", ")
                .append(Html.count(map.cells())).append(" cell(s) from ").append(Html.hex(0, Html.hexDigits(f.size())))
                .append(" to ").append(Html.hex(f.size() - 1, Html.hexDigits(f.size()))).append(". Bytes: ");
        boolean first = true;
        for (int s = UnitState.values().length - 1; s >= -1; s--) {
            long n = s < 0 ? bytes[UnitState.values().length] : bytes[s];
            if (n == 0) {
                continue;
            }
            out.append(first ? "" : ", ").append("<span class=\"sw ").append(MapPicture.cssClass(s))
                    .append("\"></span>")
                    .append(MapPicture.label(s)).append(' ').append(approx).append(Html.bytes(n));
            first = false;
        }
        out.append(map.bucketed() ? " (the map kept per-range states: counts are by range)" : "").append("</p>\n");
    }

    /** The damages this file lists: its first ones, within the page's bound. */
    private List<Damage> listed(FileResult f) {
        List<Damage> all;
        synchronized (f) {
            all = new ArrayList<>(f.damages());
        }
        int n = Math.min(all.size(), Math.min(MAX_DAMAGES_PER_FILE, damagesLeft));
        damagesLeft -= n;
        return all.subList(0, n);
    }

    private void damageTable(FileResult f, List<Damage> listed, String prefix) {
        if (f.damages().isEmpty()) {
            return;
        }
        int digits = Html.hexDigits(f.size());
        out.append("<table class=\"list damages\">\n<thead><tr><th>#</th><th>Offset</th><th>Length</th><th>Kind</th>")
                .append("<th>Expected</th><th>Actual</th><th>Detail</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < listed.size(); i++) {
            Damage d = listed.get(i);
            out.append("<tr id=\"").append(prefix).append(i + 1).append("\"><td class=\"num\">").append(i + 1)
                    .append("</td><td class=\"hash\">").append(d.offset() < 0 ? "\u2014" : Html.hex(d.offset(), digits))
                    .append("</td><td class=\"num\">").append(Html.count(d.length())).append("</td><td class=\"kind\">")
                    .append(Html.text(d.kind().id())).append("</td><td class=\"val\">").append(Html.text(d.expected()))
                    .append("</td><td class=\"val\">").append(Html.text(d.actual())).append("</td><td>");
            if (!d.resource().equals(f.file())) {
                out.append("<span class=\"res\">").append(Html.text(d.resource())).append("</span> ");
            }
            out.append(Html.text(d.detail())).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        if (listed.size() < f.damages().size()) {
            out.append("<p class=\"more\">").append(Html.count(f.damages().size() - listed.size()))
                    .append(" more damage(s) not listed here: see the JSON report (--json or --report).</p>\n");
        }
    }

    private void extras() {
        if (report.extras().isEmpty()) {
            return;
        }
        out.append("<section id=\"extras\">\n<h2>Format sections</h2>\n");
        for (Map.Entry<String, Object> e : report.extras().entrySet()) {
            String json;
            try {
                json = JSON.writeValueAsString(e.getValue());
            } catch (IOException ex) {
                json = String.valueOf(e.getValue());
            }
            out.append("<details><summary>").append(Html.text(e.getKey())).append("</summary><pre>");
            for (String line : json.split("\n", -1)) {
                out.append(Html.text(line)).append('\n'); // the pretty printer's line breaks, each line escaped
            }
            out.append("</pre></details>\n");
        }
        out.append("</section>\n");
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " beside " + HtmlReport.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
