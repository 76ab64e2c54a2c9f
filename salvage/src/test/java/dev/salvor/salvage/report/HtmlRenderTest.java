package dev.salvor.salvage.report;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The page of a real damaged run (fixtures/leveldb/flipped-data-block and fixtures/sqlite/garbage-interior, checked
 * in one run) rendered by headless Chromium: a screenshot that decodes as an image, with the damaged and verified
 * colours drawn by the maps (a second screenshot shows the maps alone, so the colours can only come from their
 * cells), and the DOM as Chromium built it holding the cells and the damage rows. Skipped when /usr/bin/chromium is
 * absent, unless SALVOR_REQUIRE_CHROMIUM=1 (CI), where its absence fails.
 */
class HtmlRenderTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 60;
    /** The fill of damaged cells and the darker hatch across them (report.css / the hatch pattern). */
    private static final int[][] DAMAGED = {{0xe0, 0x31, 0x31}, {0x8f, 0x1d, 0x1d}};
    private static final int[][] VERIFIED = {{0x2f, 0x9e, 0x44}};
    /** Leaves only the maps of the page visible. */
    private static final String MAPS_ONLY = "<style>body > :not(#files):not(.defs), #files > :not(section.file),"
            + " section.file > :not(.mapwrap), svg.map text { display: none !important; }</style>";

    @TempDir
    Path tmp;

    @Test
    void aDamagedRunRendersInHeadlessChromium() throws Exception {
        boolean required = "1".equals(System.getenv("SALVOR_REQUIRE_CHROMIUM"));
        if (!Files.isExecutable(CHROMIUM)) {
            if (required) {
                fail(CHROMIUM + " is missing and SALVOR_REQUIRE_CHROMIUM=1 (apt-get install chromium)");
            }
            Assumptions.abort(CHROMIUM + " is not installed");
        }
        RunReport report = Pipeline.prepare(new Pipeline.Request("check", "test",
                List.of(Fixtures.path("leveldb/flipped-data-block/db"),
                        Fixtures.path("sqlite/garbage-interior/garbage-interior.db")),
                List.of(), null, null, Map.of(), Limits.DEFAULT, 2, false, Map.of())).run(Verb.CHECK, done -> { });
        assertEquals("damaged", report.verdict());
        String html = HtmlReport.toHtml(report);
        Path page = Files.writeString(tmp.resolve("report.html"), html);
        Path maps = Files.writeString(tmp.resolve("maps.html"), html.replace("</head>", MAPS_ONLY + "</head>"));

        BufferedImage shot = screenshot(page, "shot.png");
        assertEquals(1280, shot.getWidth());
        assertEquals(2000, shot.getHeight());
        assertTrue(pixels(shot, new int[][] {{0xb0, 0x25, 0x25}}) > 10_000, "the DAMAGED banner");

        BufferedImage mapsShot = screenshot(maps, "maps.png");
        long damaged = pixels(mapsShot, DAMAGED);
        long verified = pixels(mapsShot, VERIFIED);
        assertTrue(damaged >= 49, "damaged cells drawn: " + damaged + " pixel(s)");
        assertTrue(verified >= 1000, "verified cells drawn: " + verified + " pixel(s)");

        String dom = dumpDom(page);
        assertTrue(dom.contains("<rect class=\"d\""), "damaged cells in the DOM");
        assertTrue(dom.contains("<rect class=\"v\""), "verified cells in the DOM");
        assertTrue(dom.contains("<tr id=\"d"), "damage rows in the DOM");
        assertTrue(dom.contains("crc-mismatch") && dom.contains("000013.ldb"), "the flipped table's damage");
        assertTrue(dom.contains("b-tree page type of page 2"), "the garbage interior page's damage");
    }

    /** Counts pixels within 12 of one of {@code colours} in every channel. */
    private static long pixels(BufferedImage img, int[][] colours) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                for (int[] c : colours) {
                    if (Math.abs(r - c[0]) <= 12 && Math.abs(g - c[1]) <= 12 && Math.abs(b - c[2]) <= 12) {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }

    private BufferedImage screenshot(Path page, String name) throws Exception {
        Path png = tmp.resolve(name);
        chromium(page, "--screenshot=" + png, tmp.resolve(name + ".out"));
        assertTrue(Files.size(png) > 0, png + " written");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " decodes as an image");
        return img;
    }

    private String dumpDom(Path page) throws Exception {
        Path out = tmp.resolve("dom.html");
        chromium(page, "--dump-dom", out);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Runs Chromium on {@code page} with {@code action}, stdout to {@code stdout}; killed after the timeout. */
    private void chromium(Path page, String action, Path stdout) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1280,2000", "--hide-scrollbars",
                action, page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
                .redirectError(tmp.resolve(stdout.getFileName() + ".err").toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            // nothing to send: Chromium reads no input
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + cmd);
        }
        assertEquals(0, p.exitValue(), "chromium " + action + ": " + Files.readString(
                tmp.resolve(stdout.getFileName() + ".err")));
    }
}
