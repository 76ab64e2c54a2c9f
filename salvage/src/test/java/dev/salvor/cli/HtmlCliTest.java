package dev.salvor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --html REPORT.html} on check and salvage, through the CLI on real fixtures. */
class HtmlCliTest {
    @TempDir
    Path tmp;

    @Test
    void checkWritesThePageAndLeavesTheJsonReportAsItWas() throws IOException {
        Path page = tmp.resolve("report.html");
        CliRun r = CliRun.of("check", "--json", "--html", page.toString(),
                Fixtures.path("leveldb/flipped-data-block/db").toString());
        assertEquals(ExitCodes.DAMAGE, r.exit(), r.err());
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<h1>salvor check: <span class=\"word\">DAMAGED</span></h1>"), html);
        assertTrue(html.contains("<rect class=\"d\"") && html.contains("<rect class=\"v\""), "the map's cells");
        assertTrue(html.contains("crc-mismatch") && html.contains("000013.ldb"));
        JsonNode json = new ObjectMapper().readTree(r.out());
        for (JsonNode f : json.get("files")) {
            assertFalse(f.has("map") || f.has("units"), "no map in the JSON report: " + f);
        }
        try (var leftovers = Files.list(tmp)) {
            assertEquals(1, leftovers.count(), "no temporary file left beside the page");
        }
    }

    @Test
    void salvageWritesThePageWithTheRecordsByState() throws IOException {
        Path page = tmp.resolve("salvage.html");
        Path out = tmp.resolve("out.jsonl");
        CliRun r = CliRun.of("salvage", Fixtures.path("sqlite/garbage-interior/garbage-interior.db").toString(),
                "-o", out.toString(), "--html", page.toString());
        assertEquals(ExitCodes.DAMAGE, r.exit(), r.err());
        assertTrue(Files.size(out) > 0);
        String html = Files.readString(page);
        assertTrue(html.contains("<h3>Records by state</h3>"), html);
        assertTrue(html.contains("<span>live</span>"), html);
        assertTrue(html.contains("1 cell = 1.0 KiB (1 unit)"), "one database page per cell");
    }

    @Test
    void thePageIsNeverWrittenIntoTheEvidenceNorOverAnotherOutput() throws IOException {
        Path db = Fixtures.path("leveldb/snappy/db");
        CliRun inside = CliRun.of("check", db.toString(), "--html", db.resolve("report.html").toString());
        assertEquals(ExitCodes.USAGE, inside.exit(), inside.err());
        assertTrue(inside.err().contains("evidence is never overwritten"), inside.err());
        assertFalse(Files.exists(db.resolve("report.html")));

        Path same = tmp.resolve("same");
        CliRun clash = CliRun.of("salvage", db.toString(), "-o", same.toString(), "--html", same.toString());
        assertEquals(ExitCodes.USAGE, clash.exit(), clash.err());
        assertTrue(clash.err().contains("-o and --html name the same file"), clash.err());
        assertFalse(Files.exists(same));
    }

    @Test
    void identifyHasNoPage() {
        CliRun r = CliRun.of("identify", "--html", tmp.resolve("x.html").toString(),
                Fixtures.path("leveldb/snappy/db").toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
    }

    @Test
    void aCarvedImageIsMappedFirst() throws IOException {
        Path image = tmp.resolve("ext4.img");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.path("carve/ext4/ext4.img.gz")))) {
            Files.copy(in, image);
        }
        Path page = tmp.resolve("carve.html");
        CliRun r = CliRun.of("salvage", "--carve", image.toString(), "-o", tmp.resolve("o.jsonl").toString(),
                "--html", page.toString());
        assertTrue(r.exit() == ExitCodes.CLEAN || r.exit() == ExitCodes.DAMAGE, r.err());
        String html = Files.readString(page);
        int imageSection = html.indexOf("<section class=\"file\" id=\"f1\">");
        assertTrue(imageSection > 0, "the image is the first file");
        assertTrue(html.indexOf("<h3>" + image + "</h3>", imageSection) > 0 || html.indexOf("ext4.img</h3>") > 0);
        assertTrue(html.contains("<rect class=\"c\""), "where the artifacts lie: carved cells");
        assertTrue(html.contains("image \u00b7 carved"), html.substring(imageSection, imageSection + 400));
    }
}
