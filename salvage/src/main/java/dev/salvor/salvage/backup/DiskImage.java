package dev.salvor.salvage.backup;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.salvage.Sha256;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code salvor image SRC -o FILE.img}: a read-only, bit-exact copy of a file or a block device — seed 000's first
 * step, before anything else touches a failing disk — with its SHA-256, and a manifest beside it
 * ({@code FILE.manifest.json}).
 *
 * <p>The source is opened read-only and read once, front to back, in 1 MiB chunks, hashed as it is read. The copy
 * goes to a hidden temporary file beside FILE, is fsynced, read back and hashed again (the bytes on disk are the
 * bytes read), and only then published under its name, which must not exist: nothing is ever overwritten. For a
 * regular file the size and mtime must be the same before and after; a block device cannot prove that, so the
 * manifest says so. A read error stops the image (use GNU ddrescue for a disk with bad sectors, then image its
 * output).
 *
 * <table>
 *   <caption>FILE.manifest.json</caption>
 *   <tr><th>member</th><th>meaning</th></tr>
 *   <tr><td>format, version</td><td>{@code salvor-image}, 1</td></tr>
 *   <tr><td>created_at, tool</td><td>when, and which salvor</td></tr>
 *   <tr><td>source, source_real, source_kind</td><td>as given, after links, {@code file} / {@code block-device} /
 *       {@code character-device}</td></tr>
 *   <tr><td>image, size, sha256</td><td>the image's file name, bytes, SHA-256</td></tr>
 *   <tr><td>source_mtime</td><td>a regular file's mtime (null for devices)</td></tr>
 *   <tr><td>notes</td><td>e.g. that a device's stability during the copy cannot be proven</td></tr>
 * </table>
 */
public final class DiskImage {
    /** The value of {@code format}. */
    public static final String FORMAT = "salvor-image";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DiskImage() {
    }

    /**
     * A published image.
     *
     * @param image        the image file
     * @param manifestFile its manifest
     * @param bytes        bytes copied
     * @param sha256       their SHA-256
     * @param sourceKind   {@code file}, {@code block-device} or {@code character-device}
     * @param notes        observations
     */
    public record Result(Path image, Path manifestFile, long bytes, String sha256, String sourceKind,
                         List<String> notes) {
    }

    /** The manifest beside an image: {@code X.img} → {@code X.manifest.json}, otherwise {@code X.manifest.json}. */
    public static Path manifestPath(Path image) {
        String n = image.getFileName().toString();
        String base = n.endsWith(".img") ? n.substring(0, n.length() - 4) : n;
        return image.resolveSibling(base + ".manifest.json");
    }

