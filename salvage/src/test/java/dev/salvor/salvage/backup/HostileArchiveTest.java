package dev.salvor.salvage.backup;

import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.salvor.salvage.backup.Archives.Entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and damaged archives (hostile-inputs notes 19–25): every one is refused by {@code restore} before a byte
 * is written — TARGET and everything around it untouched, no staging directory left — and reported by
 * {@code verify-backup} with exit 1.
 */
class HostileArchiveTest {
    /** A path outside the work directory that an absolute-path entry aims at. */
    private static final String ABSOLUTE = "/tmp/salvor-hostile-absolute-" + ProcessHandle.current().pid() + ".txt";

    @TempDir
    Path tmp;

    private static final Map<String, byte[]> AB = Archives.files("a.txt", "alpha\n", "b.txt", "bravo\n");

    /** The standard good prefix: a manifest listing a.txt and b.txt. */
    private static List<Entry> withManifest(Map<String, byte[]> listed, Entry... rest) {
        List<Entry> l = new ArrayList<>();
        l.add(Entry.manifest(Archives.manifest(listed, List.of())));
        l.addAll(Arrays.asList(rest));
        return l;
    }

    private static Entry a() {
        return Entry.file("a.txt", "alpha\n");
    }

    private static Entry b() {
        return Entry.file("b.txt", "bravo\n");
    }

    private static byte[] gz(List<Entry> e) {
        return Archives.tarGz(e, true);
    }

