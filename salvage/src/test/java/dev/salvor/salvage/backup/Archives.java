package dev.salvor.salvage.backup;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Builds tar.gz archives byte by byte for hostile-input tests: any name, any type, any claimed size, with or without
 * the end-of-archive marker. Headers come from Commons Compress's {@code writeEntryHeader}; everything else (data,
 * padding, PAX records, gzip) is assembled here so nothing is "fixed up" on the way.
 */
final class Archives {
    private Archives() {
    }

    /** One raw tar entry. {@code claimedSize} (when not null) goes in the header whatever {@code data} holds. */
    record Entry(String name, byte type, byte[] data, String linkName, Long claimedSize) {
        static Entry file(String name, String content) {
            return new Entry(name, TarConstants.LF_NORMAL, content.getBytes(StandardCharsets.UTF_8), null, null);
        }

        static Entry file(String name, byte[] content) {
            return new Entry(name, TarConstants.LF_NORMAL, content, null, null);
        }

        static Entry dir(String name) {
            return new Entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, new byte[0], null, null);
        }

        static Entry link(String name, byte type, String target) {
            return new Entry(name, type, new byte[0], target, null);
        }

        static Entry special(String name, byte type) {
            return new Entry(name, type, new byte[0], null, null);
        }

        static Entry manifest(byte[] json) {
            return file(BackupManifest.ENTRY_NAME, json);
        }

        Entry claiming(long size) {
            return new Entry(name, type, data, linkName, size);
        }
    }

    /** A manifest listing {@code files} (path → content) and {@code dirs}, as salvor would write it. */
    static byte[] manifest(Map<String, byte[]> files, List<String> dirs) {
        List<BackupManifest.FileEntry> fe = new ArrayList<>();
        files.forEach((p, b) -> fe.add(new BackupManifest.FileEntry(p, b.length, Trees.sha256(b),
                "2025-12-23T10:00:00Z")));
        return new BackupManifest(1, "2025-12-23T10:00:00Z", "salvor test", "hostile", "/nowhere", "directory", fe,
                dirs, List.of(), List.of(), "unchecked", 0, Map.of()).toJson();
    }

    static Map<String, byte[]> files(String... pathThenContent) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < pathThenContent.length; i += 2) {
            m.put(pathThenContent[i], pathThenContent[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    /** A well-formed archive of {@code files}: manifest first, then each file. */
    static byte[] valid(Map<String, byte[]> files) {
        List<Entry> e = new ArrayList<>();
        e.add(Entry.manifest(manifest(files, List.of())));
        files.forEach((p, b) -> e.add(Entry.file(p, b)));
        return tarGz(e, true);
    }

    /** The uncompressed tar. */
    static byte[] tar(List<Entry> entries, boolean endMarker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            TarArchiveEntry te = new TarArchiveEntry(e.name(), e.type(), true);
            te.setSize(e.claimedSize() != null ? e.claimedSize() : e.type() == TarConstants.LF_DIR
                    || e.data().length == 0 ? 0 : e.data().length);
            if (e.linkName() != null) {
                te.setLinkName(e.linkName());
            }
            te.setModTime(java.nio.file.attribute.FileTime.from(Instant.parse("2025-12-23T10:00:00Z")));
            te.setMode(e.type() == TarConstants.LF_DIR ? 040755 : 0100644);
            byte[] h = new byte[512];
            te.writeEntryHeader(h);
            out.write(h, 0, 512);
            out.write(e.data(), 0, e.data().length);
            int pad = (512 - e.data().length % 512) % 512;
            out.write(new byte[pad], 0, pad);
        }
        if (endMarker) {
            out.write(new byte[1024], 0, 1024);
            int pad = (10240 - out.size() % 10240) % 10240;
            out.write(new byte[pad], 0, pad);
        }
        return out.toByteArray();
    }

    static byte[] tarGz(List<Entry> entries, boolean endMarker) {
        return gzip(tar(entries, endMarker));
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A PAX extended header entry ({@code x}) holding {@code key=value}. */
    static Entry pax(String key, String value) {
        String rec = " " + key + "=" + value + "\n";
        int len = rec.length();
        int total = len + String.valueOf(len).length();
        if (String.valueOf(total).length() != String.valueOf(len).length()) {
            total++;
        }
        byte[] d = (total + rec).getBytes(StandardCharsets.UTF_8);
        return new Entry("././@PaxHeader", TarConstants.LF_PAX_EXTENDED_HEADER_LC, d, null, null);
    }
}