    /** Images {@code source} to {@code output}. */
    public static Result run(Path source, Path output, ProgressListener progress, Clock clock, String tool)
            throws IOException {
        progress = progress == null ? ProgressListener.NONE : progress;
        clock = clock == null ? Clock.systemUTC() : clock;
        if (!Files.exists(source)) {
            throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, "cannot read " + source
                    + ": no such file or device");
        }
        Path real = source.toRealPath();
        String kind = kind(real);
        if (kind == null) {
            throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, source + " is not a regular file or a"
                    + " device (use 'salvor backup' for a directory)");
        }
        Path out = output.toAbsolutePath().normalize();
        Path manifest = manifestPath(out);
        for (Path p : List.of(out, manifest)) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to write " + p
                        + ": it exists (an image is never overwritten; choose a new name)");
            }
        }
        if (Backup.existingReal(out).equals(real)) {
            throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to image " + source
                    + " onto itself");
        }
        Files.createDirectories(out.getParent());
        List<String> notes = new ArrayList<>();
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        BasicFileAttributes before = Files.readAttributes(real, BasicFileAttributes.class);
        long expected = kind.equals("file") ? before.size() : deviceSize(real);
        Path temp = Files.createTempFile(out.getParent(), "." + out.getFileName() + ".", ".tmp");
        boolean published = false;
        try {
            progress.phase("imaging", Math.max(expected, 0));
            MessageDigest md = Sha256.newDigest();
            long copied = 0;
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            byte[] arr = new byte[1 << 20];
            try (FileChannel in = FileChannel.open(real, StandardOpenOption.READ);
                 FileChannel w = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                while (true) {
                    buf.clear();
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, "read error on " + source
                                + " at offset 0x" + Long.toHexString(copied) + ": " + e.getMessage() + " (a failing"
                                + " disk: image it with GNU ddrescue first, then work on that image); no image was"
                                + " written", e);
                    }
                    if (n < 0) {
                        break;
                    }
                    buf.flip();
                    buf.get(arr, 0, n);
                    md.update(arr, 0, n);
                    ByteBuffer wb = ByteBuffer.wrap(arr, 0, n);
                    while (wb.hasRemaining()) {
                        w.write(wb);
                    }
                    copied += n;
                    progress.done(copied);
                }
                w.force(true);
            }
            String sha = Sha256.hex(md.digest());
            if (kind.equals("file")) {
                BasicFileAttributes after = Files.readAttributes(real, BasicFileAttributes.class);
                if (after.size() != before.size() || copied != before.size()
                        || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
                    throw new BackupException(BackupException.Kind.SOURCE_CHANGED, source + " changed while it was"
                            + " imaged (size " + before.size() + " → " + after.size() + ", " + copied + " bytes read,"
                            + " mtime " + before.lastModifiedTime() + " → " + after.lastModifiedTime() + "); no image"
                            + " was written: stop the writer and run again");
                }
            } else {
                if (expected >= 0 && copied != expected) {
                    throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, source + ": " + copied
                            + " bytes read vs " + expected + " bytes the device reports; no image was written");
                }
                notes.add("a device cannot prove it did not change during the copy: it should be unmounted or"
                        + " read-only (blockdev --setro) while imaged");
            }
            progress.phase("verifying", copied);
            String back = hash(temp, progress);
            if (!back.equals(sha)) {
                throw new IOException("the image read back hashes to " + back + ", not " + sha + " as read: disk or"
                        + " memory fault? no image was written");
            }
            byte[] mjson = manifestJson(source, real, kind, out.getFileName().toString(), copied, sha,
                    kind.equals("file") ? before.lastModifiedTime().toInstant().toString() : null, created, tool,
                    notes);
            Path mtemp = Files.createTempFile(out.getParent(), "." + manifest.getFileName() + ".", ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(mtemp, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.wrap(mjson);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.force(true);
                }
                if (!Backup.linkNoReplace(mtemp, manifest)) {
                    throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to write " + manifest
                            + ": it appeared while the image was made");
                }
            } finally {
                Files.deleteIfExists(mtemp);
            }
            if (!Backup.linkNoReplace(temp, out)) {
                Files.deleteIfExists(manifest);
                throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to write " + out
                        + ": it appeared while the image was made");
            }
            published = true;
            Files.deleteIfExists(temp);
            Backup.fsyncDir(out.getParent());
            return new Result(out, manifest, copied, sha, kind, notes);
        } finally {
            if (!published) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static String kind(Path p) {
        if (Files.isRegularFile(p)) {
            return "file";
        }
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode") & 0170000;
            return mode == 0060000 ? "block-device" : mode == 0020000 ? "character-device" : null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A device's size in bytes from sysfs ({@code /sys/class/block/NAME/size} × 512), or -1 when unknown. */
    private static long deviceSize(Path dev) {
        try {
            Path sys = Path.of("/sys/class/block", dev.getFileName().toString(), "size");
            if (Files.isRegularFile(sys)) {
                return Long.parseLong(Files.readString(sys).trim()) * 512;
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -1;
    }

    private static String hash(Path p, ProgressListener progress) throws IOException {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[1 << 20];
        long done = 0;
        try (InputStream in = Files.newInputStream(p)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                done += n;
                progress.done(done);
            }
        }
        return Sha256.hex(md.digest());
    }

    private static byte[] manifestJson(Path source, Path real, String kind, String image, long size, String sha,
                                       String mtime, Instant created, String tool, List<String> notes)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", 1);
            g.writeStringField("created_at", created.toString());
            g.writeStringField("tool", tool);
            g.writeStringField("source", source.toString());
            g.writeStringField("source_real", real.toString());
            g.writeStringField("source_kind", kind);
            g.writeStringField("image", image);
            g.writeNumberField("size", size);
            g.writeStringField("sha256", sha);
            g.writeStringField("source_mtime", mtime);
            g.writeArrayFieldStart("notes");
            for (String n : notes) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
        return out.toByteArray();
    }

    /**
     * Re-hashes an image against the manifest beside it.
     *
     * @param image the image file
     * @return problems found (empty when the image verifies)
     * @throws BackupException when the manifest beside is missing or unreadable
     */
    public static List<String> verify(Path image, ProgressListener progress) throws IOException {
        progress = progress == null ? ProgressListener.NONE : progress;
        Path mf = manifestPath(image);
        JsonNode m;
        try {
            m = MAPPER.readTree(mf.toFile());
        } catch (IOException e) {
            throw new BackupException(BackupException.Kind.ARCHIVE_REFUSED, "cannot read the image manifest " + mf
                    + ": " + e.getMessage());
        }
        if (m == null || !FORMAT.equals(m.path("format").asText())) {
            throw new BackupException(BackupException.Kind.ARCHIVE_REFUSED, mf + " is not a salvor image manifest");
        }
        List<String> problems = new ArrayList<>();
        long size = Files.size(image);
        if (size != m.path("size").asLong(-1)) {
            problems.add("image size: actual=" + size + " vs expected=" + m.path("size").asLong(-1));
        }
        progress.phase("verifying", size);
        String sha = hash(image, progress);
        if (!sha.equals(m.path("sha256").asText())) {
            problems.add("image sha256: actual=" + sha + " vs expected=" + m.path("sha256").asText());
        }
        return problems;
    }

    /** True when {@code file} has a salvor image manifest beside it (and so is an image, not an archive). */
    public static boolean hasImageManifest(Path file) {
        Path mf = manifestPath(file);
        if (!Files.isRegularFile(mf) || file.getFileName().toString().endsWith(".tar.gz")) {
            return false;
        }
        try {
            return FORMAT.equals(MAPPER.readTree(mf.toFile()).path("format").asText());
        } catch (IOException e) {
            return false;
        }
    }
}