    private static Arguments c(String name, String fragment, Supplier<byte[]> archive) {
        return Arguments.of(name, fragment, archive, null);
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                c("dot-dot entry", "'..' segment", () -> gz(withManifest(AB, Entry.file("../evil.txt", "x"), a(), b()))),
                c("dot-dot inside", "'..' segment",
                        () -> gz(withManifest(AB, a(), Entry.file("a/../../evil.txt", "x"), b()))),
                c("absolute path", "absolute path", () -> gz(withManifest(AB, a(), Entry.file(ABSOLUTE, "x"), b()))),
                c("drive letter", "colon", () -> gz(withManifest(AB, a(), Entry.file("C:\\evil.txt", "x"), b()))),
                c("backslash", "backslash", () -> gz(withManifest(AB, a(), Entry.file("a\\..\\evil.txt", "x"), b()))),
                c("empty segment", "empty path segment",
                        () -> gz(withManifest(AB, a(), Entry.file("x//evil.txt", "x"), b()))),
                c("newline in name", "control character",
                        () -> gz(withManifest(AB, a(), Entry.file("evil\n.txt", "x"), b()))),
                c("symlink then a file through it", "symbolic link",
                        () -> gz(withManifest(Archives.files("a.txt", "alpha\n", "link/evil.txt", "x"), a(),
                                Entry.link("link", TarConstants.LF_SYMLINK, "/tmp"), Entry.file("link/evil.txt", "x")))),
                c("symlink listed in manifest", "symbolic link",
                        () -> gz(withManifest(Archives.files("a.txt", "alpha\n", "link", ""), a(),
                                Entry.link("link", TarConstants.LF_SYMLINK, "../../etc/passwd")))),
                c("hard link", "hard link",
                        () -> gz(withManifest(AB, a(), b(), Entry.link("hard", TarConstants.LF_LINK, "/etc/passwd")))),
                c("character device", "character device",
                        () -> gz(withManifest(AB, a(), b(), Entry.special("null", TarConstants.LF_CHR)))),
                c("block device", "block device",
                        () -> gz(withManifest(AB, a(), b(), Entry.special("sda", TarConstants.LF_BLK)))),
                c("fifo", "FIFO", () -> gz(withManifest(AB, a(), b(), Entry.special("pipe", TarConstants.LF_FIFO)))),
                c("sparse (GNU)", "sparse",
                        () -> gz(withManifest(AB, a(), b(), Entry.special("sparse", TarConstants.LF_GNUTYPE_SPARSE)))),
                c("duplicate entry", "duplicate entry",
                        () -> gz(withManifest(AB, a(), b(), Entry.file("a.txt", "EVIL!\n")))),
                c("duplicate after case folding", "after case folding",
                        () -> gz(withManifest(AB, a(), b(), Entry.file("A.TXT", "alpha\n")))),
                c("duplicate after NFC", "after case folding or Unicode normalisation",
                        () -> gz(withManifest(Archives.files("caf\u00e9", "c"), Entry.file("caf\u00e9", "c"),
                                Entry.file("cafe\u0301", "c")))),
                c("entry not in the manifest", "not in the manifest",
                        () -> gz(withManifest(AB, a(), b(), Entry.file("c.txt", "extra\n")))),
                c("directory not in the manifest", "not in the manifest",
                        () -> gz(withManifest(AB, a(), b(), Entry.dir("rogue")))),
                c("size differs from manifest", "size: actual=7 vs expected=6",
                        () -> gz(withManifest(AB, a(), Entry.file("b.txt", "bravo!\n")))),
                c("content differs from manifest", "sha256: actual=",
                        () -> gz(withManifest(AB, a(), Entry.file("b.txt", "BRAVO\n")))),
                c("huge claimed size (8 GiB) in a tiny archive", "size: actual=8589934591",
                        () -> gz(withManifest(AB, a(), Entry.file("b.txt", "bravo\n").claiming((8L << 30) - 1)))),
                c("huge size claimed by the manifest too", "truncated",
                        () -> {
                            byte[] m = new String(Archives.manifest(AB, List.of()), StandardCharsets.UTF_8)
                                    .replace("\"size\" : 6,\n    \"sha256\" : \"" + Trees.sha256("bravo\n".getBytes(
                                            StandardCharsets.UTF_8)), "\"size\" : 8589934591,\n    \"sha256\" : \""
                                            + Trees.sha256("bravo\n".getBytes(StandardCharsets.UTF_8)))
                                    .getBytes(StandardCharsets.UTF_8);
                            return Archives.tarGz(List.of(Entry.manifest(m), a(),
                                    Entry.file("b.txt", "bravo\n").claiming((8L << 30) - 1)), false);
                        }),
                c("huge PAX header size claimed", "PAX extended header size", () -> {
                    Entry pax = Archives.pax("comment", "x".repeat(100)).claiming(1L << 30);
                    return Archives.tarGz(withManifest(AB, a(), pax, b()), false);
                }),
                c("PAX bomb: a 16 MiB PAX value compressed to a few KB", "PAX extended header size",
                        () -> gz(withManifest(AB, a(), Archives.pax("comment", "x".repeat(16 << 20)), b()))),
                c("GNU long name claiming 100 MB", "GNU long name size",
                        () -> Archives.tarGz(withManifest(AB, a(), new Entry("././@LongLink",
                                TarConstants.LF_GNUTYPE_LONGNAME, "b.txt".getBytes(StandardCharsets.UTF_8), null,
                                100_000_000L), b()), false)),
                c("decompression bomb: 32 MiB of zeros in an unlisted entry", "decompression bomb",
                        () -> gz(withManifest(AB, a(), b(), Entry.file("zeros", new byte[32 << 20])))),
                c("thousands of unlisted entries", "entries beyond the manifest's: stopped reading", () -> {
                    List<Entry> l = withManifest(AB, a(), b());
                    for (int i = 0; i < ArchiveReader.MAX_LISTED + 50; i++) {
                        l.add(Entry.file("x" + i, ""));
                    }
                    return gz(l);
                }),
                c("manifest of millions of tokens", "hostile manifest", () -> {
                    String m = new String(Archives.manifest(AB, List.of()), StandardCharsets.UTF_8);
                    String bomb = m.substring(0, m.lastIndexOf('}')) + ", \"x\" : [" + "0,".repeat(4_000_000) + "0]}";
                    return gz(List.of(Entry.manifest(bomb.getBytes(StandardCharsets.UTF_8)), a(), b()));
                }),
                c("global PAX header", "global PAX header",
                        () -> gz(withManifest(AB, a(), new Entry("pax_global_header",
                                TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, Archives.pax("comment", "g").data(), null,
                                null), b()))),
                c("PAX path override to ../", "'..' segment",
                        () -> gz(withManifest(AB, a(), Archives.pax("path", "../evil.txt"), Entry.file("b.txt",
                                "bravo\n")))),
                c("missing entry (tar cut at an entry boundary, gzip intact)", "missing 'b.txt'",
                        () -> Archives.tarGz(withManifest(AB, a()), false)),
                c("manifest not first", "expected='manifest.json'",
                        () -> {
                            List<Entry> l = withManifest(AB, a(), b());
                            l.add(0, l.remove(1));
                            return gz(l);
                        }),
                c("no manifest at all", "expected='manifest.json'", () -> gz(List.of(a(), b()))),
                c("empty tar", "no entry", () -> Archives.gzip(new byte[10240])),
                c("manifest with a ../ path", "'..' segment",
                        () -> gz(withManifest(Archives.files("../evil.txt", "x"), Entry.file("../evil.txt", "x")))),
                c("manifest with a duplicate member", "not valid JSON",
                        () -> gz(List.of(Entry.manifest(("{\"format\":\"salvor-backup\",\"format\":\"x\","
                                + "\"version\":1}").getBytes(StandardCharsets.UTF_8)), a()))),
                c("manifest of another tool", "not a salvor backup manifest",
                        () -> gz(List.of(Entry.manifest("{\"version\":1,\"files\":[]}".getBytes(
                                StandardCharsets.UTF_8)), a()))),
                c("data after the tar end marker", "non-zero byte", () -> {
                    byte[] t = Archives.tar(withManifest(AB, a(), b()), true);
                    byte[] more = Arrays.copyOf(t, t.length + 512);
                    more[t.length + 7] = 'X';
                    return Archives.gzip(more);
                }),
                c("truncated gzip (half)", "truncated", () -> {
                    byte[] g = gz(withManifest(AB, a(), b()));
                    return Arrays.copyOf(g, g.length / 2);
                }),
                c("truncated gzip (last byte)", "truncated", () -> {
                    byte[] g = gz(withManifest(AB, a(), b()));
                    return Arrays.copyOf(g, g.length - 1);
                }),
                c("trailing garbage after gzip", "trailing data", () -> {
                    byte[] g = gz(withManifest(AB, a(), b()));
                    byte[] x = Arrays.copyOf(g, g.length + 5);
                    System.arraycopy("JUNK!".getBytes(StandardCharsets.US_ASCII), 0, x, g.length, 5);
                    return x;
                }),
                c("second gzip member", "second gzip member", () -> {
                    byte[] g = gz(withManifest(AB, a(), b()));
                    byte[] second = Archives.gzip(Archives.tar(List.of(Entry.file("c.txt", "evil")), true));
                    byte[] x = Arrays.copyOf(g, g.length + second.length);
                    System.arraycopy(second, 0, x, g.length, second.length);
                    return x;
                }),
                c("bad gzip CRC", "gzip CRC-32", () -> {
                    byte[] g = gz(withManifest(AB, a(), b()));
                    g[g.length - 8] ^= 0x01;
                    return g;
                }),
                c("bad gzip ISIZE", "gzip ISIZE", () -> {
                    byte[] g = gz(withManifest(AB, a(), b()));
                    g[g.length - 1] ^= 0x01;
                    return g;
                }),
                c("not gzip", "gzip magic", () -> Archives.tar(withManifest(AB, a(), b()), true)),
                c("tar header checksum damaged", "header checksum", () -> {
                    byte[] t = Archives.tar(withManifest(AB, a(), b()), true);
                    int second = 512 * (1 + (Archives.manifest(AB, List.of()).length + 511) / 512);
                    t[second + 150] ^= 0x01; // inside the header checksum field of a.txt
                    return Archives.gzip(t);
                }),
                Arguments.of("manifest beside the archive differs", "differs",
                        (Supplier<byte[]>) () -> gz(withManifest(AB, a(), b())),
                        (Supplier<byte[]>) () -> Archives.manifest(Archives.files("a.txt", "alpha\n", "b.txt",
                                "EVIL\n"), List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void refusedBeforeAnyByteIsWritten(String name, String fragment, Supplier<byte[]> archive,
                                       Supplier<byte[]> beside) throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path arch = work.resolve("x-20251223-100000.tar.gz");
        Files.write(arch, archive.get());
        if (beside != null) {
            Files.write(ArchiveReader.besidePath(arch), beside.get());
        }
        Path target = work.resolve("target");
        Files.createDirectories(target); // an empty TARGET may be replaced: it must stay as it is
        Files.writeString(work.resolve("neighbour.txt"), "untouched\n");
        Map<String, String> before = Trees.snapshot(tmp);

        CliRun r = CliRun.of("restore", arch.toString(), target.toString());
        assertEquals(ExitCodes.UNREADABLE, r.exit(), r.err());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in:\n" + r.err());
        assertTrue(r.err().contains("nothing was written"), r.err());
        assertEquals(before, Trees.snapshot(tmp), "restore changed the file system");
        assertFalse(Files.exists(Path.of(ABSOLUTE)), ABSOLUTE + " was created");

        CliRun v = CliRun.of("verify-backup", arch.toString());
        assertEquals(ExitCodes.DAMAGE, v.exit(), v.err());
        assertTrue(v.err().contains(fragment), "expected '" + fragment + "' in:\n" + v.err());
        assertTrue(v.err().contains("MISMATCH"), v.err());
    }

    @Test
    void theUntamperedBaseArchiveRestores() throws IOException {
        // The control for every case above: the same construction without the hostile part restores.
        Path arch = tmp.resolve("x.tar.gz");
        Files.write(arch, gz(withManifest(AB, a(), b())));
        CliRun v = CliRun.of("verify-backup", arch.toString());
        assertEquals(ExitCodes.CLEAN, v.exit(), v.err());
        CliRun r = CliRun.of("restore", arch.toString(), tmp.resolve("t").toString());
        assertEquals(ExitCodes.CLEAN, r.exit(), r.err());
        assertEquals("alpha\n", Files.readString(tmp.resolve("t/a.txt")));
        assertEquals("bravo\n", Files.readString(tmp.resolve("t/b.txt")));
        assertEquals(List.of("a.txt", "b.txt"), Trees.list(tmp.resolve("t")));
    }

    @Test
    void gzipWrittenByOtherToolsWithNameAndHeaderCrcIsAccepted() throws IOException {
        // FNAME, FCOMMENT, FEXTRA and FHCRC are legal header fields: accepted and, for FHCRC, verified.
        byte[] std = gz(withManifest(AB, a(), b()));
        byte[] body = Arrays.copyOfRange(std, 10, std.length);
        java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
        h.write(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
        h.write(new byte[] {3, 0, 'a', 'b', 'c'});
        h.write("x.tar\0".getBytes(StandardCharsets.US_ASCII));
        h.write("a comment\0".getBytes(StandardCharsets.US_ASCII));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(h.toByteArray());
        long v = crc.getValue();
        h.write((int) (v & 0xff));
        h.write((int) ((v >> 8) & 0xff));
        h.write(body);
        Path arch = tmp.resolve("x.tar.gz");
        Files.write(arch, h.toByteArray());
        assertEquals(ExitCodes.CLEAN, CliRun.of("verify-backup", arch.toString()).exit());

        byte[] bad = h.toByteArray();
        int hcrcAt = 10 + 5 + 6 + 10;
        bad[hcrcAt] ^= 0x01;
        Files.write(arch, bad);
        CliRun r = CliRun.of("verify-backup", arch.toString());
        assertEquals(ExitCodes.DAMAGE, r.exit());
        assertTrue(r.err().contains("gzip header CRC16"), r.err());
    }

    @Test
    void everyTruncationOfASmallArchiveIsRefused() throws IOException {
        // Sweep: the archive cut at every length refuses to verify; only the whole file verifies.
        byte[] g = gz(withManifest(AB, a(), b()));
        Path arch = tmp.resolve("x.tar.gz");
        for (int len = 0; len < g.length; len++) {
            Files.write(arch, Arrays.copyOf(g, len));
            ArchiveReader.Result r = ArchiveReader.verify(arch, x -> { });
            assertFalse(r.intact(), "cut at " + len + " verified");
            assertFalse(r.errors().isEmpty() && r.missing().isEmpty(), "cut at " + len + ": no problem named");
        }
        Files.write(arch, g);
        assertTrue(ArchiveReader.verify(arch, x -> { }).intact());
    }

    @Test
    void everyFlippedByteOfASmallArchiveIsCaught() throws IOException {
        // Sweep: one bit flipped anywhere (gzip header, deflate data, trailer) never crashes, and is refused unless
        // the flip changes nothing the archive means (MTIME/XFL/OS, deflate padding bits): then the JDK's own
        // inflater must give back exactly the original tar.
        List<Entry> entries = withManifest(AB, a(), b());
        byte[] tar = Archives.tar(entries, true);
        byte[] g = Archives.gzip(tar);
        Path arch = tmp.resolve("x.tar.gz");
        int refused = 0;
        for (int i = 0; i < g.length; i++) {
            byte[] x = g.clone();
            x[i] ^= 0x10;
            Files.write(arch, x);
            ArchiveReader.Result r = ArchiveReader.verify(arch, y -> { });
            if (r.intact()) {
                try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                        new java.io.ByteArrayInputStream(x))) {
                    assertTrue(Arrays.equals(tar, in.readAllBytes()), "flip at " + i + " verified but changed data");
                }
            } else {
                refused++;
            }
        }
        assertTrue(refused >= g.length - 10, refused + " of " + g.length + " flips refused");
    }
}
